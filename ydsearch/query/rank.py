"""Scoring matched paragraphs, in bulk: one float per paragraph per segment.

BM25 over the ``words`` field (Lucene's idf, k1 and b below), computed with
numpy from the counts the matcher fetched, plus an exact-sequence bonus: a
paragraph that holds the whole term as typed scores it again, weighted by
:data:`EXACT_WEIGHT`, as a BM25 "word" of its own (its count in the paragraph,
its document frequency).  Terms under a ``NOT`` are not scored.
"""
import math
from typing import List

import numpy as np

from .execute import Matcher
from .plan import TermPlan

K1 = 1.2
B = 0.75
EXACT_WEIGHT = 2.0
# Headings and captions match many queries in few words; rank the passages first.
KIND_BOOST = np.array([1.0, 0.6, 0.5], dtype=np.float32)     # body, heading, caption


def idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def bm25(tf: np.ndarray, norm: np.ndarray, weight: float) -> np.ndarray:
    """``weight * tf (k1 + 1) / (tf + norm)`` where ``norm = k1 (1 - b + b len / avg)``."""
    return weight * tf * (K1 + 1.0) / (tf + norm)


def length_norms(m: Matcher, column: str) -> List[np.ndarray]:
    avg = m.view.average(column) or 1.0
    return [(K1 * (1.0 - B + B * s.column(column) / avg)).astype(np.float32)
            for s in m.view.segments]


def score(m: Matcher, plans: List[TermPlan]) -> List[np.ndarray]:
    """The score of every paragraph of every segment for the query's terms."""
    view = m.view
    n = max(view.live_count, 1)
    norms = length_norms(m, "len_words")
    out = [np.zeros(s.ndocs, dtype=np.float32) for s in view.segments]
    for plan in plans:
        for w in dict.fromkeys(plan.words):
            weight = idf(n, m.doc_frequency("words", w))
            for i, s in enumerate(view.segments):
                out[i] += bm25(m.word(i, "words", w), norms[i], weight)
        key = "".join(plan.runs)
        if len(plan.runs) == 1 and key:
            weight = EXACT_WEIGHT * idf(n, m.doc_frequency("sub", key))
            for i in range(len(view.segments)):
                out[i] += bm25(m.substring(i, key).astype(np.float32), norms[i], weight)
        elif plan.runs:
            weight = EXACT_WEIGHT * idf(n, m.doc_frequency("sub", plan.runs[0]))
            for i in range(len(view.segments)):
                tf = np.minimum.reduce([m.substring(i, r) for r in plan.runs]).astype(np.float32)
                out[i] += bm25(tf, norms[i], weight)
    for i, s in enumerate(view.segments):
        out[i] *= KIND_BOOST[s.column("kind")]
    return out
