"""Graded retrieval metrics: nDCG@k and recall@k, and their averages.

* ``ndcg_at_k``: DCG with gains ``2^g - 1`` and discount ``log2(rank + 1)``;
  the ideal ranking is built from *all* the judgments of the query (not only
  those retrieved).  A result that was never judged counts as grade 0.  A
  query with no paragraph graded above 0 has no nDCG (None).
* ``recall_at_k``: the share of the paragraphs graded ``>= min_grade`` (2)
  that appear in the top ``k``; None when the query has none.
* ``judged_at_k``: the share of the top ``k`` that carries a judgment — how far
  the judgments can be trusted for a ranker that was not in the pool.
"""
import math
from statistics import mean
from typing import Dict, Iterable, List, Optional, Sequence

RELEVANT = 2


def dcg(grades: Iterable[int]) -> float:
    return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def ndcg_at_k(ranked: Sequence[str], grades: Dict[str, int], k: int = 10) -> Optional[float]:
    ideal = dcg(sorted((g for g in grades.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return None
    return dcg(grades.get(pid, 0) for pid in ranked[:k]) / ideal


def recall_at_k(ranked: Sequence[str], grades: Dict[str, int], k: int = 10,
                min_grade: int = RELEVANT) -> Optional[float]:
    relevant = {pid for pid, g in grades.items() if g >= min_grade}
    if not relevant:
        return None
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def judged_at_k(ranked: Sequence[str], grades: Dict[str, int], k: int = 10) -> Optional[float]:
    top = list(ranked[:k])
    if not top:
        return None
    return sum(pid in grades for pid in top) / len(top)


def average(values: Iterable[Optional[float]]) -> Optional[float]:
    """Mean of the defined values (None when there is none)."""
    defined: List[float] = [v for v in values if v is not None]
    return mean(defined) if defined else None
