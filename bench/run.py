#!/usr/bin/env python3
"""ydsearch benchmark: indexing, query latency, CLI start-up, linearity, profile.

    python bench/run.py --corpus ../shared/corpora/scale/xwlb_2017_2026.jsonl.gz --full \\
        --write BENCHMARKS.md

Compares ydsearch (``Index.add`` on the JSONL) with the stock whoosh + jieba
recipe and with SQLite FTS5 over ydsearch's own tokens, on the same paragraphs.
Every indexer runs in its own child process (``bench_steps.py``) so its peak RSS
is its own.  The corpus is licensed for internal benchmarking only: it is read
from its path, and the slices this script makes live in a temporary directory
outside the repository that is removed at the end (``--keep`` keeps it).

Modes: default = the whole corpus once; ``--full`` adds the 25 % and 50 %
steps (linearity); ``--quick`` = the first ~300 items only (for the test).
The Markdown report goes to stdout; ``--write BENCHMARKS.md`` also replaces the
results section of that file (between its ``bench:results`` markers).
"""
import argparse
import datetime as _dt
import gzip
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from bench_queries import QUERIES, has_filter  # noqa: E402

CORPUS_ENV = "YDSEARCH_SCALE_CORPUS"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpora" / "scale" / "xwlb_2017_2026.jsonl.gz"
QUICK_ITEMS = 300
FULL_FRACTIONS = (0.25, 0.5, 1.0)
CLI_QUERY = "生态绿色"
START_MARK = "<!-- bench:results:start -->"
END_MARK = "<!-- bench:results:end -->"

# Section headings of the report (tests look for these).
H_MACHINE = "### Machine and run"
H_INDEXING = "### Indexing"
H_QUERY = "### Query latency (in process, warm)"
H_PER_QUERY = "### Per query"
H_CLI = "### Whole-process CLI latency"
H_LINEARITY = "### Linearity (ydsearch)"
H_RATIOS = "### Ratios"
H_PROFILE = "### Profile"
INDEX_TABLE_HEADER = ("| system | items | paragraphs | wall s | CPU s | paragraphs/s | MB/s "
                      "| peak RSS MB | index MB |")
QUERY_TABLE_HEADER = ("| system | median ms | p95 ms | p99 ms | max ms | open s | first query ms "
                      "| peak RSS MB | load |")


def log(msg: str):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# -- corpus --------------------------------------------------------------------------------
def open_corpus(path: Path):
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def scan_corpus(path: Path):
    """UTF-8 bytes of the ``text`` field of every item, in order (streamed)."""
    sizes = []
    with open_corpus(path) as fh:
        for raw in fh:
            if not raw.strip():
                continue
            try:
                text = json.loads(raw).get("text") or ""
            except ValueError:
                text = ""
            sizes.append(len(text.encode("utf-8")))
    return sizes


def write_slice(path: Path, n: int, dest: Path) -> Path:
    """The first ``n`` items of the corpus, as plain JSONL in the work directory."""
    written = 0
    with open_corpus(path) as fh, open(dest, "wb") as out:
        for raw in fh:
            if not raw.strip():
                continue
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            written += 1
            if written >= n:
                break
    return dest


# -- child processes -------------------------------------------------------------------
def snapshot_code(work: Path) -> dict:
    """Copy the checkout's ``ydsearch/`` (and ``seeds/``) into the work directory.

    Every child (and the CLI runs, through PYTHONPATH, which comes before an
    editable install's finder) then imports this copy, so one run measures one
    version of the code even while the tree is being edited.
    """
    import hashlib

    code = work / "code"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "ydsearch", code / "ydsearch", ignore=ignore)
    if (REPO / "seeds").is_dir():
        shutil.copytree(REPO / "seeds", code / "seeds", ignore=ignore)
    h = hashlib.sha256()
    for f in sorted((code / "ydsearch").rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(code)).encode() + b"\0" + f.read_bytes())
    os.environ["YDSEARCH_BENCH_CODE"] = str(code)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(code)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
    return {"path": str(code), "sha256": h.hexdigest()[:12]}


