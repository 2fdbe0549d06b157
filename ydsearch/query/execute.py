"""Evaluating a parsed query on an index view: which paragraphs match.

Matching is exact set logic on one boolean array per segment (one value per
paragraph), so the count of matches is exact without ranking them:

* a quoted phrase matches where each of its runs occurs exactly (suffix array);
* an unquoted term matches there too, or where all its words occur as words;
* a field filter matches its exact value (``speaker``, ``city`` …) or all the
  words of its value (``meeting``, ``title``, ``speaker_role``); ``year`` and
  ``date`` ranges compare the paragraphs' columns;
* ``AND``/``OR``/``NOT`` are ``&``, ``|`` and ``~`` of those arrays, and the
  result is limited to live (not deleted) paragraphs.

Every array fetched (a word's counts, a substring's occurrences) is kept for
the ranking that follows, so nothing is looked up twice.
"""
from typing import Dict, List, Optional

import numpy as np

from . import lang as ql
from ..engine.segmenter import Segmenter
from ..engine.view import IndexView, SegmentView
from .plan import TermPlan, plan_term

ID_FIELDS = {"speaker": "speaker", "city": "city", "province": "province",
             "source": "source", "kind": "kind", "doc": "doc_id"}
WORD_FIELDS = {"meeting", "title", "speaker_role"}


def _date_number(iso: Optional[str], default: int) -> int:
    if not iso:
        return default
    return int(iso[:4]) * 10000 + int(iso[5:7]) * 100 + int(iso[8:10])


class Matcher:
    """Evaluates query nodes on the segments of one view, caching every lookup."""

    def __init__(self, view: IndexView, seg: Segmenter):
        self.view = view
        self.seg = seg
        self._plans: Dict[tuple, TermPlan] = {}
        self._cache: Dict[tuple, np.ndarray] = {}
        self._df: Dict[tuple, int] = {}

    # -- analysed terms and raw lookups ----------------------------------------------
    def plan(self, node: "ql.Text") -> TermPlan:
        key = (node.value, node.phrase)
        if key not in self._plans:
            self._plans[key] = plan_term(node, self.seg)
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
            self._df[(kind, key)] = sum(
                int(np.count_nonzero(get(i, key)[s.live]))
                for i, s in enumerate(self.view.segments))
        return self._df[(kind, key)]

    # -- matching -------------------------------------------------------------------
    def exact(self, i: int, plan: TermPlan) -> np.ndarray:
        """True where every run of the term occurs exactly."""
        s = self.view.segments[i]
        out = np.ones(s.ndocs, dtype=bool) if plan.runs else np.zeros(s.ndocs, dtype=bool)
        for run in plan.runs:
            out &= self.substring(i, run) > 0
        return out

    def all_words(self, i: int, plan: TermPlan) -> np.ndarray:
        s = self.view.segments[i]
        if not plan.words:
            return np.zeros(s.ndocs, dtype=bool)
        out = np.ones(s.ndocs, dtype=bool)
        for w in plan.words:
            out &= self.word(i, "words", w) > 0
        return out

    def mask(self, node, i: int) -> np.ndarray:
        """Paragraphs of segment ``i`` that ``node`` matches (deleted ones included)."""
        s: SegmentView = self.view.segments[i]
        if isinstance(node, ql.Text):
            plan = self.plan(node)
            m = self.exact(i, plan)
            return m if plan.phrase else m | self.all_words(i, plan)
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
