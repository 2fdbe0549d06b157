"""The targets of the issue "Fast at corpus scale", checked against one run's results.

Each target gives (what, the measured value as text, the verdict).  A target
measured on less than what it names (``--quick``, ``--items``) is *not
measured*, never met.
"""
from bench_child import latency_summary

MET, MISSED, NOT_MEASURED = "met", "**missed**", "not measured"

INDEX_SECONDS, INDEX_AIM = 180, 120
INDEX_RSS_MB = 800
INDEX_DISK_MB = 400
SMALL_RATIO = 0.5
Q_MEDIAN_MS, Q_P95_MS, Q_MAX_MS = 15, 60, 300
CLI_SECONDS, CLI_RSS_MB = 0.45, 300


def _verdict(ok: bool) -> str:
    return MET if ok else MISSED


def check(r: dict) -> list:
    """[(target, measured, verdict)] for the run ``r``."""
    rows = []
    corpus = r.get("corpus") or {}
    whole = r.get("base_items") == r.get("corpus_items")
    y = (corpus.get("systems") or {}).get("ydsearch")
    scope = "" if whole else f" (this run: {r.get('base_items', 0):,} items, not the whole corpus)"

    def add(target, measured, ok):
        rows.append((target, measured + ("" if whole else scope),
                     _verdict(ok) if whole else NOT_MEASURED))

    if y:
        s = y["seconds"]
        add(f"whole corpus indexed in ≤ {INDEX_SECONDS} s on these 2 cores (aim {INDEX_AIM})",
            f"{s:.1f} s ({'within' if s <= INDEX_AIM else 'over'} the aim)", s <= INDEX_SECONDS)
        main, work = y["self_maxrss_kb"] / 1024, y.get("children_maxrss_kb", 0) / 1024
        add(f"peak RSS while indexing ≤ {INDEX_RSS_MB} MB (each process)",
            f"main {main:,.0f} MB, largest worker {work:,.0f} MB "
            f"(all processes together, PSS: {y.get('tree_peak_pss_kb', 0) / 1024:,.0f} MB)",
            max(main, work) <= INDEX_RSS_MB)
        mb = y["index_bytes"] / 2**20
        add(f"index ≤ {INDEX_DISK_MB} MB on disk", f"{mb:,.1f} MB", mb <= INDEX_DISK_MB)
    else:
        rows.append(("whole corpus indexed", "–", NOT_MEASURED))
    small = (r.get("small") or {}).get("systems") or {}
    if "ydsearch" in small and "stock" in small:
        ratio = small["ydsearch"]["seconds"] / small["stock"]["seconds"]
        n = r["small"]["items"]
        rows.append((f"2,000 items in ≤ {SMALL_RATIO}x the stock recipe's time",
                     f"{ratio:.2f}x ({small['ydsearch']['seconds']:.1f} s vs "
                     f"{small['stock']['seconds']:.1f} s, {n:,} items)",
                     _verdict(ratio <= SMALL_RATIO) if n >= 2000 or whole else NOT_MEASURED))
    else:
        rows.append(("2,000 items vs the stock recipe", "–", NOT_MEASURED))
    q = ((r.get("queries") or {}).get("systems") or {})
    if "ydsearch" in q:
        s = latency_summary(q["ydsearch"]["queries"])
        ms = {k: s[k] * 1e3 for k in ("median", "p95", "max")}
        n = len(q["ydsearch"]["queries"])
        add(f"query median ≤ {Q_MEDIAN_MS} ms ({n} queries, in process)",
            f"{ms['median']:.2f} ms", ms["median"] <= Q_MEDIAN_MS)
        add(f"query p95 ≤ {Q_P95_MS} ms", f"{ms['p95']:.2f} ms", ms["p95"] <= Q_P95_MS)
        add(f"slowest query ≤ {Q_MAX_MS} ms", f"{ms['max']:.2f} ms", ms["max"] <= Q_MAX_MS)
        if "fts5" in q:
            f = latency_summary(q["fts5"]["queries"])["median"] * 1e3
            rows.append(("median vs FTS5's median, same run (reported, no threshold)",
                         f"{ms['median'] / f:.2f}x ({ms['median']:.2f} vs {f:.2f} ms)", "–"))
    else:
        rows.append(("query latency", "–", NOT_MEASURED))
    cli = r.get("cli") or {}
    if cli.get("scale"):
        t, rss = cli["scale"]["median"], cli["scale"]["median_rss_kb"] / 1024
        ok = all(c == 0 for c in cli["scale"]["codes"])
        add(f"`ydsearch query` on the full index ≤ {CLI_SECONDS} s (median)",
            f"{t:.3f} s" + ("" if ok else " (exit code not 0)"), t <= CLI_SECONDS and ok)
        add(f"`ydsearch query` on the full index ≤ {CLI_RSS_MB} MB RSS (median)",
            f"{rss:,.0f} MB", rss <= CLI_RSS_MB)
    else:
        rows.append(("`ydsearch query` on the full index", "–", NOT_MEASURED))
    return rows
