"""The query language evaluated outside the index: filters on metadata, boolean structure.

The benchmark's own rankers (the CJK-bigram baseline and the pooling rankers)
parse the query with ``ydsearch.parse_query`` and walk the AST here.  What a
free-text term matches and scores is the ranker's business (a *term model*
with ``score(text) -> (match, score)`` and ``contains(text) -> match``, numpy
arrays over the paragraphs); the rest is common:

* field filters (``speaker:``, ``year:``, ``date:``, ``city:``…) select
  paragraphs by their metadata, as the index does: ``speaker``, ``city``,
  ``province``, ``source``, ``kind`` and ``doc`` by equality, ``meeting``,
  ``title`` and ``speaker_role`` when every query word of the value occurs in
  the normalised field;
* ``NOT x`` removes the paragraphs that *contain* ``x`` (model.contains);
* ``OR`` is a union, scores add up;
* ``AND`` (and juxtaposition) intersects filters and negations always, and its
  free-text parts either all (``conjunctive=True``) or any of them (OR
  semantics, the baseline's); scores add up.
"""
from typing import Callable, Dict, List, Tuple

import numpy as np

from ydsearch.query import lang as ql

from quality_corpus import META_FIELDS, Paragraphs

EQUAL_FIELDS = {"speaker": "speaker", "city": "city", "province": "province",
                "source": "source", "kind": "kind", "doc": "doc_id"}
WORD_FIELDS = ("meeting", "title", "speaker_role")
FILTER_NODES = (ql.Field, ql.YearRange, ql.DateRange)


class MetaFilters:
    """Masks of the paragraphs whose metadata satisfies a filter node."""

    def __init__(self, paras: Paragraphs):
        self.n = len(paras)
        self.codes: Dict[str, np.ndarray] = {}
        self.values: Dict[str, list] = {}
        for name in META_FIELDS:
            uniq: Dict[object, int] = {}
            self.codes[name] = np.fromiter((uniq.setdefault(v, len(uniq)) for v in paras.meta[name]),
                                           dtype=np.int32, count=self.n)
            self.values[name] = list(uniq)
        self.years = np.array([-1 if y is None else y for y in paras.years], dtype=np.int32)
        self._segmenter = None

    def _where(self, name: str, pred: Callable[[str], bool]) -> np.ndarray:
        ok = np.array([v is not None and pred(v) for v in self.values[name]], dtype=bool)
        return ok[self.codes[name]] if len(ok) else np.zeros(self.n, dtype=bool)

    def _words(self, value: str) -> List[str]:
        from ydsearch.engine.segmenter import Segmenter

        if self._segmenter is None:
            self._segmenter = Segmenter()
        return [w.text for w in self._segmenter.query_words(value)]

    def mask(self, node) -> np.ndarray:
        if isinstance(node, ql.YearRange):
            m = self.years >= 0
            if node.lo is not None:
                m &= self.years >= node.lo
            if node.hi is not None:
                m &= self.years <= node.hi
            return m
        if isinstance(node, ql.DateRange):
            lo, hi = node.lo, node.hi
            return self._where("date", lambda d: (lo is None or d[:10] >= lo)
                               and (hi is None or d[:10] <= hi))
        if node.name in EQUAL_FIELDS:
            return self._where(EQUAL_FIELDS[node.name], lambda v: v == node.value)
        if node.name in WORD_FIELDS:
            import ydsearch

            words = self._words(node.value)
            return self._where(node.name, lambda v: bool(words) and all(
                w in ydsearch.normalize(v).text.lower() for w in words))
        raise ValueError(f"no filter for field {node.name!r}")


def has_text(node) -> bool:
    if isinstance(node, ql.Text):
        return True
    if isinstance(node, (ql.And, ql.Or)):
        return any(has_text(i) for i in node.items)
    if isinstance(node, ql.Not):
        return has_text(node.item)
    return False


def contains(node, model, filters: MetaFilters) -> np.ndarray:
    """Strict truth of ``node`` (used under NOT): every part must hold."""
    if isinstance(node, ql.Text):
        return model.contains(node)
    if isinstance(node, FILTER_NODES):
        return filters.mask(node)
    if isinstance(node, ql.Not):
        return ~contains(node.item, model, filters)
    parts = [contains(i, model, filters) for i in node.items]
    out = parts[0].copy()
    for p in parts[1:]:
        out = (out & p) if isinstance(node, ql.And) else (out | p)
    return out


def evaluate(node, model, filters: MetaFilters, conjunctive: bool) -> Tuple[np.ndarray, np.ndarray]:
    """(match mask, score) of ``node`` over all paragraphs."""
    n = filters.n
    if isinstance(node, ql.Text):
        return model.score(node)
    if isinstance(node, FILTER_NODES):
        return filters.mask(node), np.zeros(n, dtype=np.float32)
    if isinstance(node, ql.Not):  # only reached as a lone operand of OR
        return ~contains(node.item, model, filters), np.zeros(n, dtype=np.float32)
    score = np.zeros(n, dtype=np.float32)
    if isinstance(node, ql.Or):
        match = np.zeros(n, dtype=bool)
        for item in node.items:
            m, s = evaluate(item, model, filters, conjunctive)
            match |= m
            score += np.where(m, s, 0)
        return match, score
    required = np.ones(n, dtype=bool)
    textual = []
    for item in node.items:
        if isinstance(item, ql.Not):
            required &= ~contains(item.item, model, filters)
        elif not has_text(item):
            required &= evaluate(item, model, filters, conjunctive)[0]
        else:
            textual.append(evaluate(item, model, filters, conjunctive))
    if textual:
        match = np.ones(n, dtype=bool) if conjunctive else np.zeros(n, dtype=bool)
        for m, s in textual:
            match = (match & m) if conjunctive else (match | m)
            score += np.where(m, s, 0)
    else:
        match = np.ones(n, dtype=bool)
    return match & required, score


def top_rows(match: np.ndarray, score: np.ndarray, k: int) -> List[int]:
    """The ``k`` best matching rows: score descending, then row order (stable)."""
    rows = np.flatnonzero(match)
    if not len(rows):
        return []
    s = score[rows].astype(np.float64)
    if len(rows) > k:
        # Keep every row tied with the k-th best, then sort them stably.
        kth = np.partition(-s, k - 1)[k - 1]
        keep = -s <= kth
        rows, s = rows[keep], s[keep]
    order = np.lexsort((rows, -s))
    return [int(r) for r in rows[order][:k]]
