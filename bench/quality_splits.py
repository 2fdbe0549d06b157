"""Tune/holdout splits for a judged set: whole groups, about a third of each kind held out.

Queries of one group (the same information need typed differently: a speaker named as a
word and as a ``speaker:`` filter, simplified and Traditional script, ...) always share a
split, otherwise tuning on one of them would leak into the other.  Within that constraint
the held-out share of every kind is brought as close to a third as the groups allow, by a
deterministic local search (fixed seed), so that re-assembling a set gives the same splits.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from typing import Dict, List, Sequence

HOLDOUT_SHARE = 1 / 3


def _cost(held: Sequence[bool], kinds: List[Counter], totals: Counter, n: int) -> float:
    got: Counter = Counter()
    for h, k in zip(held, kinds):
        if h:
            got.update(k)
    per_kind = sum((got[k] - totals[k] * HOLDOUT_SHARE) ** 2 for k in totals)
    overall = (sum(got.values()) - n * HOLDOUT_SHARE) ** 2
    return per_kind + overall


def assign_splits(drafts: List[dict], seed: str = "ydsearch-judged",
                  rounds: int = 2000) -> Dict[str, str]:
    """qid -> "tune" | "holdout" for drafts with "qid", "kind" and an optional "group"."""
    groups: Dict[str, List[dict]] = defaultdict(list)
    for d in drafts:
        groups[d.get("group") or d["qid"]].append(d)
    names = sorted(groups)
    rng = random.Random(seed)
    rng.shuffle(names)
    kinds = [Counter(d["kind"] for d in groups[g]) for g in names]
    totals: Counter = Counter(d["kind"] for d in drafts)
    n = len(drafts)
    # start: every kind's groups in shuffled order, the first third held out
    held = [False] * len(names)
    seen: Counter = Counter()
    for i, k in enumerate(kinds):
        main = max(sorted(k), key=lambda kind: k[kind])
        held[i] = seen[main] < _quota(totals[main])
        seen[main] += 1
    best = _cost(held, kinds, totals, n)
    for _ in range(rounds):
        i, j = rng.randrange(len(names)), rng.randrange(len(names))
        trial = list(held)
        if i == j or held[i] == held[j]:
            trial[i] = not trial[i]          # move one group across
        else:
            trial[i], trial[j] = trial[j], trial[i]   # swap a held and a tuned group
        cost = _cost(trial, kinds, totals, n)
        if cost < best:
            held, best = trial, cost
    return {d["qid"]: ("holdout" if h else "tune")
            for g, h in zip(names, held) for d in groups[g]}


def _quota(total: int) -> int:
    return round(total * HOLDOUT_SHARE)
