#!/usr/bin/env python3
"""Tune the weights of ydsearch's ranking signals on the *tune* split of the judged sets.

    python bench/tune_ranking.py --scale-index PATH [--rounds 3] [--cv 4]

For every query of the tune split of both judged sets, the signals of every
candidate are computed once (``ydsearch.query.rank``, all weights 1); a weight
vector then re-ranks them in microseconds.  Coordinate ascent over a grid of
multipliers maximises the mean nDCG@10 (the two sets weighted equally), starting
from the weights in ``rank.WEIGHTS``.  ``--cv K`` first reports K-fold
cross-validated nDCG (tune on K-1 folds of the tune split, score the held fold),
which says whether a tuned vector generalises beyond the queries it saw.  The
holdout split is only scored by ``bench/quality.py`` (never here).

Prints the best weights; copy them into ``rank.WEIGHTS`` by hand, then measure.
"""
import argparse
import random
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from quality import load_evaluation_set  # noqa: E402
from quality_metrics import ndcg_at_k  # noqa: E402

GRID = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def features(index, query: str):
    """(ids, tiers, {signal: values}) of every candidate of ``query``."""
    from ydsearch.query import rank
    from ydsearch.query.search import Matches

    saved = dict(rank.WEIGHTS)
    rank.WEIGHTS.update({k: 1.0 for k in rank.WEIGHTS if k != "lexicon"})
    try:
        m = Matches(index, query, {})
        if not m.plans:
            return None
        r = rank.Ranker(m.matcher, m.plans).rank(m.node)
    finally:
        rank.WEIGHTS.clear()
        rank.WEIGHTS.update(saved)
    ids, tiers, sig = [], [], {name: [] for name in r.signals}
    for i, (s, cand) in enumerate(zip(m.view.segments, m.candidates)):
        docs = np.flatnonzero(cand)
        ids += [s.stored(d)["id"] for d in docs]
        tiers.append(r.matched[i][docs])
        for name in sig:
            sig[name].append(r.signals[name][i][docs])
    return (ids, np.concatenate(tiers) if tiers else np.zeros(0),
            {k: np.concatenate(v) if v else np.zeros(0) for k, v in sig.items()})


def score_query(feat, grades, weights, k=10) -> float:
    if feat is None:
        return 0.0
    ids, tiers, sig = feat
    if not ids:
        return ndcg_at_k([], grades, k) or 0.0
    total = np.zeros(len(ids))
    for name, values in sig.items():
        total += weights.get(name, 1.0) * values
    order = np.lexsort((-total, -tiers))[:k]
    return ndcg_at_k([ids[j] for j in order], grades, k) or 0.0


def mean_ndcg(data, weights) -> float:
    per_set = {}
    for set_name, feat, grades in data:
        per_set.setdefault(set_name, []).append(score_query(feat, grades, weights))
    return float(np.mean([np.mean(v) for v in per_set.values()]))


def ascend(data, start: dict, rounds: int) -> dict:
    best, best_score = dict(start), mean_ndcg(data, start)
    for _ in range(rounds):
        improved = False
        for name in sorted(best):
            for mult in GRID:
                trial = dict(best, **{name: start[name] * mult if start[name] else mult})
                s = mean_ndcg(data, trial)
                if s > best_score + 1e-6:
                    best, best_score, improved = trial, s, True
        if not improved:
            break
    return best


def load(set_name, index_path, cache):
    import ydsearch

    jset, _ = load_evaluation_set(set_name, cache_dir=cache)
    queries = [q for q in jset.queries if q.split == "tune"]
    if index_path is None:
        import tempfile

        index_path = tempfile.mkdtemp(prefix="ydtune-") + "/index"
        with ydsearch.open_index(index_path, create=True) as ix:
            ix.add(ydsearch.bundled_seeds())
    with ydsearch.open_index(index_path) as ix:
        return [(set_name, features(ix, q.query), q.grades) for q in queries]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale-index", help="an index of the whole scale corpus (else seeds only)")
    ap.add_argument("--cache", help="parsed-corpus cache folder (outside the repo)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--cv", type=int, default=0, help="K-fold cross-validation first")
    args = ap.parse_args(argv)
    from ydsearch.query import rank

    data = load("seeds", None, args.cache)
    if args.scale_index:
        data += load("scale", args.scale_index, args.cache)
    start = dict(rank.WEIGHTS)
    print(f"tune queries: {len(data)}; current weights: mean nDCG@10 {mean_ndcg(data, start):.4f}")
    if args.cv:
        rng = random.Random(7)
        order = list(range(len(data)))
        rng.shuffle(order)
        folds = [order[f::args.cv] for f in range(args.cv)]
        held = []
        for f, fold in enumerate(folds):
            train = [data[j] for j in order if j not in fold]
            w = ascend(train, start, args.rounds)
            held.append(mean_ndcg([data[j] for j in fold], w))
            base = mean_ndcg([data[j] for j in fold], start)
            print(f"fold {f}: held-out nDCG {held[-1]:.4f} (current weights {base:.4f})")
        print(f"cross-validated nDCG@10: {np.mean(held):.4f}")
    best = ascend(data, start, args.rounds)
    print(f"tuned on all tune queries: mean nDCG@10 {mean_ndcg(data, best):.4f}")
    print("WEIGHTS = {" + ", ".join(f'"{k}": {v:g}' for k, v in best.items()) + "}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
