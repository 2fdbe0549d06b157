"""The Markdown report of one run, and ``--write``'s replacement of a file's results section."""
import statistics
from pathlib import Path

import bench_hooks
import bench_targets
from bench_child import latency_summary
from bench_queries import has_filter
from bench_stages import CLI_QUERY

START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"

# Section headings and table headers of the report (tests look for these).
H_MACHINE = "### Machine and run"
H_TARGETS = "### Targets"
H_SMALL = "### Indexing: 2,000 items"
H_CORPUS = "### Indexing: whole corpus"
H_QUERY = "### Query latency (in process, warm)"
H_PER_QUERY = "### Per query"
H_CLI = "### Whole-process `ydsearch query`"
H_LINEARITY = "### Linearity (ydsearch)"
H_RATIOS = "### Ratios"
H_PROFILE = "### Profile"
TARGETS_HEADER = "| target | measured | verdict |"
INDEX_HEADER = ("| system | items | paragraphs | wall s | CPU s | paragraphs/s | MB/s "
                "| peak RSS MB | workers' peak MB | index MB | load |")
QUERY_HEADER = ("| system | queries | median ms | p95 ms | p99 ms | max ms | open s "
                "| first query ms | peak RSS MB | load |")
CLI_HEADER = "| command | runs | median s | min s | max s | median peak RSS MB | exit codes |"
RATIO_HEADER = "| ratio | indexing time | index size | median query | peak RSS |"


def _load(s):
    """The 1-minute load average at the start and at the end of a step."""
    if "load_at_end" in s:
        return f"{s['load_at_start']:.2f}→{s['load_at_end']:.2f}"
    return f"{s['load_at_start']:.2f}"


def _f(x, nd=1):
    return "–" if x is None else f"{x:,.{nd}f}"


def _mb(kb):
    return kb / 1024


def render(r: dict) -> str:
    out = machine_section(r)
    out += [H_TARGETS, "", "The targets of the issue \"Fast at corpus scale\", checked against "
            "this run (in process = the `Index.search` latency of stage (c); RSS of "
            "`ydsearch query` = its own `ru_maxrss`).", "", TARGETS_HEADER, "|---|---|---|"]
    out += [f"| {t} | {m} | {v} |" for t, m, v in bench_targets.check(r)] + [""]
    out += index_section(H_SMALL, r.get("small"), r, small=True)
    out += index_section(H_CORPUS, r.get("corpus"), r)
    out += query_sections(r)
    out += cli_section(r)
    out += linearity_section(r)
    out += ratio_section(r)
    out += profile_section(r)
    for name, hook in (r.get("hooks") or {}).items():
        out += hook_section(name, hook)
    if r.get("errors"):
        out += ["### Errors", ""] + [f"- {e}" for e in r["errors"]] + [""]
    return "\n".join(out).rstrip() + "\n"


def machine_section(r):
    m, v = r["machine"], r["machine"]["versions"]
    return [H_MACHINE, "",
            f"- date: {r['date']}; mode `{r['mode']}`; whole run "
            f"{r.get('elapsed_seconds', 0) / 60:.1f} min",
            f"- command: `{r['command']}`",
            f"- machine: {m['cpu']}, {m['cores']} cores, {_f(m['ram_gb'])} GB RAM; "
            f"Python {m['python']} ({m['platform']})",
            "- packages: " + ", ".join(f"{k} {val}" for k, val in v.items()),
            f"- ydsearch code: git {m['git']}; the run used a snapshot of `ydsearch/` taken at "
            f"its start (sha256 of its files {r['code']['sha256']})",
            f"- load average (1 / 5 / 15 min) at start "
            f"{' / '.join(f'{x:.2f}' for x in r['load_start'])}, at end "
            f"{' / '.join(f'{x:.2f}' for x in r.get('load_end', r['load_start']))}; "
            f"at the start of each step in the tables (`load`)",
            f"- corpus: `{r['corpus_file']}`, {r['corpus_items']:,} items, "
            f"{r['corpus_mb']:.1f} MB of article text; this run used the first "
            f"{r['base_items']:,} items", ""]


