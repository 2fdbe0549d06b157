"""Optional stages that other modules fill: ``--quality`` and ``--web``.

Each hook names a module of ``bench/``.  When the module is absent the stage is
recorded as *not available* (and the run goes on); when it is present, it runs
in its own child process (``bench_steps.py hook``), on the snapshot of the code
and the indexes this run built.

The contract for a hook module, preferred: a function ``bench_stage(ctx)``
taking a dict with

* ``index``: the ydsearch index of this run's base slice (the whole corpus
  unless ``--items``/``--quick``), ``whole_corpus``: whether it is;
* ``seed_index``: an index of the bundled seed articles;
* ``corpus``: the scale corpus path, ``items``: the items indexed;
* ``work``: a folder of its own in the run's work directory (caches);
* ``reps``: repetitions, ``quick``: whether this is a ``--quick`` run;

and returning a JSON-serialisable dict whose ``markdown`` (optional) is the
body of the hook's section in the report.  Without ``bench_stage``, the
modules' present library functions are used (see ``_quality`` and ``_web``).
"""
import importlib
import importlib.util
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

HOOKS = {
    "quality": {"module": "quality", "title": "### Ranking quality (`--quality`)",
                "what": "nDCG@10 and recall@10 of ydsearch and a bigram baseline on the "
                        "judged sets"},
    "web": {"module": "bench_web", "title": "### Web page and API (`--web`)",
            "what": "a page and `/api/search` of `ydsearch serve` beside `Index.search`"},
}


def module_path(name: str) -> Path:
    return HERE / f"{HOOKS[name]['module']}.py"


def available(name: str) -> bool:
    return module_path(name).is_file()


def not_available(name: str) -> dict:
    return {"status": "not available",
            "why": f"bench/{module_path(name).name} is not in this checkout"}


def run_hook(a: dict) -> dict:
    """In the child: import the hook's module and run it (see the module docstring)."""
    name = a["name"]
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    if importlib.util.find_spec(HOOKS[name]["module"]) is None:
        return not_available(name)
    mod = importlib.import_module(HOOKS[name]["module"])
    ctx = dict(a["ctx"])
    os.makedirs(ctx["work"], exist_ok=True)
    if hasattr(mod, "bench_stage"):
        data = mod.bench_stage(ctx)
    else:
        data = {"quality": _quality, "web": _web}[name](mod, ctx)
    return {"status": "ok", "result": data}


def _quality(mod, ctx) -> dict:
    """``quality.py``'s library API: each judged set, ydsearch and the baseline."""
    from quality_rankers import make_ranker

    from ydsearch.engine.index import Index

    sets, lines = {}, ["| set | ranker | queries | nDCG@10 | recall@10 | judged@10 | "
                       "holdout nDCG@10 | holdout recall@10 |", "|---|---|---:|---:|---:|---:"
                       "|---:|---:|"]
    plan = [("seeds", ctx["seed_index"])]
    if ctx.get("whole_corpus"):
        plan.append(("scale", ctx["index"]))
    for set_name, index_path in plan:
        jset, paras = mod.load_evaluation_set(set_name, ctx["corpus"], ctx["work"])
        index = Index.open(index_path)
        try:
            runs = {}
            for ranker_name in ("ydsearch", "baseline"):
                ranker = make_ranker(ranker_name, paras, index=index)
                runs[ranker_name] = mod.summarise(mod.evaluate(jset, ranker))
        finally:
            index.close()
        sets[set_name] = runs
        for ranker_name, s in runs.items():
            a, h = s["all"]["overall"], s["holdout"]["overall"]
            lines.append(f"| {set_name} | {ranker_name} | {a['queries']} | {_f(a['ndcg'])} "
                         f"| {_f(a['recall'])} | {_f(a['judged'])} | {_f(h['ndcg'])} "
                         f"| {_f(h['recall'])} |")
    if not ctx.get("whole_corpus"):
        lines += ["", "(the scale set needs the whole-corpus index: not run)"]
    return {"sets": sets, "markdown": "\n".join(lines)}


def _web(mod, ctx) -> dict:
    """``bench_web.py``'s ``run(index, reps)`` and ``report(result)``."""
    res = mod.run(Path(ctx["index"]), int(ctx["reps"]))
    return {"web": res, "markdown": mod.report(res)}


def _f(v) -> str:
    return "–" if v is None else f"{v:.3f}"
