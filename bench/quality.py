#!/usr/bin/env python3
"""Ranking quality on the judged query sets: nDCG@10 and recall@10.

    python bench/quality.py --set seeds
    python bench/quality.py --set scale --corpus PATH [--index PATH] [--cache DIR]

Loads a judged set (``bench/judged/<name>.json``), re-anchors its judgments to
the paragraphs the current pipeline makes (by fingerprint, see
:mod:`quality_sets`), runs each ranker on every query as typed and reports
nDCG@10 (gains 2^g - 1, ideal from all the judgments of the query) and
recall@10 (share of the grade >= 2 paragraphs in the top 10), per split and per
kind, with judged@10 (how much of the top 10 was judged at all).

Rankers (``--rankers``, default ``ydsearch,baseline``): ``ydsearch`` (an index
of the seeds is built in a temporary folder; for the scale set pass ``--index``
or it is skipped), ``baseline`` (CJK-bigram BM25), and the pooling rankers
``words-or``, ``strict-and``, ``substring`` (:mod:`quality_rankers`).

Library use (``bench/run.py`` or a notebook)::

    from quality import load_evaluation_set, evaluate, summarise
    jset, paras = load_evaluation_set("seeds")
    results = evaluate(jset, ranker)            # one dict per query
    summary = summarise(results)                # {"all"|"tune"|"holdout": {...}}
"""
import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from quality_corpus import Paragraphs, load_paragraphs, seed_paths  # noqa: E402
from quality_metrics import average, judged_at_k, ndcg_at_k, recall_at_k  # noqa: E402
from quality_sets import JudgedSet, anchor, load_set  # noqa: E402

K = 10
CORPUS_ENV = "YDSEARCH_SCALE_CORPUS"
CORPUS_FILE = Path("shared", "corpora", "scale", "xwlb_2017_2026.jsonl.gz")


def default_corpus() -> Optional[str]:
    """``$YDSEARCH_SCALE_CORPUS``, else ``shared/corpora/scale/…`` beside the checkout or
    beside one of its parent folders (a worktree may sit deeper than the main checkout)."""
    if os.environ.get(CORPUS_ENV):
        return os.environ[CORPUS_ENV]
    for parent in HERE.parents[1:]:
        if (parent / CORPUS_FILE).is_file():
            return str(parent / CORPUS_FILE)
    return None


def corpus_paths(set_name: str, corpus: Optional[str] = None) -> List[str]:
    """The input the set was judged on: the bundled seeds, or the scale corpus."""
    if set_name == "seeds":
        return seed_paths()
    path = corpus or default_corpus()
    if not path or not Path(path).is_file():
        raise FileNotFoundError(f"scale corpus not found: {path} (pass --corpus or "
                                f"set {CORPUS_ENV})")
    return [path]


def load_evaluation_set(name_or_path, corpus: Optional[str] = None, cache_dir=None):
    """(anchored JudgedSet, Paragraphs) for a set name (``seeds``/``scale``) or path."""
    jset = load_set(name_or_path)
    paras = load_paragraphs(corpus_paths("seeds" if jset.name == "seeds" else "scale", corpus),
                            cache_dir=cache_dir)
    return anchor(jset, paras), paras


def evaluate(jset: JudgedSet, ranker, k: int = K) -> List[dict]:
    """Run ``ranker`` on every query of an anchored set; one result dict per query."""
    out = []
    for q in jset.queries:
        ranked = ranker.rank(q.query, k)
        out.append({
            "qid": q.qid, "query": q.query, "kind": q.kind, "split": q.split,
            "ndcg": ndcg_at_k(ranked, q.grades, k), "recall": recall_at_k(ranked, q.grades, k),
            "judged": judged_at_k(ranked, q.grades, k), "returned": len(ranked),
            "relevant": sum(g >= 2 for g in q.grades.values()), "top": ranked,
        })
    return out


def _cell(results: List[dict]) -> dict:
    return {"queries": len(results),
            "ndcg": average(r["ndcg"] for r in results),
            "recall": average(r["recall"] for r in results),
            "judged": average(r["judged"] for r in results),
            "empty": sum(r["returned"] == 0 for r in results)}


