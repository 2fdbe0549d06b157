"""Evaluating a parsed query on an index view: which paragraphs match.

Matching is exact set logic on one boolean array per segment (one value per
paragraph), so the count of matches is exact without ranking them:

* a quoted phrase matches where each of its runs occurs exactly (suffix array);
* an unquoted term matches there too, or where its parts (character bigrams,
  each looked up exactly) cover :data:`MIN_COVERAGE` of its characters --
  Lucene's "minimum should match", so that ``长三角生态环境保护`` finds
  ``长三角生态环境共同保护``;
* a field filter matches its exact value (``speaker``, ``city`` …) or all the
  words of its value (``meeting``, ``title``, ``speaker_role``); ``year`` and
  ``date`` ranges compare the paragraphs' columns;
* ``AND``/``OR``/``NOT`` are ``&``, ``|`` and ``~`` of those arrays, and the
  result is limited to live (not deleted) paragraphs.

Every array fetched (a word's counts, a substring's occurrences) is kept for
the ranking that follows, so nothing is looked up twice.  The measures of a
term (coverage, span) are in :mod:`.measures`, what the lexicon adds in
:mod:`.synonyms`; both are mixins of :class:`Matcher`.
"""
from dataclasses import replace
from typing import Dict, List, Optional

import numpy as np

from . import lang as ql
from ..engine.segmenter import Segmenter
from ..engine.view import IndexView, SegmentView
from .measures import Measures
from .plan import TermPlan, plan_term
from .synonyms import Synonyms

#: An unquoted term matches a paragraph that holds it exactly, or that holds
#: parts (bigrams) covering at least this share of its characters.
MIN_COVERAGE = 0.75
#: How fully a paragraph matches a term (the first key of the ranking): the
#: exact sequence, all parts close together (within the term's length plus
#: CLOSE_SLACK characters), parts scattered, only a mention of the speaker a
#: term names (who the user wants to hear).
EXACT, CLOSE, SCATTERED, MENTION = 1.0, 0.9, 0.8, 0.5
CLOSE_SLACK = 4

ID_FIELDS = {"speaker": "speaker", "city": "city", "province": "province",
             "source": "source", "kind": "kind", "doc": "doc_id"}
WORD_FIELDS = {"meeting", "title", "speaker_role"}


def _date_number(iso: Optional[str], default: int) -> int:
    if not iso:
        return default
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


