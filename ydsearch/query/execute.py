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
the ranking that follows, so nothing is looked up twice.
"""
from dataclasses import replace
from typing import Dict, List, Optional

import numpy as np

from . import lang as ql
from ..engine.segmenter import Segmenter
from ..engine.view import IndexView, SegmentView
from .plan import TermPlan, plan_term

#: An unquoted term matches a paragraph that holds it exactly, or that holds
#: parts (bigrams) covering at least this share of its characters.
MIN_COVERAGE = 0.75
#: How fully a paragraph matches a term (the first key of the ranking): the
#: exact sequence, all parts close together (within the term's length plus
#: CLOSE_SLACK characters), parts scattered, only a mention of the speaker a
#: term names (who the user wants to hear).
EXACT, CLOSE, SCATTERED, MENTION = 1.0, 0.9, 0.8, 0.5
CLOSE_SLACK = 4
MAX_SPAN_PARTS = 6

ID_FIELDS = {"speaker": "speaker", "city": "city", "province": "province",
             "source": "source", "kind": "kind", "doc": "doc_id"}
WORD_FIELDS = {"meeting", "title", "speaker_role"}


def _date_number(iso: Optional[str], default: int) -> int:
    if not iso:
        return default
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


class Matcher:
    """Evaluates query nodes on the segments of one view, caching every lookup."""

    def __init__(self, view: IndexView, seg: Segmenter, speakers=(), lexicon=None):
        """``speakers``: names whose term also matches the paragraphs they say;
        ``lexicon``: expansions of unquoted terms (:mod:`.lexicon`)."""
        self.view = view
        self.seg = seg
        self.speakers = frozenset(speakers)
        self.lexicon = lexicon
        self._plans: Dict[tuple, TermPlan] = {}
        self._cache: Dict[tuple, np.ndarray] = {}
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

    def expansion_plans(self, plan: TermPlan) -> List[TermPlan]:
        """A phrase plan for each lexicon expansion of the term (all its words exact)."""
        return [self.plan(ql.Text(e, phrase=True)) for e in plan.expansions]

    def word_units(self, plan: TermPlan) -> List[str]:
        """The term's words, with each run of consecutive words that the lexicon
        knows as one entry joined (``长三角异地就医``: 长三角, 异地就医), longest first."""
        words, units, k = plan.words, [], 0
        while k < len(words):
            for j in range(len(words), k + 1, -1):
                joined = "".join(words[k:j])
                if joined != plan.term and self.lexicon.expansions(joined):
                    units.append(joined)
                    k = j
                    break
            else:
                units.append(words[k])
                k += 1
        return units

    def word_synonyms(self, plan: TermPlan) -> Dict[str, List[TermPlan]]:
        """For a term of several words, the lexicon expansions of each word or run
        of words (``长江禁捕`` → 禁捕: 禁渔, 退捕; ``长三角异地就医`` → 异地就医: …)."""
        if self.lexicon is None or plan.phrase or len(plan.words) < 2:
            return {}
        out = {}
        for unit in self.word_units(plan):
            found = self.lexicon.expansions(unit)
            if found:
                out[unit] = [self.plan(ql.Text(e, phrase=True)) for e in found]
        return out

    def words_with_synonyms(self, i: int, plan: TermPlan) -> np.ndarray:
        """Every word (or run of words, :meth:`word_units`) of the term is there,
        itself or as one of its lexicon expansions (and at least one of them as an
        expansion: the rest is :meth:`literal`'s)."""
        s = self.view.segments[i]
        synonyms = self.word_synonyms(plan)
        if not synonyms:
            return np.zeros(s.ndocs, dtype=bool)
        out, via = np.ones(s.ndocs, dtype=bool), np.zeros(s.ndocs, dtype=bool)
        for unit in self.word_units(plan):
            alt = np.zeros(s.ndocs, dtype=bool)
            for e in synonyms.get(unit, ()):
                alt |= self.exact(i, e)
            out &= (self.substring(i, unit) > 0) | alt
            via |= alt
        return out & via

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

    def coverage(self, i: int, plan: TermPlan) -> np.ndarray:
        """Share of the term's characters that a present part (bigram) covers."""
        key = (i, "cover", plan.term)
        if key not in self._cache:
            s = self.view.segments[i]
            covered = np.zeros(s.ndocs, dtype=np.float32)
            for run in plan.runs:
                if len(run) == 1:
                    covered += self.substring(i, run) > 0
                    continue
                present = [self.substring(i, run[k:k + 2]) > 0 for k in range(len(run) - 1)]
                covered += present[0]
                for k in range(1, len(run) - 1):
                    covered += present[k - 1] | present[k]
                covered += present[-1]
            self._cache[key] = covered / max(plan.length, 1)
        return self._cache[key]

    def doc_coverage(self, i: int, plan: TermPlan) -> np.ndarray:
        """Share of the term's characters that a part present anywhere in the
        paragraph's document (any of its live paragraphs) covers.  Computed per
        document from the parts' occurrences, then spread to the paragraphs."""
        key = (i, "doccover", plan.term)
        if key not in self._cache:
            s = self.view.segments[i]
            codes = s.sub.codes("doc")
            ndoc = int(codes.max()) + 1 if len(codes) else 0

            def held(part: str) -> np.ndarray:
                lo, hi = s.sub.range(part)
                paras = s.sub.da[lo:hi]
                out = np.zeros(ndoc, dtype=bool)
                out[codes[paras if s.all_live else paras[s.live[paras]]]] = True
                return out

            covered = np.zeros(ndoc, dtype=np.float32)
            for run in plan.runs:
                if len(run) == 1:
                    covered += held(run)
                    continue
                present = [held(run[k:k + 2]) for k in range(len(run) - 1)]
                covered += present[0]
                for k in range(1, len(run) - 1):
                    covered += present[k - 1] | present[k]
                covered += present[-1]
            self._cache[key] = (covered / max(plan.length, 1))[codes] if ndoc else \
                np.zeros(s.ndocs, dtype=np.float32)
        return self._cache[key]

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

    def positions(self, i: int, run: str) -> np.ndarray:
        """Where ``run`` occurs in segment ``i``'s text, ascending."""
        s = self.view.segments[i]
        return self._cached((i, "pos", run), lambda: np.sort(s.sub.sa[slice(*s.sub.range(run))]))

    def span(self, i: int, plan: TermPlan) -> np.ndarray:
        """Per paragraph, the shortest stretch of text found to hold all the term's
        parts (its words, or the bigrams of a one-word term); inf where some is
        missing.  Anchored on each occurrence of the rarest part, the nearest
        occurrence of every other part is taken (an upper bound of the minimum)."""
        s = self.view.segments[i]
        parts = plan.words if len(plan.words) > 1 else plan.grams
        parts = list(dict.fromkeys(parts))[:MAX_SPAN_PARTS]
        out = np.full(s.ndocs, np.inf, dtype=np.float32)
        if not parts:
            return out
        pos = [self.positions(i, p) for p in parts]
        if any(len(p) == 0 for p in pos):
            return out
        k = int(np.argmin([len(p) for p in pos]))
        anchor = pos[k]
        lo, hi = anchor.astype(np.int64), anchor.astype(np.int64) + len(parts[k])
        for j, (part, p) in enumerate(zip(parts, pos)):
            if j == k:
                continue
            at = np.clip(np.searchsorted(p, anchor), 1, len(p)) - 1
            before, after = p[at], p[np.minimum(at + 1, len(p) - 1)]
            near = np.where(np.abs(before - anchor) <= np.abs(after - anchor), before, after)
            lo, hi = np.minimum(lo, near), np.maximum(hi, near + len(part))
        docs = np.searchsorted(s.sub.starts, anchor, side="right") - 1
        same = (np.searchsorted(s.sub.starts, lo, side="right") - 1 == docs) & \
            (np.searchsorted(s.sub.starts, hi - 1, side="right") - 1 == docs)
        np.minimum.at(out, docs[same], (hi - lo)[same].astype(np.float32))
        return out

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