def _index_row(label, s, items):
    workers = _f(_mb(s["children_maxrss_kb"]), 0) if s.get("workers") else "–"
    disk = _f(s["index_bytes"] / 2**20) if "index_bytes" in s else "–"
    return (f"| {label} | {items:,} | {s['paragraphs']:,} | {_f(s['seconds'])} "
            f"| {_f(s['cpu_seconds'])} | {_f(s['paragraphs'] / s['seconds'], 0)} "
            f"| {_f(s['mb'] / s['seconds'], 3)} | {_f(_mb(s['peak_rss_kb']), 0)} | {workers} "
            f"| {disk} | {_load(s)} |")


def index_section(heading, st, r, small=False):
    if not st:
        return [heading, "", "(not measured: see Errors)", ""]
    y, ex, sysrows = st["systems"]["ydsearch"], st["extract"], st["systems"]
    out = [heading, "", f"The first {st['items']:,} items ({st['mb']:.1f} MB of article text)"
           + (", the same slice as the 2,000-item stage." if st.get("same_as_small") else ".")
           + " Wall = the indexing work inside the step's process (imports excluded); CPU = "
           "user + system of the process and of the workers it reaped (`os.wait4`); peak RSS = "
           "the process's own `ru_maxrss` (`getrusage(RUSAGE_SELF)` in it), workers' peak = the "
           "largest of its worker processes (`getrusage(RUSAGE_CHILDREN)` in it, after the "
           "pool is joined); index = bytes on disk.", "", INDEX_HEADER,
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    out.append(_index_row(f"ydsearch `Index.add` ({y['workers']} workers)", y, y["items"]))
    if "stock" in sysrows:
        out.append(_index_row("stock whoosh + jieba `ChineseAnalyzer`", sysrows["stock"],
                              ex["items"]))
    if "fts5" in sysrows:
        f5 = sysrows["fts5"]
        out.append(_index_row("SQLite FTS5, incl. segmentation", f5, ex["items"]))
        ins = f5["insert_seconds"]
        out.append(f"| SQLite FTS5, excl. segmentation (insert + commit) | {ex['items']:,} "
                   f"| {f5['paragraphs']:,} | {_f(ins)} | – | {_f(f5['paragraphs'] / ins, 0)} "
                   f"| {_f(f5['mb'] / ins, 3)} | – | – "
                   f"| {_f(f5['index_bytes'] / 2**20)} | – |")
    out.append(_index_row("(ydsearch parse only: `read_documents`, 1 process, no index)",
                          ex, ex["items"]))
    times = ", ".join(_f(t) for t in y.get("commit_times", []))
    times = f" ({times} s, merges included)" if times else ""
    out += ["", f"ydsearch: {y['commits']} commit(s) took {_f(y['commit_seconds'])} s of the "
            f"{_f(y['seconds'])} s{times}; CPU "
            f"{_f(y['self_cpu_seconds'])} s in the main process, "
            f"{_f(y['children_cpu_seconds'])} s in the workers; all processes together peaked "
            f"at {_f(_mb(y['tree_peak_pss_kb']), 0)} MB PSS "
            f"({_f(_mb(y['tree_peak_rss_sum_kb']), 0)} MB summed RSS; `/proc/*/smaps_rollup` "
            f"sampled every {y['tree_interval']} s); "
            f"{y['skipped_empty']:,} items without a paragraph skipped, {y['refused']} refused."]
    if "fts5" in sysrows:
        out.append(f"FTS5: segmentation (ydsearch's `Segmenter().index_words`, dictionary "
                   f"load included) took {_f(sysrows['fts5']['segment_seconds'])} s of the "
                   f"{_f(sysrows['fts5']['seconds'])} s.")
    if "stock" in sysrows:
        ratio = y["seconds"] / sysrows["stock"]["seconds"]
        out.append(f"The stock recipe and FTS5 index the paragraphs ydsearch's parse made "
                   f"(their time excludes parsing; ydsearch's includes it). "
                   f"**ydsearch / stock = {ratio:.2f}x** the time"
                   + (f" (target ≤ {bench_targets.SMALL_RATIO}x)." if small else "."))
    if st.get("stock_skipped"):
        out.append(f"Stock recipe skipped: {st['stock_skipped']}.")
    return out + [""]


def query_sections(r):
    qs = r.get("queries")
    if not qs:
        return [H_QUERY, "", "(not measured: see Errors)", ""]
    q, reps = qs["systems"], qs["reps"]
    keys = [k for k in ("ydsearch", "fts5", "stock") if k in q]
    first = q[keys[0]]["queries"]
    n = len(first)
    out = [H_QUERY, "",
           f"On the indexes of the {qs['items']:,}-item stage: {n} queries (the 30 of "
           f"`bench/bench_queries.py` and the single characters) x {reps} repetitions, "
           f"round-robin, after one warm-up pass; percentiles over all {n * reps} timings; top "
           "10 with stored fields (ydsearch: `Index.search(q, limit=10)`, snippets included). "
           "Each system in its own process (peak RSS = that process: index opened, queries "
           "run); open s = importing the system's modules and opening its index; first query = "
           "the first, cold, query after that. FTS5 and stock drop the filters.", "",
           QUERY_HEADER,
           "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for k in keys:
        for label, entries in (("all", q[k]["queries"]),
                               ("the 30", q[k]["queries"][:30])):
            s = latency_summary(entries)
            out.append(f"| {k} | {label} | {_f(s['median'] * 1e3, 2)} | {_f(s['p95'] * 1e3, 2)} "
                       f"| {_f(s['p99'] * 1e3, 2)} | {_f(s['max'] * 1e3, 2)} "
                       f"| {_f(q[k]['open_seconds'], 3)} "
                       f"| {_f(q[k]['first_query_seconds'] * 1e3, 1)} "
                       f"| {_f(_mb(q[k]['peak_rss_kb']), 0)} | {_load(q[k])} |")
    out.append("")
    head = "| # | category | query | " + " | ".join(
        f"{k} matches | {k} median ms" for k in keys) + " |"
    out += [H_PER_QUERY, "", "Matches = all matching paragraphs (FTS5 and stock: counted "
            "apart, untimed); `*` = filters dropped for FTS5 and stock.", "", head,
            "|---:|---|---|" + "---:|---:|" * len(keys)]
    for i, e in enumerate(first):
        cells = []
        for k in keys:
            x = q[k]["queries"][i]
            cells += [f"{x['total']:,}", _f(statistics.median(x["times"]) * 1e3, 2)]
        star = " *" if has_filter(e["query"]) else ""
        out.append(f"| {i + 1} | {e['category']} | `{e['query']}`{star} | "
                   + " | ".join(cells) + " |")
    return out + [""]


def cli_section(r):
    c = r.get("cli")
    if not c:
        return [H_CLI, "", "(not measured: see Errors)", ""]
    out = [H_CLI, "", f"Whole processes, one warm-up run then {c['reps']} measured runs each: "
           f"wall time and the peak RSS of each run (`os.wait4`); `{c['command']}` is the "
           "console script of this Python.", "", CLI_HEADER, "|---|---:|---:|---:|---:|---:|---|"]

    def row(label, t):
        codes = ",".join(sorted({str(x) for x in t["codes"]}))
        if t["error"]:
            codes += f" ({t['error'][:80]})"
        out.append(f"| {label} | {len(t['times'])} | {_f(t['median'], 3)} "
                   f"| {_f(min(t['times']), 3)} | {_f(max(t['times']), 3)} "
                   f"| {_f(_mb(t['median_rss_kb']), 0)} | {codes} |")

    row(f"`{c['command']} query \"{CLI_QUERY}\"` on the index of {c['scale_items']:,} items "
        f"({c['scale_paragraphs']:,} paragraphs)", c["scale"])
    row(f"`{c['command']} query \"{CLI_QUERY}\"` on the seed index "
        f"({c['seed_paragraphs']} paragraphs)", c["seed"])
    if "jieba" in c:
        row('`python -c "import jieba; jieba.initialize()"`', c["jieba"])
    row('`python -c "pass"` (interpreter start)', c["python_startup"])
    return out + [""]


def linearity_section(r):
    lin = r.get("linearity")
    if not lin:
        return [H_LINEARITY, "", "(run with `--full` for 25 % / 50 % / 100 %)", ""]
    out = [H_LINEARITY, "", "ydsearch alone; commit s = the time of its commits (segment "
           "writing and merges) within the wall time.", "",
           "| share | items | paragraphs | wall s | CPU s | commit s | paragraphs/s | s per 1k "
           "items | peak RSS MB | workers' peak MB | index MB | load |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in lin:
        out.append(f"| {s['fraction']:.0%} | {s['items']:,} | {s['paragraphs']:,} "
                   f"| {_f(s['seconds'])} | {_f(s['cpu_seconds'])} | {_f(s['commit_seconds'])} "
                   f"| {_f(s['paragraphs'] / s['seconds'], 0)} "
                   f"| {_f(s['seconds'] / max(s['items'], 1) * 1000, 2)} "
                   f"| {_f(_mb(s['peak_rss_kb']), 0)} | {_f(_mb(s['children_maxrss_kb']), 0)} "
                   f"| {_f(s['index_bytes'] / 2**20)} | {_load(s)} |")
    return out + [""]


def ratio_section(r):
    st = r.get("corpus") or {}
    sysrows, q = st.get("systems") or {}, ((r.get("queries") or {}).get("systems") or {})
    if "ydsearch" not in sysrows:
        return []
    y = sysrows["ydsearch"]
    med = {k: latency_summary(v["queries"])["median"] for k, v in q.items()}
    out = [H_RATIOS, "", f"ydsearch over the others on the {st['items']:,}-item stage "
           "(peak RSS: ydsearch's main process).", "", RATIO_HEADER, "|---|---:|---:|---:|---:|"]
    for key, label in (("stock", "ydsearch / stock recipe"),
                       ("fts5", "ydsearch / FTS5 (incl. segmentation)")):
        o = sysrows.get(key)
        if o:
            qm = f"{med['ydsearch'] / med[key]:.2f}" if "ydsearch" in med and key in med else "–"
            out.append(f"| {label} | {y['seconds'] / o['seconds']:.2f} "
                       f"| {y['index_bytes'] / o['index_bytes']:.2f} | {qm} "
                       f"| {y['peak_rss_kb'] / o['peak_rss_kb']:.2f} |")
    if "fts5" in sysrows:
        out.append(f"| ydsearch / FTS5 (excl. segmentation) | "
                   f"{y['seconds'] / sysrows['fts5']['insert_seconds']:.2f} | – | – | – |")
    return out + [""]


def profile_section(r):
    p = r.get("profile")
    if not p:
        return []
    out = [H_PROFILE, "", f"cProfile of `Index.create` + `Index.add(workers=1)` (all the work "
           f"in one process) on the first {p['items']:,} items ({p['paragraphs']:,} "
           f"paragraphs): {_f(p['seconds'])} s under the profiler."]
    for title, key in (("cumulative time", "cumulative"), ("own time", "tottime")):
        out += ["", f"Top {len(p[key])} by {title}:", "",
                "| # | function | calls | own s | cumulative s |", "|---:|---|---:|---:|---:|"]
        out += [f"| {i} | `{row['function']}` | {row['ncalls']:,} | {_f(row['tottime'], 2)} "
                f"| {_f(row['cumtime'], 2)} |" for i, row in enumerate(p[key], 1)]
    return out + [""]


def hook_section(name, hook):
    info = bench_hooks.HOOKS[name]
    out = [info["title"], "", f"What it measures: {info['what']}."]
    if hook.get("status") == "not available":
        return out + ["", f"Not available: {hook['why']}.", ""]
    if hook.get("status") != "ok":
        return out + ["", "Failed: see Errors.", ""]
    md = (hook.get("result") or {}).get("markdown")
    return out + ["", md.strip() if md else "(the module reported no table)", ""]


def write_results(path: Path, report: str):
    """Replace the part of ``path`` between the results markers (or append a section)."""
    block = f"{START_MARK}\n\n{report}\n{END_MARK}"
    text = path.read_text("utf-8") if path.exists() else ""
    if START_MARK in text and END_MARK in text:
        head, rest = text.split(START_MARK, 1)
        _, tail = rest.split(END_MARK, 1)
        text = head + block + tail
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "# Benchmarks\n\n") + \
            "## Results\n\n" + block + "\n"
    path.write_text(text, "utf-8")
