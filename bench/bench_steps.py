"""One measured step of the benchmark, run in its own child process by ``run.py``.

    python bench/bench_steps.py STEP ARGS.json RESULT.json

The child writes what it measured (times, counts) as JSON to ``RESULT.json``,
with its own peak RSS (``getrusage(RUSAGE_SELF)``) and that of the processes it
reaped (``RUSAGE_CHILDREN``: for ydsearch, the largest worker of its pool).
Nothing here writes inside the repository: every path comes from the parent,
which puts them in its temporary work directory.
"""
import json
import os
import resource
import sys
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The parent passes a snapshot of the checkout's ydsearch (so every step of a run
# measures the same code while others edit the tree); default: the checkout.
CODE = os.environ.get("YDSEARCH_BENCH_CODE") or REPO
if CODE not in sys.path:
    sys.path.insert(0, CODE)
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def _iter_paragraphs(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of this process and its children from ``/proc``.

    PSS counts a page shared by n processes as 1/n in each, so the summed PSS
    is the tree's real footprint (the summed RSS counts shared pages n times).
    """

    def __init__(self, interval: float = 0.5):
        super().__init__(daemon=True)
        self.interval, self.peak_rss_kb, self.peak_pss_kb, self.samples = interval, 0, 0, 0
        self._done = threading.Event()

    def _pids(self):
        pids = [os.getpid()]
        try:
            for tid in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{tid}/children") as fh:
                    pids += [int(p) for p in fh.read().split()]
        except OSError:
            pass
        return pids

    def _sample(self):
        rss = pss = 0
        for pid in self._pids():
            try:
                with open(f"/proc/{pid}/smaps_rollup") as fh:
                    for line in fh:
                        if line.startswith("Rss:"):
                            rss += int(line.split()[1])
                        elif line.startswith("Pss:"):
                            pss += int(line.split()[1])
            except OSError:
                continue
        self.peak_rss_kb = max(self.peak_rss_kb, rss)
        self.peak_pss_kb = max(self.peak_pss_kb, pss)
        self.samples += 1

    def run(self):
        while not self._done.wait(self.interval):
            self._sample()

    def stop(self) -> dict:
        self._done.set()
        self.join()
        return {"tree_peak_rss_sum_kb": self.peak_rss_kb, "tree_peak_pss_kb": self.peak_pss_kb,
                "tree_samples": self.samples, "tree_interval": self.interval}


# -- indexing steps --------------------------------------------------------------------
def step_extract(a):
    """ydsearch's parse pipeline alone: the paragraphs the other systems index."""
    from ydsearch.pipeline.article import read_documents

    t0 = time.perf_counter()
    items = paragraphs = nbytes = 0
    with open(a["out"], "w", encoding="utf-8") as out:
        for doc in read_documents([a["slice"]]):
            items += 1
            for p in doc.paragraphs:
                paragraphs += 1
                nbytes += len(p.text.encode("utf-8"))
                out.write(json.dumps({"id": p.id, "text": p.text, "ts": p.text_simplified},
                                     ensure_ascii=False) + "\n")
    return {"seconds": time.perf_counter() - t0, "items": items, "paragraphs": paragraphs,
            "paragraph_bytes": nbytes}


def default_workers() -> int:
    try:
        from ydsearch.engine.ingest import default_workers as dw
    except ImportError:
        from ydsearch.pipeline.parallel import default_workers as dw
    return dw()


def step_ydsearch(a):
    """``Index.create`` + ``Index.add(slice, workers=N)``: the library's own path."""
    t0 = time.perf_counter()
    from ydsearch.engine.index import Index

    t_import = time.perf_counter() - t0
    workers = int(a.get("workers") or default_workers())
    commits, began = [], [0.0]

    def on_commit(event):
        if event == "start":
            began[0] = time.perf_counter()
        else:
            commits.append(time.perf_counter() - began[0])

    sampler = TreeSampler()
    sampler.start()
    t0 = time.perf_counter()
    ix = Index.create(a["index"])
    try:
        report = ix.add(a["slice"], workers=workers, on_commit=on_commit)
    finally:
        ix.close()
    seconds = time.perf_counter() - t0
    out = {"seconds": seconds, "import_seconds": t_import, "workers": workers,
           "items": report.documents, "paragraphs": report.paragraphs,
           "skipped_empty": report.skipped_empty, "skipped_duplicates": report.skipped_duplicates,
           "refused": len(report.refused), "commits": len(commits), "commit_times": commits,
           "commit_seconds": sum(commits), "max_commit_seconds": max(commits, default=0.0)}
    out.update(sampler.stop())
    return out


def step_seed(a):
    """The index of the bundled seed articles, for the CLI timing."""
    from ydsearch import bundled_seeds
    from ydsearch.engine.index import Index

    t0 = time.perf_counter()
    ix = Index.create(a["index"])
    try:
        report = ix.add(bundled_seeds())
    finally:
        ix.close()
    return {"seconds": time.perf_counter() - t0, "items": report.documents,
            "paragraphs": report.paragraphs}


def step_stock(a):
    """The stock recipe: whoosh + jieba's ChineseAnalyzer, one doc per paragraph, one commit."""
    t0 = time.perf_counter()
    import jieba
    from jieba.analyse import ChineseAnalyzer
    from whoosh import fields, index

    jieba.setLogLevel(60)
    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    schema = fields.Schema(id=fields.ID(stored=True),
                           content=fields.TEXT(analyzer=ChineseAnalyzer(), stored=True))
    os.makedirs(a["index"], exist_ok=True)
    ix = index.create_in(a["index"], schema)
    writer = ix.writer()
    n = 0
    for p in _iter_paragraphs(a["paragraphs"]):
        writer.add_document(id=p["id"], content=p["text"])
        n += 1
    t_add = time.perf_counter() - t0
    writer.commit()
    return {"seconds": time.perf_counter() - t0, "import_seconds": t_import,
            "add_seconds": t_add, "paragraphs": n}


FTS5_SCHEMA = ('CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, text UNINDEXED, words, sub, '
               'tokenize="unicode61 remove_diacritics 0")')


def split_words(seg, text):
    """ydsearch's index words: (precise words, in-dictionary sub-words), space-joined.

    ``index_words`` yields a word's sub-words at its position just before the
    word itself; FTS5 (stdlib) cannot put two tokens at one position, so the
    sub-words go to their own column and phrases stay contiguous in ``words``.
    """
    words, subs, prev = [], [], None
    for w in seg.index_words(text):
        if prev is not None:
            (subs if prev.pos == w.pos else words).append(prev.text)
        prev = w
    if prev is not None:
        words.append(prev.text)
    return " ".join(words), " ".join(subs)


def step_fts5(a):
    """SQLite FTS5 over ydsearch's own index words; segmentation timed apart."""
    import sqlite3

    from ydsearch.engine.segmenter import Segmenter

    t0 = time.perf_counter()
    seg = Segmenter()
    seg.jieba  # load the dictionary (counted as segmentation)
    t_seg = time.perf_counter() - t0
    con = sqlite3.connect(a["db"])
    con.execute(FTS5_SCHEMA)
    n = 0
    clock = time.perf_counter

    def rows():
        nonlocal n, t_seg
        for p in _iter_paragraphs(a["paragraphs"]):
            s = clock()
            words, subs = split_words(seg, p["ts"])
            t_seg += clock() - s
            n += 1
            yield p["id"], p["text"], words, subs

    with con:
        con.executemany("INSERT INTO p(id, text, words, sub) VALUES (?, ?, ?, ?)", rows())
    con.close()
    total = time.perf_counter() - t0
    return {"seconds": total, "segment_seconds": t_seg, "insert_seconds": total - t_seg,
            "paragraphs": n}


def step_profile(a):
    """cProfile of ``Index.create`` + ``Index.add`` (one process: ``workers=1``)."""
    import cProfile
    import pstats

    from ydsearch.engine.index import Index

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    ix = Index.create(a["index"])
    report = ix.add(a["slice"], workers=1)
    ix.close()
    prof.disable()
    wall = time.perf_counter() - t0
    st = pstats.Stats(prof)
    rows = [{"function": _where(fn, line, name), "ncalls": nc, "primitive": cc,
             "tottime": tt, "cumtime": ct}
            for (fn, line, name), (cc, nc, tt, ct, _) in st.stats.items()]
    top = int(a.get("top", 15))
    return {"seconds": wall, "items": report.documents, "paragraphs": report.paragraphs,
            "cumulative": sorted(rows, key=lambda r: -r["cumtime"])[:top],
            "tottime": sorted(rows, key=lambda r: -r["tottime"])[:top],
            "total_tt": st.total_tt}


def _where(fn, line, name):
    if fn == "~":
        return name  # built-in
    parts = fn.replace("\\", "/").split("/")
    rel = "/".join(parts[-2:])
    for anchor in ("site-packages", "lib"):
        if anchor in parts:
            idx = len(parts) - 1 - parts[::-1].index(anchor)
            rel = "/".join(parts[idx + 1:])
            break
    else:
        for root in (CODE, REPO):
            if fn.startswith(root + os.sep):
                rel = os.path.relpath(fn, root)
                break
    return f"{rel}:{line}({name})"


def step_queries(a):
    from bench_systems import measure_queries

    return measure_queries(a)


def step_hook(a):
    from bench_hooks import run_hook

    return run_hook(a)


STEPS = {"extract": step_extract, "lib-index": step_ydsearch, "seed": step_seed,
         "stock": step_stock, "fts5": step_fts5, "queries": step_queries,
         "profile": step_profile, "hook": step_hook}


def main(argv):
    step, args_path, result_path = argv[1:4]
    with open(args_path, encoding="utf-8") as fh:
        args = json.load(fh)
    result = STEPS[step](args)
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    result.update(self_maxrss_kb=me.ru_maxrss, self_cpu_seconds=me.ru_utime + me.ru_stime,
                  children_maxrss_kb=kids.ru_maxrss,
                  children_cpu_seconds=kids.ru_utime + kids.ru_stime)
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
