"""Child processes of the benchmark: one measured step each, and timed commands.

Every measured step runs ``bench_steps.py STEP ARGS.json RESULT.json`` in its
own process, so its peak RSS is its own.  The parent waits for it with
``os.wait4``, whose ``rusage`` covers the child *and* the processes it reaped
(ydsearch's worker pool): CPU is therefore the whole tree's, and the tree's
``ru_maxrss`` is the largest single process of it.  The child reports its own
peak (``RUSAGE_SELF``) and its reaped children's (``RUSAGE_CHILDREN``) apart.
"""
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def log(msg: str):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class KilledBySignal(Exception):
    def __init__(self, sig):
        super().__init__(sig)
        self.signal = sig


def run_step(step: str, args: dict, work: Path, retries: int = 1) -> dict:
    """Run one ``bench_steps.py`` step in a child; add wall time, CPU and peak RSS.

    A child killed by a signal (the machine is shared) is run again once, and
    the result says so.
    """
    for attempt in range(retries + 1):
        try:
            r = _run_step_once(step, args, work)
            if attempt:
                r["attempts"] = attempt + 1
            return r
        except KilledBySignal as e:
            log(f"step {step} was killed by signal {e.signal}"
                + ("; running it again" if attempt < retries else ""))
            if attempt == retries:
                raise RuntimeError(f"step {step} killed by signal {e.signal} "
                                   f"({attempt + 1} attempts)")
            for key in ("index", "db"):
                if args.get(key):
                    target = Path(args[key])
                    shutil.rmtree(target, ignore_errors=True) if target.is_dir() \
                        else target.unlink(missing_ok=True)


def _run_step_once(step: str, args: dict, work: Path) -> dict:
    tag = f"{step}-{abs(hash(json.dumps(args, sort_keys=True))) % 10**8}"
    args_path, result_path = work / f"{tag}.args.json", work / f"{tag}.result.json"
    args_path.write_text(json.dumps(args), encoding="utf-8")
    result_path.unlink(missing_ok=True)
    err_path = work / f"{tag}.stderr"
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    with open(err_path, "wb") as err:
        proc = subprocess.Popen([sys.executable, str(HERE / "bench_steps.py"), step,
                                 str(args_path), str(result_path)],
                                stdin=subprocess.DEVNULL, stdout=err, stderr=err,
                                env=dict(os.environ))
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode < 0:
        raise KilledBySignal(-proc.returncode)
    if proc.returncode != 0 or not result_path.exists():
        tail = err_path.read_text("utf-8", "replace").strip().splitlines()[-15:]
        raise RuntimeError(f"step {step} failed (exit {proc.returncode}):\n" + "\n".join(tail))
    result = json.loads(result_path.read_text("utf-8"))
    result["process_wall_seconds"] = wall
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    # the child's own peak; wait4's ru_maxrss is the largest process of the tree
    result["peak_rss_kb"] = result.get("self_maxrss_kb") or usage.ru_maxrss
    result["tree_max_rss_kb"] = usage.ru_maxrss
    result["load_at_start"] = load
    result["load_at_end"] = os.getloadavg()[0]
    return result


def run_command(cmd, env=None) -> dict:
    """One whole process: wall time, peak RSS (``wait4``), exit code, output size."""
    with tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fout, stderr=ferr,
                                env=env)
        _, status, usage = os.wait4(proc.pid, 0)   # reaps it: its own rusage
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        fout.seek(0)
        ferr.seek(0)
        out, err = fout.read(), ferr.read()
    return {"seconds": wall, "rss_kb": usage.ru_maxrss, "code": proc.returncode,
            "stdout_lines": len(out.splitlines()),
            "error": (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
            if proc.returncode else ""}


def time_command(cmd, reps: int, env=None, warmup: int = 1) -> dict:
    """``warmup`` unmeasured runs, then ``reps`` runs: times, peak RSS of each, medians."""
    runs = [run_command(cmd, env) for _ in range(warmup + reps)][warmup:]
    times = [r["seconds"] for r in runs]
    rss = [r["rss_kb"] for r in runs]
    return {"times": times, "rss_kb": rss, "median": statistics.median(times),
            "median_rss_kb": statistics.median(rss), "codes": [r["code"] for r in runs],
            "error": next((r["error"] for r in runs if r["error"]), ""),
            "stdout_lines": runs[-1]["stdout_lines"]}


# -- statistics ----------------------------------------------------------------------
def pct(values, q: float) -> float:
    """Percentile with linear interpolation between the closest ranks."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = (len(v) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def latency_summary(queries) -> dict:
    """Median, p95, p99 and max over every timing of the given per-query entries."""
    allt = [t for q in queries for t in q["times"]]
    if not allt:
        return {"median": float("nan"), "p95": float("nan"), "p99": float("nan"),
                "max": float("nan"), "n": 0}
    return {"median": statistics.median(allt), "p95": pct(allt, 0.95), "p99": pct(allt, 0.99),
            "max": max(allt), "n": len(allt)}
