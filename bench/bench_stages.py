"""The stages of one benchmark run; each adds its measurements to ``run.res``.

(a) ``stage_small``: the first 2,000 items, ydsearch vs the stock recipe and FTS5;
(b) ``stage_corpus``: the base slice (the whole corpus by default), same systems;
(c) ``stage_queries``: in-process latency on (b)'s indexes, each system in a child;
(d) ``stage_cli``: whole ``ydsearch query`` processes on (b)'s index and the seeds;
(e) ``stage_linearity``: ``--full``, ydsearch on 25 % and 50 % of the base slice;
``stage_profile``: cProfile of ``Index.add`` on (a)'s slice; ``stage_hook``:
``--quality`` and ``--web`` (see :mod:`bench_hooks`).
"""
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import bench_hooks
from bench_child import log, run_step, time_command
from bench_corpus import dir_size, remove, slice_for
from bench_queries import ALL_QUERIES

SMALL_ITEMS = 2000
LINEARITY = (0.25, 0.5)
CLI_QUERY = "生态绿色"


@dataclass
class Run:
    args: object
    corpus: Path
    work: Path
    sizes: list
    base: int
    res: dict

    @property
    def total(self) -> int:
        return len(self.sizes)

    def soft(self, what: str, fn):
        """Run an optional part; a failure is reported in the results, not fatal."""
        try:
            return fn()
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            log(f"{what} FAILED: {e}")
            self.res.setdefault("errors", []).append(f"{what}: {str(e).strip()[-600:]}")
            return None

    def checkpoint(self):
        """Dump what was measured so far (``--json``), so a late failure loses nothing."""
        if self.args.json:
            Path(self.args.json).write_text(json.dumps(self.res, ensure_ascii=False, indent=1),
                                            "utf-8")


def have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def index_ydsearch(run: Run, n: int, keep: bool = True) -> dict:
    path = slice_for(run.corpus, n, run.total, run.work)
    idx = run.work / f"idx-{n}"
    remove(idx)
    log(f"ydsearch: indexing {n:,} items")
    r = run_step("lib-index", {"slice": str(path), "index": str(idx),
                               "workers": run.args.workers}, run.work)
    r.update(items_requested=n, mb=sum(run.sizes[:n]) / 1e6, index_bytes=dir_size(idx),
             index_path=str(idx))
    log(f"ydsearch {n:,} items: {r['seconds']:.1f} s, {r['paragraphs']:,} paragraphs, "
        f"main {r['self_maxrss_kb'] / 1024:.0f} MB, "
        f"workers {r['children_maxrss_kb'] / 1024:.0f} MB, "
        f"index {r['index_bytes'] / 2**20:.0f} MB")
    if not keep:
        remove(idx)
    return r


def index_systems(run: Run, n: int) -> dict:
    """ydsearch, its parse alone, the stock recipe and FTS5 on the first ``n`` items."""
    args, work = run.args, run.work
    mb = sum(run.sizes[:n]) / 1e6
    out = {"items": n, "mb": mb, "systems": {}}
    out["systems"]["ydsearch"] = index_ydsearch(run, n)
    log(f"extracting the paragraphs of {n:,} items with ydsearch's pipeline")
    paras = work / f"paragraphs-{n}.jsonl"
    ex = run_step("extract", {"slice": str(slice_for(run.corpus, n, run.total, work)),
                              "out": str(paras)}, work)
    ex.update(mb=mb)
    out["extract"] = ex
    y = out["systems"]["ydsearch"]
    if ex["paragraphs"] != y["paragraphs"]:
        log(f"note: the parse saw {ex['paragraphs']} paragraphs, ydsearch indexed "
            f"{y['paragraphs']}")
    if args.no_stock:
        out["stock_skipped"] = "--no-stock"
    elif not have("jieba"):
        out["stock_skipped"] = "jieba is not installed (pip install -e '.[bench]')"
    else:
        log(f"stock whoosh + jieba on {ex['paragraphs']:,} paragraphs")
        idx = work / f"stock-{n}"
        st = run.soft(f"stock recipe ({n} items)", lambda: run_step(
            "stock", {"paragraphs": str(paras), "index": str(idx)}, work))
        if st:
            st.update(mb=mb, items=ex["items"], index_bytes=dir_size(idx), index_path=str(idx))
            out["systems"]["stock"] = st
            log(f"stock: {st['seconds']:.1f} s, peak {st['peak_rss_kb'] / 1024:.0f} MB")
    if not args.no_fts5:
        log("SQLite FTS5 over ydsearch's index words")
        db = work / f"fts5-{n}.sqlite"
        ft = run.soft(f"FTS5 ({n} items)", lambda: run_step(
            "fts5", {"paragraphs": str(paras), "db": str(db)}, work))
        if ft:
            ft.update(mb=mb, items=ex["items"], index_bytes=dir_size(db), index_path=str(db))
            out["systems"]["fts5"] = ft
            log(f"fts5: {ft['seconds']:.1f} s (segmentation {ft['segment_seconds']:.1f} s)")
    remove(paras)
    return out


def small_items(run: Run) -> int:
    return min(run.args.small_items or SMALL_ITEMS, run.base)


