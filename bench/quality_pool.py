#!/usr/bin/env python3
"""Pooling for the judged sets: what the assessor reads, and how the set file is made.

    python bench/quality_pool.py pool --set seeds --drafts D.json --out POOLS.json
    python bench/quality_pool.py pool --set scale --corpus PATH --drafts D.json --out POOLS.json
    python bench/quality_pool.py view --pools POOLS.json [--qid s01] [--set scale --corpus PATH]
    python bench/quality_pool.py assemble --set seeds --drafts D.json --pools POOLS.json \\
        --grades G.json --out bench/judged/seeds.json

*Drafts* are the queries (``qid``, ``query``, ``kind``, optional ``group`` for
queries that share one information need, e.g. ``speaker:X`` and ``X`` typed as a
word, and ``grep``: regular expressions over the normalised paragraph text that
add what the rankers miss — synonyms, paraphrases, abbreviations — and
``title_grep``: the same over document titles; a pattern may be ``[regex, limit]``, adding every paragraph of the
matching documents).
The *pool* of a query is the union of the top ``depth`` of every ranker plus the
grep hits (at most ``--grep-limit`` paragraphs or documents per pattern, evenly
spread over the corpus when there are more); each pooled id records which
ranker found it at which rank; the queries of a group are judged on the union
of their pools.  *Grades* (``{qid: {id: grade}}``) list the
assessor's non-zero grades and any ids judged beyond the pool; every other
pooled paragraph is recorded as judged 0.  A grade given to one paragraph is
given to the pooled paragraphs with the same fingerprint (the same text
elsewhere).  Splits are assigned per group, stratified by kind (a fixed-seed
shuffle; a third of each kind, rounded, goes to ``holdout``).

Pools and drafts may quote nothing from the corpus, and are kept outside the
repository anyway (they are working files); only the assembled set is committed.
"""
import argparse
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from quality_corpus import Paragraphs  # noqa: E402
from quality_sets import dump_set  # noqa: E402
from quality_splits import assign_splits  # noqa: E402

SEED_RANKERS = ("ydsearch", "baseline", "words-or", "strict-and", "substring")
SCALE_RANKERS = ("baseline", "words-or", "strict-and", "substring")


def pool_query(query: str, rankers, depth: int) -> Dict[str, List[str]]:
    """id -> ["ranker:rank", …] over the top ``depth`` of every ranker."""
    found: Dict[str, List[str]] = {}
    for r in rankers:
        for i, pid in enumerate(r.rank(query, depth), 1):
            found.setdefault(pid, []).append(f"{r.name}:{i}")
    return found


