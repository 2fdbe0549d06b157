#!/usr/bin/env python3
"""The web step of the benchmark: what a page and ``/api/search`` cost beside ``Index.search``.

    python bench/bench_web.py                        # the bundled seeds (built in a temp dir)
    python bench/bench_web.py --index PATH --reps 5  # any index, e.g. the whole corpus
    python bench/bench_web.py --index PATH --json web.json

For each query of the fixed benchmark set (``bench_queries.QUERIES``), warm, in
one run, round-robin, ``--reps`` times:

* ``Index.search`` — the library, one page of 10 hits (what ``ydsearch query`` does);
* ``Index.search facets`` — the same with ``facets=True`` (what the page asks for);
* ``page (in process)`` — ``GET /?q=…`` through Flask's test client: the search,
  the facets, the chart and the template, no socket;
* ``page (HTTP)`` and ``/api/search (HTTP)`` — over a socket to a real
  ``ydsearch serve`` child process (threaded Werkzeug server), urllib as the client.

Also measured once: the server's start (spawn to URL printed) and its first page
(index opened, segmenter loaded).  The Markdown report goes to stdout; nothing is
written inside the repository.  Run it alone: the numbers are wall-clock times.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO))
from bench_queries import QUERIES  # noqa: E402

H_WEB = "### Web page and API (ydsearch serve)"
TABLE_HEADER = "| step | median ms | p95 ms | max ms | runs |"


def log(msg: str):
    print(f"[bench-web {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class ServeProcess:
    """``ydsearch --index PATH serve --port 0 --quiet`` and the URL it prints."""

    def __init__(self, index: Path, timeout: float = 600):
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        started = time.perf_counter()
        self.proc = subprocess.Popen([sys.executable, "-m", "ydsearch", "--index", str(index),
                                      "serve", "--port", "0", "--quiet"], cwd=REPO, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, encoding="utf-8")
        self.url, ready = None, threading.Event()

        def read():
            for line in self.proc.stderr:
                m = re.search(r"serving (http://\S+)", line)
                if m and not ready.is_set():
                    self.url = m.group(1).rstrip("/")
                    ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("ydsearch serve did not start")
        self.start_seconds = time.perf_counter() - started

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def http_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=300) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return (time.perf_counter() - t) * 1000


def summary(values):
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return {"median": statistics.median(values), "p95": p95, "max": values[-1], "runs": len(values)}


def run(index: Path, reps: int) -> dict:
    from ydsearch.engine.index import Index
    from ydsearch.web import create_app

    ix = Index.open(index)
    client = create_app(index, index=ix).test_client()
    server = ServeProcess(index)
    try:
        first_page = timed(lambda: http_get(server.url + "/?" + urlencode({"q": QUERIES[0][1]})))
        steps = {
            "Index.search": lambda q: ix.search(q, limit=10),
            "Index.search facets": lambda q: ix.search(q, limit=10, facets=True),
            "page (in process)": lambda q: client.get("/", query_string={"q": q}),
            "page (HTTP)": lambda q: http_get(server.url + "/?" + urlencode({"q": q})),
            "/api/search (HTTP)": lambda q: http_get(server.url + "/api/search?"
                                                      + urlencode({"q": q})),
        }
        for _, q in QUERIES:                       # warm every path once
            for fn in steps.values():
                fn(q)
        times = {name: [] for name in steps}
        per_query = []
        for _, q in QUERIES:
            row = {name: [] for name in steps}
            for _ in range(reps):
                for name, fn in steps.items():    # round-robin: load hits all steps alike
                    row[name].append(timed(lambda: fn(q)))
            for name in steps:
                times[name] += row[name]
            status = client.get("/", query_string={"q": q}).status_code
            per_query.append({"query": q, "matches": ix.count(q), "status": status,
                              **{name: statistics.median(v) for name, v in row.items()}})
    finally:
        server.stop()
        ix.close()
    return {"index": str(index), "paragraphs": Index.open(index).doc_count(), "reps": reps,
            "server_start_s": server.start_seconds, "first_page_ms": first_page,
            "steps": {name: summary(v) for name, v in times.items()}, "per_query": per_query}


def report(res: dict) -> str:
    out = [H_WEB, "",
           f"Index `{res['index']}` ({res['paragraphs']:,} paragraphs); {len(QUERIES)} queries x "
           f"{res['reps']} runs, warm, round-robin; load {os.getloadavg()[0]:.1f}.  Server start "
           f"{res['server_start_s']:.2f} s, first page {res['first_page_ms']:.0f} ms.", "",
           TABLE_HEADER, "|---|---:|---:|---:|---:|"]
    for name, s in res["steps"].items():
        out.append(f"| {name} | {s['median']:.1f} | {s['p95']:.1f} | {s['max']:.1f} | {s['runs']} |")
    names = list(res["steps"])
    out += ["", "| query | matches | " + " | ".join(f"{n} ms" for n in names) + " |",
            "|---|---:|" + "---:|" * len(names)]
    for row in res["per_query"]:
        cells = " | ".join(f"{row[n]:.1f}" for n in names)
        out.append(f"| `{row['query']}` | {row['matches']:,} | {cells} |")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", type=Path, help="index folder (default: the seeds, built in a "
                                               "temporary folder)")
    ap.add_argument("--reps", type=int, default=5, help="runs per query and step (default 5)")
    ap.add_argument("--json", type=Path, help="also write the raw numbers here")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ydsearch-bench-web-") as tmp:
        index = args.index
        if index is None:
            from ydsearch import bundled_seeds
            from ydsearch.engine.index import Index

            index = Path(tmp) / "index"
            log(f"building the seed index in {index}")
            with Index.create(index) as ix:
                ix.add(bundled_seeds())
        log(f"measuring {index}")
        res = run(index, max(1, args.reps))
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    sys.stdout.write(report(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