def summarise(results: List[dict]) -> Dict[str, dict]:
    """Averages for ``all``, ``tune`` and ``holdout``, each overall and per kind."""
    out = {}
    for split in ("all", "tune", "holdout"):
        rows = [r for r in results if split == "all" or r["split"] == split]
        kinds = sorted({r["kind"] for r in rows})
        out[split] = {"overall": _cell(rows),
                      "kinds": {kd: _cell([r for r in rows if r["kind"] == kd]) for kd in kinds}}
    return out


def _fmt(v) -> str:
    return "  -  " if v is None else f"{v:.3f}"


def format_report(jset: JudgedSet, runs: Dict[str, List[dict]], per_query: bool) -> str:
    lines = [f"judged set {jset.name}: {len(jset.queries)} queries, {jset.judgments} judgments, "
             f"{jset.reanchored} re-anchored, {jset.lost} lost"]
    summaries = {name: summarise(res) for name, res in runs.items()}
    for split in ("tune", "holdout", "all"):
        lines += ["", f"## {split}", "",
                  "| ranker | kind | queries | nDCG@10 | recall@10 | judged@10 | empty |",
                  "|---|---|---|---|---|---|---|"]
        for name, s in summaries.items():
            rows = [("**all**", s[split]["overall"])] + list(s[split]["kinds"].items())
            for kind, c in rows:
                lines.append(f"| {name} | {kind} | {c['queries']} | {_fmt(c['ndcg'])} | "
                             f"{_fmt(c['recall'])} | {_fmt(c['judged'])} | {c['empty']} |")
    if per_query:
        names = list(runs)
        lines += ["", "## per query (nDCG@10 / recall@10)", "",
                  "| qid | split | kind | query | rel | " + " | ".join(names) + " |",
                  "|---" * (5 + len(names)) + "|"]
        for i, q in enumerate(jset.queries):
            cells = [f"{_fmt(runs[n][i]['ndcg'])} / {_fmt(runs[n][i]['recall'])}" for n in names]
            lines.append(f"| {q.qid} | {q.split} | {q.kind} | `{q.query}` | "
                         f"{runs[names[0]][i]['relevant']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _open_ydsearch(set_name: str, paths: List[str], index_path: Optional[str]):
    import ydsearch

    if index_path:
        return ydsearch.open_index(index_path)
    if set_name != "seeds":
        return None
    index = ydsearch.open_index(tempfile.mkdtemp(prefix="ydq-") + "/index", create=True)
    index.add(paths)
    return index


def main(argv=None) -> int:
    from quality_rankers import RANKERS, make_ranker

    ap = argparse.ArgumentParser(description="nDCG@10 and recall@10 on a judged query set.")
    ap.add_argument("--set", default="seeds", help="seeds, scale, or a path to a set file")
    ap.add_argument("--corpus", help=f"the scale corpus (default: ${CORPUS_ENV}, else "
                    f"{CORPUS_FILE} beside the checkout or a parent folder)")
    ap.add_argument("--index", help="an existing ydsearch index of the same input")
    ap.add_argument("--cache", help="folder for the parsed-corpus cache (outside the repo)")
    ap.add_argument("--rankers", default="ydsearch,baseline",
                    help=f"comma-separated, from: {', '.join(RANKERS)}")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args(argv)

    t0 = time.time()
    try:
        jset, paras = load_evaluation_set(args.set, args.corpus, args.cache)
    except FileNotFoundError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2
    set_name = "seeds" if jset.name == "seeds" else "scale"
    print(f"{len(paras)} paragraphs read in {time.time() - t0:.1f} s", file=sys.stderr)
    runs, cache = {}, {}
    for name in args.rankers.split(","):
        t = time.time()
        index = _open_ydsearch(set_name, corpus_paths(set_name, args.corpus), args.index) \
            if name == "ydsearch" else None
        if name == "ydsearch" and index is None:
            print("ydsearch skipped: no --index for the scale set", file=sys.stderr)
            continue
        ranker = make_ranker(name, paras, index=index, cache=cache)
        runs[name] = evaluate(jset, ranker)
        print(f"{name}: {time.time() - t:.1f} s", file=sys.stderr)
    if args.json:
        print(json.dumps({"set": jset.name, "queries": len(jset.queries),
                          "judgments": jset.judgments, "reanchored": jset.reanchored,
                          "lost": jset.lost,
                          "rankers": {n: {"summary": summarise(r), "per_query": r}
                                      for n, r in runs.items()}}, ensure_ascii=False, indent=1))
    else:
        print(format_report(jset, runs, args.per_query))
    return 0


if __name__ == "__main__":
    sys.exit(main())
