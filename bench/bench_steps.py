"""One measured step of the benchmark, run in its own child process by ``run.py``.

    python bench/bench_steps.py STEP ARGS.json RESULT.json

The parent reads the child's peak RSS from ``os.wait4``; the child writes what
it measured (times, counts, its own ``VmHWM``) as JSON to ``RESULT.json``.
Nothing here writes inside the repository: every path comes from the parent,
which puts them in its temporary work directory.
"""
import json
import os
import sys
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


def vm_hwm_kb() -> int:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _iter_paragraphs(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


# -- steps -------------------------------------------------------------------------------
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


def step_ydsearch(a):
    """``Index.create`` + ``Index.add`` on the JSONL slice (the library's own path)."""
    t0 = time.perf_counter()
    from ydsearch.engine.index import Index

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    ix = Index.create(a["index"])
    try:
        report = ix.add(a["slice"], **({"batch_size": a["batch_size"]} if a.get("batch_size") else {}))
    finally:
        ix.close()
    return {"seconds": time.perf_counter() - t0, "import_seconds": t_import,
            "items": report.documents, "paragraphs": report.paragraphs,
            "refused": len(report.refused)}


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


def _timed(fn):
    s = time.perf_counter()
    out = fn()
    return time.perf_counter() - s, out


def _open_ydsearch(a, cached: bool):
    from ydsearch.engine.index import Index

    if not cached:
        ix = Index.open(a["ydsearch"])
        return ix, ix.close

    # What-if: the same index and search code, with the segmenter read from the
    # schema once instead of on every query (``Index.segmenter`` unpickles the
    # schema from the table of contents each time, which builds a new rjieba).
    class CachedSegmenterIndex(Index):
        segmenter = property(lambda self: self._bench_seg)

    ix = Index.open(a["ydsearch"])
    ix.__class__ = CachedSegmenterIndex
    ix._bench_seg = Index.segmenter.fget(ix)
    return ix, ix.close


def _open_system(name, a):
    """(run(q) -> (total or None, ids), count(q) or None, close) for one system."""
    if name in ("ydsearch", "ydsearch-cached-segmenter"):
        ix, close = _open_ydsearch(a, name != "ydsearch")

        def yd(q):
            r = ix.search(q, limit=10)
            return r.total, [h.id for h in r.hits]

        return yd, None, close
    if name == "fts5":
        import sqlite3

        from bench_queries import fts5_query
        from ydsearch.engine.segmenter import Segmenter

        con = sqlite3.connect(a["fts5"])
        seg = Segmenter()  # the same segmenter type and dictionary as the index

        def fts(q):
            expr = fts5_query(q, seg)
            if expr is None:
                return 0, []
            rows = con.execute("SELECT id, text FROM p WHERE p MATCH ? ORDER BY bm25(p) "
                               "LIMIT 10", (expr,)).fetchall()
            return None, [r[0] for r in rows]

        def fts_count(q):
            expr = fts5_query(q, seg)
            return con.execute("SELECT count(*) FROM p WHERE p MATCH ?",
                               (expr,)).fetchone()[0] if expr else 0

        return fts, fts_count, con.close
    if name == "stock":
        import jieba
        from whoosh import index as wix
        from whoosh.qparser import QueryParser

        from bench_queries import stock_query

        jieba.setLogLevel(60)
        six = wix.open_dir(a["stock"])
        ssearcher = six.searcher()
        parser = QueryParser("content", six.schema)

        def stock(q):
            res = ssearcher.search(parser.parse(stock_query(q)), limit=10)
            return None, [h.fields()["id"] for h in res]

        def stock_count(q):
            return len(ssearcher.search(parser.parse(stock_query(q)), limit=1))

        return stock, stock_count, ssearcher.close
    raise ValueError(name)


def step_queries(a):
    """In-process query latency of one system (its own child), after a warm-up pass.

    Without ``system`` (the interface of the first version of ``run.py``) every
    system given is measured in turn in this one process.
    """
    if "system" not in a:
        names = ["ydsearch", "ydsearch-cached-segmenter"] + [
            n for n in ("fts5", "stock") if a.get(n)]
        return {"systems": {n: _query_one(n, a) for n in names}, "reps": int(a.get("reps", 5))}
    return {"system": a["system"], "result": _query_one(a["system"], a),
            "reps": int(a.get("reps", 5))}


def _query_one(name, a):
    from bench_queries import QUERIES

    t0 = time.perf_counter()
    run, count, close = _open_system(name, a)
    open_s = time.perf_counter() - t0
    first_s, _ = _timed(lambda: run(QUERIES[0][1]))
    out = {"open_seconds": open_s, "first_query_seconds": first_s, "queries": []}
    # warm-up: every query once, which also gives the match counts
    for _, q in QUERIES:
        total, ids = run(q)
        if total is None:
            total = count(q)
        out["queries"].append({"query": q, "total": total, "top": ids[:3], "times": []})
    hwm_warm = vm_hwm_kb()
    reps = int(a.get("reps", 5))
    for _ in range(reps):
        for i, (_, q) in enumerate(QUERIES):
            dt, _ = _timed(lambda: run(q))
            out["queries"][i]["times"].append(dt)
    close()
    out["vm_hwm_after_warmup_kb"] = hwm_warm
    return out


def step_profile(a):
    """cProfile of ``Index.create`` + ``Index.add`` on a slice: top entries by cumulative time."""
    import cProfile
    import pstats

    from ydsearch.engine.index import Index

    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    ix = Index.create(a["index"])
    report = ix.add(a["slice"])
    ix.close()
    prof.disable()
    wall = time.perf_counter() - t0
    st = pstats.Stats(prof)
    rows = []
    for (fn, line, name), (cc, nc, tt, ct, _) in st.stats.items():
        rows.append({"function": _where(fn, line, name), "ncalls": nc, "primitive": cc,
                     "tottime": tt, "cumtime": ct})
    top = int(a.get("top", 15))
    by_cum = sorted(rows, key=lambda r: -r["cumtime"])[:top]
    by_tot = sorted(rows, key=lambda r: -r["tottime"])[:top]
    return {"seconds": wall, "items": report.documents, "paragraphs": report.paragraphs,
            "cumulative": by_cum, "tottime": by_tot, "total_tt": st.total_tt}


def _where(fn, line, name):
    if fn == "~":
        return name  # built-in
    parts = fn.replace("\\", "/").split("/")
    for anchor in ("site-packages", "lib"):
        if anchor in parts:
            idx = len(parts) - 1 - parts[::-1].index(anchor)
            rel = "/".join(parts[idx + 1:])
            break
    else:
        rel = "/".join(parts[-2:])
    for root in (CODE, REPO):
        if fn.startswith(root + os.sep):
            rel = os.path.relpath(fn, root)
            break
    return f"{rel}:{line}({name})"


def step_whatif(a):
    """Index a slice as is, or without the ``chars`` bigram field (schema patched here only)."""
    import ydsearch.engine.index as yindex
    import ydsearch.engine.schema as yschema

    if a["variant"] == "nochars":
        build, fields_of = yschema.build_schema, yindex.paragraph_fields

        def schema_without_chars():
            sch = build()
            sch.remove("chars")
            return sch

        yschema.build_schema = schema_without_chars
        yindex.paragraph_fields = lambda doc, para: {
            k: v for k, v in fields_of(doc, para).items() if k != "chars"}
    t0 = time.perf_counter()
    ix = yindex.Index.create(a["index"])
    try:
        report = ix.add(a["slice"])
    finally:
        ix.close()
    return {"seconds": time.perf_counter() - t0, "items": report.documents,
            "paragraphs": report.paragraphs}


STEPS = {"whatif": step_whatif, "extract": step_extract, "lib-index": step_ydsearch,
         "seed": step_seed, "stock": step_stock, "fts5": step_fts5, "queries": step_queries,
         "profile": step_profile}


def main(argv):
    step, args_path, result_path = argv[1:4]
    with open(args_path, encoding="utf-8") as fh:
        args = json.load(fh)
    result = STEPS[step](args)
    result["vm_hwm_kb"] = vm_hwm_kb()
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
