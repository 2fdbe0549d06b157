#!/usr/bin/env python3
"""ydsearch benchmark: indexing, query latency and whole-process CLI, against the stock
whoosh + jieba recipe and SQLite FTS5, in one run.

    python bench/run.py --write BENCHMARKS.md            # the whole corpus
    python bench/run.py --quick                          # the first 300 items (tests)

Stages: (a) the first 2,000 items: ydsearch, the stock recipe and FTS5, and the
time ratio to the stock recipe; (b) the whole corpus (or ``--items N``): the
same systems, wall, CPU, peak RSS (ydsearch's main process and largest
worker), index size; (c) query latency in process on (b)'s indexes, each
system in its own process; (d) whole ``ydsearch query`` processes on (b)'s
index and on the seed index; (e) ``--full``: ydsearch on 25 % and 50 % too;
then a cProfile of ``Index.add`` on (a)'s slice, the optional ``--quality`` and
``--web`` stages, and a table of the issue's targets, met or missed.

Every measured step runs in its own child process (``bench_steps.py``) on a
snapshot of ``ydsearch/`` taken at the start.  The corpus is licensed for
internal benchmarking only: it is read from its path, and the slices live in a
temporary directory outside the repository, removed at the end (``--keep``
keeps it).  The Markdown report goes to stdout; ``--write BENCHMARKS.md`` also
replaces that file's results section (between its ``bench:results`` markers).
"""
import argparse
import datetime as _dt
import json
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_stages as stages  # noqa: E402
from bench_child import log  # noqa: E402
from bench_corpus import (CORPUS_ENV, REPO, default_corpus, machine_info,  # noqa: E402
                          scan_corpus, snapshot_code)
from bench_report import END_MARK, START_MARK, render, write_results  # noqa: E402,F401

QUICK_ITEMS = 300
MADE = ("slice-", "paragraphs-", "idx-", "fts5-", "stock-", "seed-idx", "profile-idx", "code",
        "hook-")


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=default_corpus(),
                    help=f"the scale corpus (.jsonl or .jsonl.gz); env {CORPUS_ENV}; default: "
                         "shared/corpora/scale/… beside the checkout or a parent folder")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true",
                      help=f"the first {QUICK_ITEMS} items only, fewer repetitions, no profile")
    mode.add_argument("--full", action="store_true",
                      help="also index 25%% and 50%% of the items with ydsearch (linearity)")
    ap.add_argument("--items", type=int, help="use only the first N items for stage (b)")
    ap.add_argument("--small-items", type=int,
                    help=f"items of stage (a) ({stages.SMALL_ITEMS})")
    ap.add_argument("--workers", type=int, default=0,
                    help="ydsearch's worker processes (default: its own default_workers())")
    ap.add_argument("--reps", type=int, help="repetitions of each query (10; quick 2)")
    ap.add_argument("--cli-reps", type=int, help="measured runs of each command (7; quick 2)")
    ap.add_argument("--profile-items", type=int,
                    help=f"profile ydsearch indexing on N items ({stages.SMALL_ITEMS}; "
                         "quick 0 = off)")
    ap.add_argument("--no-stock", action="store_true", help="skip the stock whoosh+jieba recipe")
    ap.add_argument("--no-fts5", action="store_true", help="skip SQLite FTS5")
    ap.add_argument("--quality", action="store_true",
                    help="ranking quality stage (bench/quality.py; 'not available' without it)")
    ap.add_argument("--web", action="store_true",
                    help="web timing stage (bench/bench_web.py; 'not available' without it)")
    ap.add_argument("--workdir", help="where slices and indexes go (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--write", metavar="FILE", help="update the results section of FILE")
    ap.add_argument("--json", metavar="FILE", help="also dump the raw measurements as JSON")
    ap.add_argument("--from-json", metavar="FILE",
                    help="measure nothing: render (and --write) the report of a --json dump")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.from_json:
        return report(args, json.loads(Path(args.from_json).read_text("utf-8")))
    corpus = Path(args.corpus).expanduser()
    if not corpus.is_file():
        print(f"bench: scale corpus not found at {corpus} (set --corpus or {CORPUS_ENV}); "
              f"nothing to benchmark, skipping.")
        return 0
    work = Path(args.workdir).resolve() if args.workdir else \
        Path(tempfile.mkdtemp(prefix="ydbench-"))
    if REPO in work.parents or work == REPO:
        print(f"bench: the work directory {work} is inside the repository; refusing "
              f"(corpus slices must not land in the repo)", file=sys.stderr)
        return 2
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(args, corpus, work)
    finally:
        if not args.keep:
            if args.workdir:
                for child in work.iterdir():   # only what a run makes
                    if child.name.startswith(MADE) or child.suffix in (".json", ".stderr"):
                        shutil.rmtree(child, ignore_errors=True) if child.is_dir() \
                            else child.unlink(missing_ok=True)
            else:
                shutil.rmtree(work, ignore_errors=True)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    return report(args, results)


def report(args, results: dict) -> int:
    text = render(results)
    print(text)
    if args.write:
        write_results(Path(args.write), text)
        log(f"wrote the results section of {args.write}")
    return 0


def _display_path(p: str) -> str:
    try:
        return os.path.relpath(os.path.abspath(p), os.getcwd())
    except ValueError:
        return p


def run(args, corpus: Path, work: Path) -> dict:
    started = time.time()
    res = {"command": "python " + shlex.join([_display_path(sys.argv[0])] + sys.argv[1:]),
           "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
           "machine": machine_info(), "load_start": os.getloadavg(),
           "corpus_file": corpus.name,
           "mode": "quick" if args.quick else "full" if args.full else "default"}
    res["code"] = snapshot_code(work)
    log(f"work directory {work}; code snapshot {res['code']['sha256']}; "
        f"load {res['load_start'][0]:.2f}")
    sizes = scan_corpus(corpus)
    base = min(args.items or (QUICK_ITEMS if args.quick else len(sizes)), len(sizes))
    res.update(corpus_items=len(sizes), corpus_mb=sum(sizes) / 1e6, base_items=base)
    log(f"corpus: {len(sizes):,} items, {sum(sizes) / 1e6:.1f} MB of text; using {base:,}")
    r = stages.Run(args=args, corpus=corpus, work=work, sizes=sizes, base=base, res=res)

    stages.stage_small(r)        # (a)
    stages.stage_corpus(r)       # (b)
    stages.stage_queries(r)      # (c)
    stages.stage_cli(r)          # (d)
    if args.full:
        stages.stage_linearity(r)  # (e)
    stages.stage_profile(r)
    if args.quality:
        stages.stage_hook(r, "quality")
    if args.web:
        stages.stage_hook(r, "web")
    res["load_end"] = os.getloadavg()
    res["elapsed_seconds"] = time.time() - started
    log(f"done in {res['elapsed_seconds'] / 60:.1f} min; load {res['load_end'][0]:.2f}")
    r.checkpoint()
    return res


if __name__ == "__main__":
    sys.exit(main())