class Matcher(Synonyms, Measures):
    """Evaluates query nodes on the segments of one view, caching every lookup."""

    def __init__(self, view: IndexView, seg: Segmenter, speakers=(), lexicon=None):
        """``speakers``: names whose term also matches the paragraphs they say;
        ``lexicon``: expansions of unquoted terms (:mod:`.lexicon`)."""
        self.view = view
        self.seg = seg
        self.speakers = frozenset(speakers)
        self.lexicon = lexicon
        self._plans: Dict[tuple, TermPlan] = {}
        self._cache: Dict[tuple, object] = {}     # arrays; per-term tables
        self._df: Dict[tuple, int] = {}

    # -- analysed terms and raw lookups ----------------------------------------------
    def plan(self, node: "ql.Text") -> TermPlan:
        key = (node.value, node.phrase)
        if key not in self._plans:
            plan = plan_term(node, self.seg)
            if not node.phrase and self.lexicon is not None:
                plan = replace(plan, expansions=list(self.lexicon.expansions(node.value)))
            self._plans[key] = plan
        return self._plans[key]

    def _cached(self, key, compute):
        value = self._cache.get(key)
        if value is None:
            value = self._cache[key] = compute()
        return value

    def substring(self, i: int, run: str) -> np.ndarray:
        """Occurrences of the folded ``run`` in each paragraph of segment ``i``."""
        s = self.view.segments[i]
        return self._cached((i, "sub", run), lambda: s.substring(run))

    def word(self, i: int, field: str, word: str) -> np.ndarray:
        """Count of ``word`` in ``field`` for each paragraph of segment ``i``."""
        s = self.view.segments[i]
        return self._cached((i, field, word), lambda: s.term(field, word))

    def doc_frequency(self, kind: str, key: str) -> int:
        """Live paragraphs with a ``word`` (kind = field name) or a substring (kind "sub")."""
        if (kind, key) not in self._df:
            get = self.substring if kind == "sub" else (lambda i, k: self.word(i, kind, k))

            def live_df(i, s):
                if kind != "sub" and s.all_live:      # the term table knows; no postings read
                    return s.term_df(kind, key)
                found = get(i, key)
                return int(np.count_nonzero(found if s.all_live else found[s.live]))

            self._df[(kind, key)] = sum(live_df(i, s) for i, s in enumerate(self.view.segments))
        return self._df[(kind, key)]

    # -- matching -------------------------------------------------------------------
    def exact(self, i: int, plan: TermPlan) -> np.ndarray:
        """True where every run of the term occurs exactly."""
        s = self.view.segments[i]
        out = np.ones(s.ndocs, dtype=bool) if plan.runs else np.zeros(s.ndocs, dtype=bool)
        for run in plan.runs:
            out &= self.substring(i, run) > 0
        return out

    def said_by(self, i: int, name: str) -> np.ndarray:
        """Paragraphs of segment ``i`` whose speaker is ``name``."""
        s = self.view.segments[i]
        return self._cached((i, "said", name),
                            lambda: s.term_bytes("speaker", name.encode("utf-8")))

    def under_heading(self, i: int, plan: TermPlan) -> np.ndarray:
        """Paragraphs under a heading that holds all the term's words."""
        s = self.view.segments[i]
        if not plan.words:
            return np.zeros(s.ndocs, dtype=bool)
        out = np.ones(s.ndocs, dtype=bool)
        for w in plan.words:
            out &= self.word(i, "heading", w) > 0
        return out

    def literal(self, i: int, plan: TermPlan) -> np.ndarray:
        """The text holds the term: exactly, or (unquoted) by enough of its parts."""
        m = self.exact(i, plan)
        return m if plan.phrase else m | (self.coverage(i, plan) >= MIN_COVERAGE)

    def term_strength(self, i: int, plan: TermPlan) -> np.ndarray:
        """How fully each paragraph matches the term: :data:`EXACT`, :data:`CLOSE`,
        :data:`SCATTERED` (by its parts, under a heading holding its words, by a
        lexicon expansion), :data:`MENTION` (only mentions the speaker the term
        names), else 0."""
        key = (i, "strength", plan.term, plan.phrase)
        if key in self._cache:
            return self._cache[key]
        exact = self.exact(i, plan)
        if plan.phrase:
            out = exact.astype(np.float32)
        elif plan.term in self.speakers:
            said = self.said_by(i, plan.term)
            out = np.where(said, EXACT, np.where(self.literal(i, plan), MENTION, 0.0))
        else:
            loose = self.literal(i, plan) & ~exact
            close = loose & (self.span(i, plan) <= plan.length + CLOSE_SLACK) if loose.any() \
                else loose
            other = self.under_heading(i, plan) | self.words_with_synonyms(i, plan)
            for e in self.expansion_plans(plan):
                other = other | self.exact(i, e)
            out = np.where(exact, EXACT, np.where(close, CLOSE, np.where(
                loose | other, SCATTERED, 0.0)))
        out = out.astype(np.float32)
        self._cache[key] = out
        return out

    def term_matches(self, i: int, plan: TermPlan) -> np.ndarray:
        """The term's matching rule: exact; unquoted, also by enough of its parts
        (:data:`MIN_COVERAGE`), under a heading holding its words, by a lexicon
        expansion, or -- when it names a known speaker -- where that person speaks."""
        return self.term_strength(i, plan) > 0

    def mask(self, node, i: int) -> np.ndarray:
        """Paragraphs of segment ``i`` that ``node`` matches (deleted ones included)."""
        s: SegmentView = self.view.segments[i]
        if isinstance(node, ql.Text):
            return self.term_matches(i, self.plan(node))
        if isinstance(node, ql.Field):
            return self._field(node, i, s)
        if isinstance(node, ql.YearRange):
            year = s.column("year")
            lo = node.lo if node.lo is not None else -1
            hi = node.hi if node.hi is not None else 1 << 30
            return (year != 0) & (year >= lo) & (year <= hi)
        if isinstance(node, ql.DateRange):
            date = s.column("date")
            lo, hi = _date_number(node.lo, -1), _date_number(node.hi, 1 << 30)
            return (date != 0) & (date >= lo) & (date <= hi)
        if isinstance(node, ql.And):
            out = np.ones(s.ndocs, dtype=bool)
            for item in dict.fromkeys(node.items):
                out &= self.mask(item, i)
            return out
        if isinstance(node, ql.Or):
            out = np.zeros(s.ndocs, dtype=bool)
            for item in dict.fromkeys(node.items):
                out |= self.mask(item, i)
            return out
        if isinstance(node, ql.Not):
            return ~self.mask(node.item, i)
        raise TypeError(f"unknown query node {type(node).__name__}")

    def _field(self, node: "ql.Field", i: int, s: SegmentView) -> np.ndarray:
        if node.name in ID_FIELDS:
            return self._cached((i, "id", node.name, node.value), lambda: s.term_bytes(
                ID_FIELDS[node.name], node.value.encode("utf-8")))
        if node.name in WORD_FIELDS:
            words = [w.text for w in self.seg.query_words(node.value)]
            out = np.ones(s.ndocs, dtype=bool) if words else np.zeros(s.ndocs, dtype=bool)
            for w in words:
                out &= self.word(i, node.name, w) > 0
            return out
        raise ValueError(f"no index field for {node.name!r}")  # querylang yields known fields

    def matches(self, node) -> List[np.ndarray]:
        """One boolean array per segment: live paragraphs matching ``node``."""
        return [self.mask(node, i) & s.live for i, s in enumerate(self.view.segments)]