def run_step(step: str, args: dict, work: Path, retries: int = 1) -> dict:
    """Run one ``bench_steps.py`` step in a child; add wall time and peak RSS.

    A child killed by a signal (the machine is shared) is run again once, and
    the result says so.
    """
    for attempt in range(retries + 1):
        try:
            r = _run_step_once(step, args, work)
            if attempt:
                r["attempts"] = attempt + 1
            return r
        except _KilledBySignal as e:
            log(f"step {step} was killed by signal {e.signal}"
                + ("; running it again" if attempt < retries else ""))
            if attempt == retries:
                raise RuntimeError(f"step {step} killed by signal {e.signal} "
                                   f"({attempt + 1} attempts)")
            target = args.get("index") or args.get("db")
            if target:
                shutil.rmtree(target, ignore_errors=True) if Path(target).is_dir() \
                    else Path(target).unlink(missing_ok=True)


class _KilledBySignal(Exception):
    def __init__(self, sig):
        super().__init__(sig)
        self.signal = sig


def _run_step_once(step: str, args: dict, work: Path) -> dict:
    tag = f"{step}-{abs(hash(json.dumps(args, sort_keys=True))) % 10**8}"
    args_path, result_path = work / f"{tag}.args.json", work / f"{tag}.result.json"
    args_path.write_text(json.dumps(args), encoding="utf-8")
    err_path = work / f"{tag}.stderr"
    env = dict(os.environ)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, str(HERE / "bench_steps.py"), step,
                                 str(args_path), str(result_path)],
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode < 0:
        raise _KilledBySignal(-proc.returncode)
    if proc.returncode != 0 or not result_path.exists():
        tail = err_path.read_text("utf-8", "replace").strip().splitlines()[-15:]
        raise RuntimeError(f"step {step} failed (exit {proc.returncode}):\n" + "\n".join(tail))
    result = json.loads(result_path.read_text("utf-8"))
    result["process_wall_seconds"] = wall
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    result["peak_rss_kb"] = max(usage.ru_maxrss, result.get("vm_hwm_kb", 0))
    result["load_at_start"] = load
    return result


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- CLI timing --------------------------------------------------------------------------
def ydsearch_command():
    script = Path(sys.executable).parent / "ydsearch"
    if script.exists():
        return [str(script)], "ydsearch"
    return [sys.executable, "-m", "ydsearch"], "python -m ydsearch"


