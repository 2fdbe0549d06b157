"""Choosing and ordering the page of hits among all matches.

Scored queries: highest score first; equal scores (to 6 decimals) in reading
order, so a page never changes between runs or rebuilds.  Queries with no free
text (filters only): reading order -- by date, then document id, then
paragraph number.  Only the candidates that can reach the page are sorted.
"""
from typing import List, Tuple

import numpy as np

from ..engine.view import IndexView

Ranked = List[Tuple[int, int, float]]   # (segment, docnum, score)


def _candidates(view: IndexView, masks, scores=None):
    segs, docs, vals = [], [], []
    for i, m in enumerate(masks):
        d = np.flatnonzero(m)
        segs.append(np.full(len(d), i, dtype=np.int32))
        docs.append(d)
        vals.append(scores[i][d] if scores is not None else np.zeros(len(d), np.float32))
    if not segs:
        return np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(segs), np.concatenate(docs), np.concatenate(vals)


def _reading_keys(view: IndexView, segs, docs):
    """(date, document rank, paragraph number) of each candidate."""
    date = np.empty(len(docs), dtype=np.int64)
    rank = np.empty(len(docs), dtype=np.int64)
    pindex = np.empty(len(docs), dtype=np.int64)
    ranks = view.doc_ranks()
    for i, s in enumerate(view.segments):
        sel = segs == i
        d = docs[sel]
        date[sel] = s.column("date")[d]
        rank[sel] = ranks[i][d]
        pindex[sel] = s.column("pindex")[d]
    return date, rank, pindex


def page(view: IndexView, masks, scores, start: int, stop: int) -> Ranked:
    """Matches ``start`` to ``stop`` (0-based) in ranking order.

    ``scores`` None means reading order (a query of filters only).
    """
    segs, docs, vals = _candidates(view, masks, scores)
    n = len(docs)
    stop = min(stop, n)
    if start >= stop:
        return []
    if scores is None:
        date, rank, pindex = _reading_keys(view, segs, docs)
        order = np.lexsort((pindex, rank, date))[start:stop]
        return [(int(segs[j]), int(docs[j]), 0.0) for j in order]
    keys = np.round(vals.astype(np.float64), 6)
    if stop < n:
        kth = np.partition(-keys, stop - 1)[stop - 1]
        pool = np.flatnonzero(-keys <= kth)          # everything that can reach the page
    else:
        pool = np.arange(n)
    date, rank, pindex = _reading_keys(view, segs[pool], docs[pool])
    order = pool[np.lexsort((pindex, rank, date, -keys[pool]))][start:stop]
    return [(int(segs[j]), int(docs[j]), float(vals[j])) for j in order]
