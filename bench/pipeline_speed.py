"""Paragraphs per second of ``read_documents`` on items spread over all years of the scale corpus.

    python bench/pipeline_speed.py                      # this checkout, 3,000 items
    python bench/pipeline_speed.py --code /tmp/old      # another tree's ydsearch (before/after)

The sample (every n-th line of the corpus, which is in date order) is written
to a temporary folder, never into the repository.  Time is the process's CPU
time, best of ``--repeat`` runs, so other work on the machine disturbs it less
than wall time; run the before and after trees one after the other.
"""
import argparse
import gc
import gzip
import os
import subprocess
import sys
import tempfile
import time

DEFAULT_CORPUS = "/work/shared/corpora/scale/xwlb_2017_2026.jsonl.gz"
HERE = os.path.dirname(os.path.abspath(__file__))


def write_sample(corpus: str, n: int, folder: str) -> str:
    opener = gzip.open if corpus.endswith(".gz") else open
    with opener(corpus, "rb") as fh:
        lines = [line for line in fh.read().splitlines() if line.strip()]
    step = len(lines) / n
    path = os.path.join(folder, f"sample{n}.jsonl")
    with open(path, "wb") as out:
        out.write(b"\n".join(lines[int(i * step)] for i in range(min(n, len(lines)))) + b"\n")
    return path


def measure(sample: str, repeat: int) -> dict:
    from ydsearch.pipeline.article import read_documents

    list(read_documents([sample]))  # warm up: OpenCC, the calendar, caches
    best, docs, paragraphs = None, 0, 0
    for _ in range(repeat):
        gc.collect()
        start = time.process_time()
        docs = paragraphs = 0
        for doc in read_documents([sample], on_error=lambda p, m: None):
            docs += 1
            paragraphs += len(doc.paragraphs)
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return {"docs": docs, "paragraphs": paragraphs, "cpu_seconds": round(best, 3),
            "paragraphs_per_s": round(paragraphs / best), "docs_per_s": round(docs / best)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--code", default=os.path.dirname(HERE),
                    help="folder holding the ydsearch package to measure (default: this checkout)")
    ap.add_argument("--corpus", default=os.environ.get("YDSEARCH_SCALE_CORPUS", DEFAULT_CORPUS))
    ap.add_argument("-n", "--items", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--sample", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sample:                      # child: measure the code on sys.path
        import json

        print(json.dumps(measure(args.sample, args.repeat)))
        return 0
    if not os.path.isfile(args.corpus):
        print(f"Error: scale corpus not found at {args.corpus}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        sample = write_sample(args.corpus, args.items, tmp)
        env = dict(os.environ, PYTHONPATH=os.path.abspath(args.code))
        out = subprocess.run([sys.executable, os.path.abspath(__file__), "--sample", sample,
                              "--repeat", str(args.repeat)], env=env, capture_output=True,
                             text=True)
    if out.returncode:
        print(f"Error: {out.stderr.strip().splitlines()[-1] if out.stderr else 'failed'}",
              file=sys.stderr)
        return 1
    print(f"{os.path.abspath(args.code)}: {out.stdout.strip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