def time_command(cmd, reps: int, env=None, warmup: int = 1) -> dict:
    times, codes, err = [], [], ""
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
        dt = time.perf_counter() - t0
        if p.returncode != 0 and not err:
            err = (p.stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
        if i >= warmup:
            times.append(dt)
            codes.append(p.returncode)
    return {"times": times, "median": statistics.median(times), "codes": codes,
            "error": err, "stdout_lines": len(p.stdout.splitlines())}


# -- statistics ----------------------------------------------------------------------------
def pct(values, q: float) -> float:
    """Percentile with linear interpolation between the closest ranks."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def latency_summary(system: dict) -> dict:
    allt = [t for q in system["queries"] for t in q["times"]]
    return {"median": statistics.median(allt), "p95": pct(allt, 0.95), "p99": pct(allt, 0.99),
            "max": max(allt), "n": len(allt)}


# -- machine -------------------------------------------------------------------------------
def machine_info() -> dict:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    from importlib import metadata

    versions = {}
    for name in ("ydsearch", "whoosh", "rjieba", "opencc", "click", "jieba"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    import sqlite3

    versions["sqlite"] = sqlite3.sqlite_version
    git = "unknown"
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--",
                                "ydsearch"], capture_output=True, text=True).stdout.strip()
        git = head + (" (ydsearch/ had uncommitted changes)" if dirty else "")
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram,
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions, "git": git}


# -- the run -------------------------------------------------------------------------------
def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=os.environ.get(CORPUS_ENV) or str(DEFAULT_CORPUS),
                    help=f"the scale corpus (.jsonl or .jsonl.gz); env {CORPUS_ENV}; "
                         f"default {DEFAULT_CORPUS}")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true",
                      help=f"first {QUICK_ITEMS} items only, one step, no profile")
    mode.add_argument("--full", action="store_true",
                      help="also index 25%% and 50%% of the corpus (linearity)")
    ap.add_argument("--items", type=int, help="use only the first N items of the corpus")
    ap.add_argument("--reps", type=int, help="repetitions of each query (5; quick 3)")
    ap.add_argument("--cli-reps", type=int, help="runs of each CLI command (5; quick 2)")
    ap.add_argument("--jieba-reps", type=int, help="runs of the jieba load (3; quick 1)")
    ap.add_argument("--profile-items", type=int,
                    help="profile ydsearch indexing on this many items (2000; quick 0 = off)")
    ap.add_argument("--no-stock", action="store_true", help="skip the stock whoosh+jieba recipe")
    ap.add_argument("--no-fts5", action="store_true", help="skip SQLite FTS5")
    ap.add_argument("--workdir", help="where slices and indexes go (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--write", metavar="FILE", help="update the results section of FILE")
    ap.add_argument("--json", metavar="FILE", help="also dump the raw measurements as JSON")
    return ap.parse_args(argv)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    corpus = Path(args.corpus).expanduser()
    if not corpus.is_file():
        print(f"bench: scale corpus not found at {corpus} (set --corpus or {CORPUS_ENV}); "
              f"nothing to benchmark, skipping.")
        return 0
    if args.workdir:
        work = Path(args.workdir).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="ydbench-"))
    if REPO in work.parents or work == REPO:
        print(f"bench: the work directory {work} is inside the repository; refusing "
              f"(corpus slices must not land in the repo)", file=sys.stderr)
        return 2
    try:
        results = run(args, corpus, work)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
        elif not args.keep:
            for child in work.iterdir():
                if child.name.startswith(("slice-", "paragraphs-", "idx-", "fts5-", "stock-",
                                          "seed-", "profile-", "code")) or child.suffix in (
                        ".json", ".stderr"):
                    shutil.rmtree(child, ignore_errors=True) if child.is_dir() \
                        else child.unlink(missing_ok=True)
    report = render(results)
    print(report)
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    if args.write:
        write_results(Path(args.write), report)
        log(f"wrote the results section of {args.write}")
    return 0


def soft(res: dict, what: str, fn):
    """Run an optional part of the benchmark; a failure is reported, not fatal."""
    try:
        return fn()
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        log(f"{what} FAILED: {e}")
        res.setdefault("errors", []).append(f"{what}: {str(e).strip()[-600:]}")
        return None


def run(args, corpus: Path, work: Path) -> dict:
    started = time.time()
    res = {"command": "python " + shlex.join([_display_path(sys.argv[0])] + sys.argv[1:]),
           "date": _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
           "machine": machine_info(), "load_start": os.getloadavg(),
           "corpus": corpus.name, "mode": "quick" if args.quick else "full" if args.full
           else "default"}
    res["code"] = snapshot_code(work)
    log(f"work directory {work}; code snapshot {res['code']['sha256']}; "
        f"load {res['load_start'][0]:.2f}")
    sizes = scan_corpus(corpus)
    total_items = len(sizes)
    base = min(args.items or (QUICK_ITEMS if args.quick else total_items), total_items)
    fractions = FULL_FRACTIONS if args.full else (1.0,)
    res.update(corpus_items=total_items, corpus_mb=sum(sizes) / 1e6, base_items=base)
    log(f"corpus: {total_items} items, {sum(sizes) / 1e6:.1f} MB of text; using {base}")

    steps = []
    slices = {}
    for f in fractions:
        n = max(1, round(base * f))
        if n == total_items and str(corpus).endswith((".jsonl", ".jsonl.gz")):
            slices[f] = (n, corpus)
        else:
            slices[f] = (n, write_slice(corpus, n, work / f"slice-{n}.jsonl"))
    for f in fractions:
        n, path = slices[f]
        mb = sum(sizes[:n]) / 1e6
        log(f"ydsearch: indexing {n} items ({f:.0%})")
        r = run_step("lib-index", {"slice": str(path), "index": str(work / f"idx-{n}")}, work)
        r.update(fraction=f, items_requested=n, mb=mb, index_bytes=dir_size(work / f"idx-{n}"))
        steps.append(r)
        log(f"ydsearch {f:.0%}: {r['seconds']:.1f} s, {r['paragraphs']} paragraphs, "
            f"peak {r['peak_rss_kb'] / 1024:.0f} MB")
        res["linearity"] = steps
        checkpoint(args, res)
        if f != 1.0:
            shutil.rmtree(work / f"idx-{n}", ignore_errors=True)
    n, path = slices[1.0]
    mb = sum(sizes[:n]) / 1e6
    systems = {"ydsearch": steps[-1]}

    log("extracting paragraphs with ydsearch's pipeline (for stock and FTS5)")
    paras = work / f"paragraphs-{n}.jsonl"
    ex = run_step("extract", {"slice": str(path), "out": str(paras)}, work)
    for k in ("items", "paragraphs"):
        if ex[k] != systems["ydsearch"][k]:
            log(f"warning: extract saw {ex[k]} {k}, ydsearch indexed {systems['ydsearch'][k]}")
    ex.update(mb=mb)
    res["extract"] = ex
    if not args.no_stock:
        if _have("jieba"):
            log("stock whoosh + jieba ChineseAnalyzer")
            st = soft(res, "stock recipe", lambda: run_step(
                "stock", {"paragraphs": str(paras), "index": str(work / "stock-idx")}, work))
            if st:
                st.update(mb=mb, items=ex["items"], index_bytes=dir_size(work / "stock-idx"))
                systems["stock"] = st
                log(f"stock: {st['seconds']:.1f} s, peak {st['peak_rss_kb'] / 1024:.0f} MB")
        else:
            res["stock_skipped"] = "jieba is not installed (pip install jieba)"
            log("stock recipe skipped: jieba is not installed")
    if not args.no_fts5:
        log("SQLite FTS5 over ydsearch's index words")
        ft = soft(res, "FTS5", lambda: run_step(
            "fts5", {"paragraphs": str(paras), "db": str(work / "fts5-db.sqlite")}, work))
        if ft:
            ft.update(mb=mb, items=ex["items"], index_bytes=dir_size(work / "fts5-db.sqlite"))
            systems["fts5"] = ft
            log(f"fts5: {ft['seconds']:.1f} s (segmentation {ft['segment_seconds']:.1f} s)")
    res["systems"] = systems
    checkpoint(args, res)

    reps = args.reps or (3 if args.quick else 5)
    log(f"query latency: {len(QUERIES)} queries x {reps}")
    qargs = {"ydsearch": str(work / f"idx-{n}"), "reps": reps}
    if "fts5" in systems:
        qargs["fts5"] = str(work / "fts5-db.sqlite")
    if "stock" in systems:
        qargs["stock"] = str(work / "stock-idx")
    queries = {"systems": {}, "reps": reps}
    for name in ("ydsearch", "ydsearch-cached-segmenter", "fts5", "stock"):
        if name in ("fts5", "stock") and name not in qargs:
            continue
        q = soft(res, f"query latency ({name})",
                 lambda: run_step("queries", dict(qargs, system=name), work))
        if q:
            entry = q["result"]
            entry.update(peak_rss_kb=q["peak_rss_kb"], load_at_start=q["load_at_start"])
            queries["systems"][name] = entry
    res["queries"] = queries if queries["systems"] else None
    checkpoint(args, res)

    log("CLI latency")
    res["cli"] = soft(res, "CLI latency", lambda: cli_latency(args, work, n))
    checkpoint(args, res)

    prof_items = args.profile_items if args.profile_items is not None else (
        0 if args.quick else 2000)
    if prof_items:
        pn = min(prof_items, total_items)
        log(f"profiling ydsearch indexing on {pn} items")
        ppath = write_slice(corpus, pn, work / f"slice-profile-{pn}.jsonl")
        res["profile"] = soft(res, "profile", lambda: run_step(
            "profile", {"slice": str(ppath), "index": str(work / "profile-idx"), "top": 15},
            work))
        shutil.rmtree(work / "profile-idx", ignore_errors=True)
        checkpoint(args, res)
        whatif = {}
        for variant in ("asis", "nochars"):
            log(f"what-if indexing ({variant}) on {pn} items")
            idx = work / f"idx-whatif-{variant}"
            w = soft(res, f"what-if {variant}", lambda: run_step(
                "whatif", {"slice": str(ppath), "index": str(idx), "variant": variant}, work))
            if w:
                w["index_bytes"] = dir_size(idx)
                whatif[variant] = w
            shutil.rmtree(idx, ignore_errors=True)
        res["whatif"] = whatif
    res["load_end"] = os.getloadavg()
    res["elapsed_seconds"] = time.time() - started
    log(f"done in {res['elapsed_seconds'] / 60:.1f} min; load {res['load_end'][0]:.2f}")
    return res


def checkpoint(args, res):
    """Dump what was measured so far (``--json``), so a late failure loses nothing."""
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=1), "utf-8")


def cli_latency(args, work: Path, n: int) -> dict:
    seed = run_step("seed", {"index": str(work / "seed-idx")}, work)
    cli_reps = args.cli_reps or (2 if args.quick else 5)
    jieba_reps = args.jieba_reps or (1 if args.quick else 3)
    cmd, shown = ydsearch_command()
    env = {k: v for k, v in os.environ.items() if k != "YDSEARCH_INDEX"}
    cli = {"command": shown, "seed_build_seconds": seed["seconds"],
           "seed_paragraphs": seed["paragraphs"]}
    cli["python_startup"] = time_command([sys.executable, "-c", "pass"], 3, env)
    cli["seed"] = time_command(cmd + ["--index", str(work / "seed-idx"), "query", CLI_QUERY],
                               cli_reps, env)
    cli["scale"] = time_command(cmd + ["--index", str(work / f"idx-{n}"), "query", CLI_QUERY],
                                cli_reps, env)
    if _have("jieba"):
        cli["jieba"] = time_command([sys.executable, "-c", "import jieba; jieba.initialize()"],
                                    jieba_reps, env)
    return cli


def _have(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _display_path(p: str) -> str:
    try:
        return os.path.relpath(os.path.abspath(p), os.getcwd())
    except ValueError:
        return p


# -- report ----------------------------------------------------------------------------
def _f(x, nd=1):
    return "–" if x is None else f"{x:,.{nd}f}"


def _mb(kb_or_bytes, unit="kb"):
    return kb_or_bytes / 1024 if unit == "kb" else kb_or_bytes / 1024 / 1024


def render(r: dict) -> str:
    m = r["machine"]
    out = []
    v = m["versions"]
    out += [H_MACHINE, "",
            f"- date: {r['date']}; mode `{r['mode']}`; whole run {r['elapsed_seconds'] / 60:.1f} min",
            f"- command: `{r['command']}`",
            f"- machine: {m['cpu']}, {m['cores']} cores, {_f(m['ram_gb'])} GB RAM; "
            f"Python {m['python']} ({m['platform']})",
            "- packages: " + ", ".join(f"{k} {val}" for k, val in v.items()),
            f"- ydsearch code: git {m['git']}; the run used a snapshot of `ydsearch/` taken at "
            f"its start (sha256 of its files {r['code']['sha256']})",
            f"- load average (1 min) at start {r['load_start'][0]:.2f}, at end "
            f"{r['load_end'][0]:.2f}; at the start of each step in the tables' notes",
            f"- corpus: `{r['corpus']}`, {r['corpus_items']:,} items, "
            f"{r['corpus_mb']:.1f} MB of article text; this run used the first "
            f"{r['base_items']:,} items", ""]

    sysrows = r["systems"]
    out += [H_INDEXING, "",
            "Wall time of the indexing work inside the child process (imports excluded), "
            "CPU = user+system of the whole child, MB/s = MB of article text (UTF-8) of the "
            "items indexed, peak RSS = the child's `ru_maxrss` (wait4), index = bytes on disk.",
            "", INDEX_TABLE_HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    ex = r["extract"]
    names = {"ydsearch": "ydsearch `Index.add` (parse + index)",
             "stock": "stock whoosh + jieba ChineseAnalyzer",
             "fts5": "SQLite FTS5, incl. segmentation"}
    for key in ("ydsearch", "stock", "fts5"):
        s = sysrows.get(key)
        if not s:
            continue
        items = s.get("items", ex["items"])
        out.append(f"| {names[key]} | {items:,} | {s['paragraphs']:,} | {_f(s['seconds'])} "
                   f"| {_f(s['cpu_seconds'])} | {_f(s['paragraphs'] / s['seconds'], 0)} "
                   f"| {_f(s['mb'] / s['seconds'], 3)} | {_f(_mb(s['peak_rss_kb']), 0)} "
                   f"| {_f(_mb(s['index_bytes'], 'b'), 1)} |")
        if key == "fts5":
            ins = s["insert_seconds"]
            out.append(f"| SQLite FTS5, excl. segmentation (insert + commit only) | {items:,} "
                       f"| {s['paragraphs']:,} | {_f(ins)} | – | {_f(s['paragraphs'] / ins, 0)} "
                       f"| {_f(s['mb'] / ins, 3)} | – | {_f(_mb(s['index_bytes'], 'b'), 1)} |")
    out.append(f"| (ydsearch parse only: `read_documents`, no index) | {ex['items']:,} "
               f"| {ex['paragraphs']:,} | {_f(ex['seconds'])} | {_f(ex['cpu_seconds'])} "
               f"| {_f(ex['paragraphs'] / ex['seconds'], 0)} | {_f(ex['mb'] / ex['seconds'], 3)} "
               f"| {_f(_mb(ex['peak_rss_kb']), 0)} | – |")
    out.append("")
    notes = [f"{k} {s['load_at_start']:.2f}" for k, s in sysrows.items()]
    out.append("Load average at the start of each step: " + ", ".join(notes) + ".")
    if "fts5" in sysrows:
        f5 = sysrows["fts5"]
        out.append(f"FTS5: segmentation with ydsearch's `Segmenter().index_words` took "
                   f"{_f(f5['segment_seconds'])} s of the {_f(f5['seconds'])} s "
                   f"(dictionary load included).")
    if r.get("stock_skipped"):
        out.append(f"Stock recipe skipped: {r['stock_skipped']}.")
    out.append("")

    sums = {}
    out += query_sections(r, sums)
    out += cli_section(r)
    out += linearity_section(r)
    out += ratio_section(r, sums)
    out += profile_section(r)
    out += whatif_section(r)
    if r.get("errors"):
        out += ["### Errors", ""] + [f"- {e}" for e in r["errors"]] + [""]
    return "\n".join(out).rstrip() + "\n"


def query_sections(r, sums):
    out = []
    if not r.get("queries"):
        return [H_QUERY, "", "(not measured: see Errors)", ""]
    q = r["queries"]["systems"]
    out += [H_QUERY, "",
            f"{len(QUERIES)} fixed queries x {r['queries']['reps']} repetitions after one "
            f"warm-up pass (percentiles over all {len(QUERIES) * r['queries']['reps']} timings); "
            "top 10 with stored fields. Each system runs in its own child process (peak RSS "
            "= that process: index opened, 30 queries run). "
            "FTS5 and stock ignore the filters (dropped). "
            "`ydsearch-cached-segmenter` is a what-if: the same `Index.search`, with the "
            "segmenter that `Index.segmenter` re-reads from the index's schema on every call "
            "read once (patched in the benchmark's child only).", "",
            QUERY_TABLE_HEADER, "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key in ("ydsearch", "ydsearch-cached-segmenter", "fts5", "stock"):
        if key not in q:
            continue
        s = latency_summary(q[key])
        sums[key] = s
        out.append(f"| {key} | {_f(s['median'] * 1e3, 2)} | {_f(s['p95'] * 1e3, 2)} "
                   f"| {_f(s['p99'] * 1e3, 2)} | {_f(s['max'] * 1e3, 2)} "
                   f"| {_f(q[key]['open_seconds'], 3)} "
                   f"| {_f(q[key]['first_query_seconds'] * 1e3, 1)} "
                   f"| {_f(_mb(q[key]['peak_rss_kb']), 0) if 'peak_rss_kb' in q[key] else '–'} "
                   f"| {q[key].get('load_at_start', float('nan')):.2f} |")
    out.append("")

    keys = [k for k in ("ydsearch", "fts5", "stock") if k in q]
    cached = "ydsearch-cached-segmenter" in q
    head = "| # | category | query | " + " | ".join(
        f"{k} matches | {k} median ms" + (" | ydsearch cached-segmenter median ms"
                                          if k == "ydsearch" and cached else "")
        for k in keys) + " |"
    out += [H_PER_QUERY, "", "Matches = all matching paragraphs (FTS5/stock: counted apart, "
            "untimed); `*` = filters dropped for FTS5 and stock.", "", head,
            "|---:|---|---|" + "---:|---:|" * len(keys) + ("---:|" if cached else "")]
    for i, (cat, text) in enumerate(QUERIES):
        cells = []
        for k in keys:
            e = q[k]["queries"][i]
            cells += [f"{e['total']:,}", _f(statistics.median(e["times"]) * 1e3, 2)]
            if k == "ydsearch" and "ydsearch-cached-segmenter" in q:
                e = q["ydsearch-cached-segmenter"]["queries"][i]
                cells.append(_f(statistics.median(e["times"]) * 1e3, 2))
        star = " *" if has_filter(text) else ""
        out.append(f"| {i + 1} | {cat} | `{text}`{star} | " + " | ".join(cells) + " |")
    out.append("")
    return out


def cli_section(r):
    out = []
    c = r.get("cli")
    if not c:
        return [H_CLI, "", "(not measured: see Errors)", ""]
    out += [H_CLI, "",
            f"Wall time of whole processes (subprocess), one warm-up run then the median; "
            f"`{c['command']}` is the console script of this Python.", "",
            "| command | runs | median s | min s | max s | exit codes |", "|---|---:|---:|---:|---:|---|"]

    def cli_row(label, t):
        codes = ",".join(sorted({str(x) for x in t["codes"]}))
        if t["error"]:
            codes += f" ({t['error'][:80]})"
        out.append(f"| {label} | {len(t['times'])} | {_f(t['median'], 3)} "
                   f"| {_f(min(t['times']), 3)} | {_f(max(t['times']), 3)} | {codes} |")

    cli_row(f"`{c['command']} query \"{CLI_QUERY}\"` on the seed index "
            f"({c['seed_paragraphs']} paragraphs)", c["seed"])
    cli_row(f"`{c['command']} query \"{CLI_QUERY}\"` on the scale index", c["scale"])
    if "jieba" in c:
        cli_row('`python -c "import jieba; jieba.initialize()"`', c["jieba"])
    cli_row('`python -c "pass"` (interpreter start)', c["python_startup"])
    out.append("")
    if "jieba" in c:
        ratio = c["seed"]["median"] / c["jieba"]["median"]
        verdict = "meets" if ratio < 0.5 else "misses"
        out.append(f"Seed-index CLI / jieba load = {ratio:.2f} ({verdict} the < 0.5 target).")
        out.append("")
    return out


def linearity_section(r):
    out = []
    lin = r["linearity"]
    out += [H_LINEARITY, "", "| share | items | paragraphs | wall s | paragraphs/s | s per 1k items "
            "| peak RSS MB | index MB | load |", "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for s in lin:
        out.append(f"| {s['fraction']:.0%} | {s['items']:,} | {s['paragraphs']:,} "
                   f"| {_f(s['seconds'])} | {_f(s['paragraphs'] / s['seconds'], 0)} "
                   f"| {_f(s['seconds'] / max(s['items'], 1) * 1000, 2)} "
                   f"| {_f(_mb(s['peak_rss_kb']), 0)} | {_f(_mb(s['index_bytes'], 'b'), 1)} "
                   f"| {s['load_at_start']:.2f} |")
    if len(lin) == 1:
        out.append("")
        out.append("(one step only: run with `--full` for 25 % / 50 % / 100 %)")
    out.append("")
    return out


def ratio_section(r, sums):
    out = []
    sysrows = r["systems"]
    out += [H_RATIOS, "", "| ratio | indexing time | index size | median query | peak RSS |",
            "|---|---:|---:|---:|---:|"]
    y = sysrows["ydsearch"]
    for key, label in (("stock", "ydsearch / stock recipe"),
                       ("fts5", "ydsearch / FTS5 (incl. segmentation)")):
        o = sysrows.get(key)
        if not o:
            continue
        qm = (f"{sums['ydsearch']['median'] / sums[key]['median']:.2f}"
              if key in sums else "–")
        out.append(f"| {label} | {y['seconds'] / o['seconds']:.2f} "
                   f"| {y['index_bytes'] / o['index_bytes']:.2f} | {qm} "
                   f"| {y['peak_rss_kb'] / o['peak_rss_kb']:.2f} |")
    if "fts5" in sysrows:
        o = sysrows["fts5"]
        out.append(f"| ydsearch / FTS5 (excl. segmentation) | "
                   f"{y['seconds'] / o['insert_seconds']:.2f} | – | – | – |")
    out.append("")
    return out


def profile_section(r):
    out = []
    if r.get("profile"):
        p = r["profile"]
        out += [H_PROFILE, "",
                f"cProfile of `Index.create` + `Index.add` on the first {p['items']:,} items "
                f"({p['paragraphs']:,} paragraphs): {_f(p['seconds'])} s under the profiler. "
                "Top 15 by cumulative time:", "",
                "| # | function | calls | own s | cumulative s |", "|---:|---|---:|---:|---:|"]
        for i, row in enumerate(p["cumulative"], 1):
            out.append(f"| {i} | `{row['function']}` | {row['ncalls']:,} "
                       f"| {_f(row['tottime'], 2)} | {_f(row['cumtime'], 2)} |")
        out += ["", "Top 15 by own time:", "",
                "| # | function | calls | own s | cumulative s |", "|---:|---|---:|---:|---:|"]
        for i, row in enumerate(p["tottime"], 1):
            out.append(f"| {i} | `{row['function']}` | {row['ncalls']:,} "
                       f"| {_f(row['tottime'], 2)} | {_f(row['cumtime'], 2)} |")
        out.append("")
    return out


def whatif_section(r):
    w = r.get("whatif") or {}
    if not w:
        return []
    out = ["### What-if: the `chars` bigram field", "",
           "The same slice as the profile, indexed without the profiler: as shipped, and with "
           "the `chars` field removed from the schema (patched inside the benchmark's child "
           "process only; search would lose its exact-substring safety net).", "",
           "| variant | items | paragraphs | wall s | paragraphs/s | peak RSS MB | index MB |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    label = {"asis": "as shipped (words + chars)", "nochars": "without `chars`"}
    for k, v in w.items():
        out.append(f"| {label[k]} | {v['items']:,} | {v['paragraphs']:,} | {_f(v['seconds'])} "
                   f"| {_f(v['paragraphs'] / v['seconds'], 0)} | {_f(_mb(v['peak_rss_kb']), 0)} "
                   f"| {_f(_mb(v['index_bytes'], 'b'), 1)} |")
    out.append("")
    return out


def write_results(path: Path, report: str):
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


if __name__ == "__main__":
    sys.exit(main())