def _spread(items: List[str], limit: int) -> List[str]:
    """At most ``limit`` items, evenly spaced over the list (so over the years)."""
    if len(items) <= limit:
        return items
    return [items[i * len(items) // limit] for i in range(limit)]


def grep_ids(paras: Paragraphs, pattern: str, limit: int) -> List[str]:
    """Paragraphs whose normalised text matches ``pattern`` (at most ``limit``, spread)."""
    rx = re.compile(pattern)
    return _spread([pid for pid, text in zip(paras.ids, paras.norms) if rx.search(text)], limit)


def title_ids(paras: Paragraphs, pattern: str, limit: int) -> List[str]:
    """Every paragraph of the documents whose title matches ``pattern`` (at most ``limit`` docs)."""
    import ydsearch

    rx = re.compile(pattern)
    titles = paras.meta["title"]
    docs = list(dict.fromkeys(d for d, t in zip(paras.meta["doc_id"], titles)
                              if t and rx.search(ydsearch.normalize(t).text)))
    keep = set(_spread(docs, limit))
    return [pid for pid, d in zip(paras.ids, paras.meta["doc_id"]) if d in keep]


def _patterns(entries, default_limit: int):
    """``"regex"`` or ``["regex", limit]`` entries -> (regex, limit) pairs."""
    for e in entries:
        yield (e, default_limit) if isinstance(e, str) else (e[0], int(e[1]))


def build_pools(drafts: List[dict], paras: Paragraphs, rankers, depth: int,
                grep_limit: int) -> List[dict]:
    pools = []
    for d in drafts:
        found = pool_query(d["query"], rankers, depth)
        for pattern, limit in _patterns(d.get("grep", []), grep_limit):
            for pid in grep_ids(paras, pattern, limit):
                found.setdefault(pid, []).append(f"grep:{pattern}")
        for pattern, limit in _patterns(d.get("title_grep", []), grep_limit):
            for pid in title_ids(paras, pattern, limit):
                found.setdefault(pid, []).append(f"title:{pattern}")
        for pid in d.get("ids", []):
            found.setdefault(pid, []).append("read")
        pools.append({"qid": d["qid"], "query": d["query"], "kind": d["kind"], "pool": found})
        print(f"{d['qid']}: {len(found)} pooled", file=sys.stderr)
    return pools


def assemble(drafts: List[dict], pools: List[dict], grades: Dict[str, Dict[str, int]],
             paras: Paragraphs) -> List[dict]:
    row_of = paras.row_of()
    pool_of = {p["qid"]: p["pool"] for p in pools}
    split = assign_splits(drafts)
    members: Dict[str, List[str]] = defaultdict(list)
    for d in drafts:
        members[d.get("group") or d["qid"]].append(d["qid"])
    out = []
    for d in drafts:
        qid = d["qid"]
        if qid not in grades:
            raise SystemExit(f"{qid}: not graded yet")
        # Queries of one group share one information need: one pool, one set of grades.
        pooled = [pid for m in members[d.get("group") or qid] for pid in pool_of[m]]
        given = grades[qid]
        unknown = [pid for pid in given if pid not in row_of]
        if unknown:
            raise SystemExit(f"{qid}: unknown ids {unknown}")
        by_fp: Dict[str, int] = {}
        for pid, g in given.items():
            fp = paras.fps[row_of[pid]]
            by_fp[fp] = max(g, by_fp.get(fp, 0))
        judgments = {}
        for pid in dict.fromkeys(pooled + list(given)):
            fp = paras.fps[row_of[pid]]
            grade = given[pid] if pid in given else by_fp.get(fp, 0)
            judgments[pid] = {"grade": grade, "fp": fp}
        out.append({"qid": qid, "query": d["query"], "kind": d["kind"], "split": split[qid],
                    "judgments": judgments})
    return out


def view(pools: List[dict], paras: Paragraphs, qids, full: bool, meta: bool) -> None:
    row_of = paras.row_of()
    for p in pools:
        if qids and p["qid"] not in qids:
            continue
        groups: Dict[str, List[str]] = {}
        for pid in p["pool"]:
            groups.setdefault(paras.fps[row_of[pid]], []).append(pid)
        print(f"\n######## {p['qid']} [{p['kind']}] {p['query']}  "
              f"({len(p['pool'])} pooled, {len(groups)} distinct texts)")
        for ids in groups.values():
            r = row_of[ids[0]]
            srcs = " ".join(sorted({s.split(":")[0] + ":" + s.split(":")[-1]
                                    for pid in ids for s in p["pool"][pid]})[:6])
            head = f"{' '.join(ids)} | {paras.meta['kind'][r]} | {paras.meta['speaker'][r] or '-'}"
            if meta:
                head += f" | {paras.years[r]} | {paras.meta['title'][r] or ''}"
            text = paras.norms[r] if full else paras.norms[r][:60]
            print(f"- {head} | {srcs}\n  {text}")


def _paragraphs(args) -> Paragraphs:
    from quality_corpus import load_paragraphs, seed_paths

    paths = seed_paths() if args.set == "seeds" else [args.corpus]
    return load_paragraphs(paths, cache_dir=args.cache)


def _rankers(args, paras):
    from quality_rankers import make_ranker

    names = args.rankers.split(",") if args.rankers else (
        SEED_RANKERS if args.set == "seeds" else SCALE_RANKERS)
    index = None
    if "ydsearch" in names:
        import ydsearch

        if args.index:
            index = ydsearch.open_index(args.index)
        else:
            index = ydsearch.open_index(tempfile.mkdtemp() + "/index", create=True)
            index.add([paras_path for paras_path in _seed_or_corpus(args)])
    cache: dict = {}
    return [make_ranker(n, paras, index=index, cache=cache) for n in names]


def _seed_or_corpus(args):
    from quality_corpus import seed_paths

    return seed_paths() if args.set == "seeds" else [args.corpus]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=("pool", "view", "assemble"))
    ap.add_argument("--set", choices=("seeds", "scale"), default="seeds")
    ap.add_argument("--corpus", help="the scale corpus (JSONL, .gz)")
    ap.add_argument("--index", help="an existing ydsearch index of the same paragraphs")
    ap.add_argument("--cache", help="folder for the parsed-corpus cache (outside the repo)")
    ap.add_argument("--rankers", help="comma-separated ranker names")
    ap.add_argument("--drafts")
    ap.add_argument("--pools")
    ap.add_argument("--grades")
    ap.add_argument("--out")
    ap.add_argument("--depth", type=int, default=30)
    ap.add_argument("--grep-limit", type=int, default=200)
    ap.add_argument("--qid", action="append")
    ap.add_argument("--full", action="store_true", help="view: whole paragraphs")
    ap.add_argument("--meta", action="store_true", help="view: year and title")
    args = ap.parse_args(argv)
    paras = _paragraphs(args)
    if args.command == "pool":
        drafts = json.loads(Path(args.drafts).read_text("utf-8"))
        pools = build_pools(drafts, paras, _rankers(args, paras), args.depth, args.grep_limit)
        Path(args.out).write_text(json.dumps(pools, ensure_ascii=False, indent=0), "utf-8")
    elif args.command == "view":
        view(json.loads(Path(args.pools).read_text("utf-8")), paras, args.qid, args.full,
             args.meta)
    else:
        drafts = json.loads(Path(args.drafts).read_text("utf-8"))
        pools = json.loads(Path(args.pools).read_text("utf-8"))
        grades = json.loads(Path(args.grades).read_text("utf-8"))
        queries = assemble(drafts, pools, grades, paras)
        dump_set(args.set, queries, args.out)
        print(f"wrote {len(queries)} queries to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
