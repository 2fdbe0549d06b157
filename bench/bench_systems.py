"""In-process query latency of one system (run inside a ``bench_steps.py`` child).

Each system is opened, given one warm-up pass over every query (which also
counts the matches), then timed ``reps`` times round-robin over the queries.
"""
import time

from bench_queries import ALL_QUERIES


def _timed(fn):
    s = time.perf_counter()
    out = fn()
    return time.perf_counter() - s, out


def open_system(name, a):
    """(run(q) -> (total or None, ids), count(q) or None, close) for one system."""
    if name == "ydsearch":
        from ydsearch.engine.index import Index

        ix = Index.open(a["ydsearch"])

        def yd(q):
            r = ix.search(q, limit=10)
            return r.total, [h.id for h in r.hits]

        return yd, None, ix.close
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
        searcher = six.searcher()
        parser = QueryParser("content", six.schema)

        def stock(q):
            res = searcher.search(parser.parse(stock_query(q)), limit=10)
            return None, [h.fields()["id"] for h in res]

        def stock_count(q):
            return len(searcher.search(parser.parse(stock_query(q)), limit=1))

        return stock, stock_count, searcher.close
    raise ValueError(f"unknown system {name!r}")


def measure_queries(a) -> dict:
    """Open ``a['system']``, warm up, time ``a['reps']`` round-robin passes."""
    name, reps = a["system"], int(a.get("reps", 5))
    queries = [tuple(q) for q in a.get("queries") or ALL_QUERIES]
    t0 = time.perf_counter()
    run, count, close = open_system(name, a)
    open_s = time.perf_counter() - t0
    first_s, _ = _timed(lambda: run(queries[0][1]))
    out = {"system": name, "reps": reps, "open_seconds": open_s,
           "first_query_seconds": first_s, "queries": []}
    for cat, q in queries:   # warm-up: every query once, which also gives the match counts
        total, ids = run(q)
        if total is None:
            total = count(q)
        out["queries"].append({"category": cat, "query": q, "total": total, "top": ids[:3],
                               "times": []})
    for _ in range(reps):
        for i, (_, q) in enumerate(queries):
            dt, _ = _timed(lambda: run(q))
            out["queries"][i]["times"].append(dt)
    close()
    return out