def stage_small(run: Run):
    n = small_items(run)
    run.res["small"] = index_systems(run, n)
    run.checkpoint()


def stage_corpus(run: Run):
    if run.base == small_items(run):
        run.res["corpus"] = dict(run.res["small"], same_as_small=True)
    else:
        for key in ("ydsearch", "stock", "fts5"):  # (a)'s indexes are not used again
            path = run.res["small"]["systems"].get(key, {}).get("index_path")
            if path:
                remove(Path(path))
        run.res["corpus"] = index_systems(run, run.base)
    run.checkpoint()


def stage_queries(run: Run):
    systems = run.res["corpus"]["systems"]
    reps = run.args.reps or (2 if run.args.quick else 10)
    log(f"query latency: {len(ALL_QUERIES)} queries x {reps}, each system in its own process")
    out = {"reps": reps, "items": run.res["corpus"]["items"], "systems": {}}
    for name in ("ydsearch", "fts5", "stock"):
        if name not in systems:
            continue
        a = {"system": name, "reps": reps, name: systems[name]["index_path"]}
        q = run.soft(f"query latency ({name})", lambda: run_step("queries", a, run.work))
        if q:
            out["systems"][name] = q
    run.res["queries"] = out if out["systems"] else None
    run.checkpoint()


def ydsearch_command():
    script = Path(sys.executable).parent / "ydsearch"
    if script.exists():
        return [str(script)], "ydsearch"
    return [sys.executable, "-m", "ydsearch"], "python -m ydsearch"


def stage_cli(run: Run):
    def measure():
        seed_idx = run.work / "seed-idx"
        seed = run_step("seed", {"index": str(seed_idx)}, run.work)
        reps = run.args.cli_reps or (2 if run.args.quick else 7)
        cmd, shown = ydsearch_command()
        env = {k: v for k, v in os.environ.items() if k != "YDSEARCH_INDEX"}
        big = run.res["corpus"]["systems"]["ydsearch"]
        out = {"command": shown, "reps": reps, "seed_paragraphs": seed["paragraphs"],
               "seed_index": str(seed_idx), "scale_items": run.res["corpus"]["items"],
               "scale_paragraphs": big["paragraphs"]}
        log(f"CLI: {reps} runs of each command after a warm-up")
        out["python_startup"] = time_command([sys.executable, "-c", "pass"], reps, env)
        out["seed"] = time_command(cmd + ["--index", str(seed_idx), "query", CLI_QUERY],
                                   reps, env)
        out["scale"] = time_command(cmd + ["--index", big["index_path"], "query", CLI_QUERY],
                                    reps, env)
        if have("jieba"):
            out["jieba"] = time_command(
                [sys.executable, "-c", "import jieba; jieba.setLogLevel(60); jieba.initialize()"],
                max(1, reps // 2), env)
        return out

    run.res["cli"] = run.soft("CLI latency", measure)
    run.checkpoint()


def stage_linearity(run: Run):
    steps = []
    for f in LINEARITY:
        n = max(1, round(run.base * f))
        r = run.soft(f"linearity {f:.0%}", lambda: index_ydsearch(run, n, keep=False))
        if r:
            steps.append(dict(r, fraction=f))
            remove(run.work / f"slice-{n}.jsonl")
        run.res["linearity"] = steps
        run.checkpoint()
    steps.append(dict(run.res["corpus"]["systems"]["ydsearch"], fraction=1.0))
    run.res["linearity"] = steps
    run.checkpoint()


def stage_profile(run: Run):
    n = run.args.profile_items if run.args.profile_items is not None else (
        0 if run.args.quick else SMALL_ITEMS)
    if not n:
        return
    n = min(n, run.total)
    log(f"profiling ydsearch indexing (workers=1) on {n:,} items")
    path = slice_for(run.corpus, n, run.total, run.work)
    idx = run.work / "profile-idx"
    run.res["profile"] = run.soft("profile", lambda: run_step(
        "profile", {"slice": str(path), "index": str(idx), "top": 15}, run.work))
    remove(idx)
    run.checkpoint()


def stage_hook(run: Run, name: str):
    hooks = run.res.setdefault("hooks", {})
    if not bench_hooks.available(name):
        hooks[name] = bench_hooks.not_available(name)
        log(f"--{name}: {hooks[name]['why']}; recorded as not available")
        return
    cli = run.res.get("cli") or {}
    ctx = {"index": run.res["corpus"]["systems"]["ydsearch"]["index_path"],
           "whole_corpus": run.base == run.total, "seed_index": cli.get("seed_index"),
           "corpus": str(run.corpus), "items": run.base, "work": str(run.work / f"hook-{name}"),
           "reps": run.args.reps or (2 if run.args.quick else 5), "quick": run.args.quick}
    if not ctx["seed_index"]:
        ctx["seed_index"] = str(run.work / "seed-idx")
        run_step("seed", {"index": ctx["seed_index"]}, run.work)
    log(f"--{name}: running bench/{bench_hooks.module_path(name).name}")
    r = run.soft(f"--{name}", lambda: run_step("hook", {"name": name, "ctx": ctx}, run.work))
    hooks[name] = r or {"status": "failed"}
    run.checkpoint()
