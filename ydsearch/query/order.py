"""Choosing and ordering the page of hits among all matches.

Scored queries: the most query terms matched first, then the highest score;
equal scores (to 6 decimals) in reading order, so a page never changes between
runs or rebuilds.  Queries with no free
text (filters only): reading order -- by date, then document id, then
paragraph number.  Only the candidates that can reach the page are sorted.
"""
from typing import List, Tuple

import numpy as np

from ..engine.view import IndexView

Ranked = List[Tuple[int, int, float]]   # (segment, docnum, score)


def _candidates(view: IndexView, masks, ranking=None):
    segs, docs, vals, tiers = [], [], [], []
    for i, m in enumerate(masks):
        d = np.flatnonzero(m)
        segs.append(np.full(len(d), i, dtype=np.int32))
        docs.append(d)
        if ranking is not None:
            vals.append(ranking.scores[i][d])
            tiers.append(ranking.matched[i][d])
    if not segs:
        return (np.zeros(0, np.int32), np.zeros(0, np.int64), np.zeros(0, np.float32),
                np.zeros(0, np.float32))
    segs, docs = np.concatenate(segs), np.concatenate(docs)
    if ranking is None:
        return segs, docs, np.zeros(len(docs), np.float32), np.zeros(len(docs), np.float32)
    return segs, docs, np.concatenate(vals), np.concatenate(tiers)


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


def page(view: IndexView, masks, ranking, start: int, stop: int) -> Ranked:
    """Candidates ``start`` to ``stop`` (0-based) in ranking order.

    ``ranking`` (a :class:`~ydsearch.query.rank.Ranking`) None means reading
    order (a query of filters only).
    """
    segs, docs, vals, tiers = _candidates(view, masks, ranking)
    n = len(docs)
    stop = min(stop, n)
    if start >= stop:
        return []
    if ranking is None:
        date, rank, pindex = _reading_keys(view, segs, docs)
        order = np.lexsort((pindex, rank, date))[start:stop]
        return [(int(segs[j]), int(docs[j]), 0.0) for j in order]
    keys = np.round(vals.astype(np.float64), 6)
    # one number that orders like (terms matched, score): scores stay far below 1e9
    combined = tiers.astype(np.float64) * 1e9 + keys
    if stop < n:
        kth = np.partition(-combined, stop - 1)[stop - 1]
        pool = np.flatnonzero(-combined <= kth)      # everything that can reach the page
    else:
        pool = np.arange(n)
    date, rank, pindex = _reading_keys(view, segs[pool], docs[pool])
    order = pool[np.lexsort((pindex, rank, date, -keys[pool], -tiers[pool]))][start:stop]
    return [(int(segs[j]), int(docs[j]), float(vals[j])) for j in order]
