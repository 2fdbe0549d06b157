"""The benchmark script runs end to end (``--quick``) and writes its report.

No timing thresholds here: numbers depend on the machine and its load; the
report's targets table compares them with the issue's targets.  The
end-to-end test needs the scale corpus (``shared/corpora/scale`` beside the
checkout or a parent folder, or ``$YDSEARCH_SCALE_CORPUS``) and is skipped
without it.
"""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RUN = BENCH / "run.py"

HEADINGS = [
    "### Machine and run",
    "### Targets",
    "### Indexing: 2,000 items",
    "### Indexing: whole corpus",
    "### Query latency (in process, warm)",
    "### Per query",
    "### Whole-process `ydsearch query`",
    "### Linearity (ydsearch)",
    "### Ratios",
]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))
    try:
        import bench_child
        import bench_corpus
        import bench_hooks
        import bench_queries
        import bench_report
        import bench_steps
        import bench_targets
        import run
        yield type("Bench", (), dict(
            run=run, queries=bench_queries, report=bench_report, targets=bench_targets,
            hooks=bench_hooks, child=bench_child, corpus=bench_corpus, steps=bench_steps))
    finally:
        sys.path.remove(str(BENCH))


def _corpus() -> Path:
    sys.path.insert(0, str(BENCH))
    try:
        from bench_corpus import default_corpus
        return Path(default_corpus())
    finally:
        sys.path.remove(str(BENCH))


CORPUS = _corpus()


def test_missing_corpus_skips_cleanly(tmp_path):
    p = subprocess.run([sys.executable, str(RUN), "--corpus", str(tmp_path / "absent.jsonl.gz")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "not found" in p.stdout and "skipping" in p.stdout


def test_workdir_inside_the_repository_is_refused(tmp_path):
    corpus = tmp_path / "c.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', "utf-8")
    p = subprocess.run([sys.executable, str(RUN), "--corpus", str(corpus), "--workdir",
                        str(REPO / "bench" / "work-here")], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 2 and "inside the repository" in p.stderr
    assert not (REPO / "bench" / "work-here").exists()


def test_fixed_query_set_and_single_characters(bench):
    bq = bench.queries
    assert len(bq.QUERIES) == 30
    assert len({q for _, q in bq.QUERIES}) == 30
    assert bq.ALL_QUERIES[:30] == bq.QUERIES
    assert [q for _, q in bq.SINGLE_CHARS] == ["的", "会", "中"]
    assert {c for c, _ in bq.SINGLE_CHARS} == {"single-char"}
    assert not {c for c, _ in bq.QUERIES} & {"single-char"}


def test_fts5_translation(bench):
    bq = bench.queries
    from ydsearch.engine.segmenter import Segmenter

    seg = Segmenter()
    assert bq.fts5_query("讲话 speaker:习近平", seg) == '"讲话"'          # filter dropped
    assert bq.fts5_query("創新 OR 改革", seg) == '("创新" OR "改革")'     # normalised
    assert bq.fts5_query("经济 -疫情", seg) == '("经济" NOT "疫情")'
    assert bq.fts5_query("的", seg) == '"的"'
    words = [w.text for w in seg.query_words("推动长三角一体化发展")]
    assert len(words) > 1
    assert bq.fts5_query('"推动長三角一體化發展"', seg) == '"' + " ".join(words) + '"'
    assert bq.fts5_query("推动长三角一体化发展", seg) == \
        "(" + " AND ".join(f'"{w}"' for w in words) + ")"
    assert bq.stock_query("经济 -疫情") == "经济 NOT 疫情"
    assert bq.stock_query("发展 year:2020..2021") == "发展"


def test_fts5_split_keeps_phrases_contiguous(bench):
    from ydsearch.engine.segmenter import Segmenter

    text = "推动长三角一体化发展"
    words, subs = bench.steps.split_words(Segmenter(), text)
    assert "".join(words.split()) == text
    assert all(s in text for s in subs.split())


def test_percentiles(bench):
    c = bench.child
    assert c.pct([1, 2, 3, 4, 5], 0.5) == 3
    assert c.pct([1, 2], 0.95) == pytest.approx(1.95)
    s = c.latency_summary([{"times": [0.001, 0.003]}, {"times": [0.002]}])
    assert s["median"] == 0.002 and s["max"] == 0.003 and s["n"] == 3


def test_write_replaces_only_the_results_section(bench, tmp_path):
    run = bench.run
    f = tmp_path / "B.md"
    f.write_text(f"# B\n\nintro\n\n{run.START_MARK}\nold\n{run.END_MARK}\n\n## Notes\nkept\n",
                 "utf-8")
    run.write_results(f, "### Indexing\nnew\n")
    text = f.read_text("utf-8")
    assert "intro" in text and "kept" in text and "new" in text and "old" not in text
    run.write_results(f, "### Indexing\nnewer\n")
    assert f.read_text("utf-8").count(run.START_MARK) == 1


def _result(items, total, seconds=100.0, main_kb=400 * 1024, disk=300 * 2**20,
            median=0.010, stock_small=10.0):
    y = {"seconds": seconds, "self_maxrss_kb": main_kb, "children_maxrss_kb": 200 * 1024,
         "tree_peak_pss_kb": 500 * 1024, "index_bytes": disk}
    times = [median] * 5
    return {
        "base_items": items, "corpus_items": total,
        "corpus": {"items": items, "systems": {"ydsearch": y}},
        "small": {"items": 2000, "systems": {"ydsearch": {"seconds": 4.0},
                                             "stock": {"seconds": stock_small}}},
        "queries": {"systems": {"ydsearch": {"queries": [{"times": times}]},
                                "fts5": {"queries": [{"times": [median / 2] * 5}]}}},
        "cli": {"scale": {"median": 0.3, "median_rss_kb": 150 * 1024, "codes": [0, 0]}},
    }


def test_targets_met_missed_and_not_measured(bench):
    t = bench.targets
    rows = t.check(_result(36729, 36729))
    verdicts = [v for _, _, v in rows]
    assert t.MISSED not in verdicts and t.NOT_MEASURED not in verdicts
    assert any("FTS5" in target and "2.00x" in measured for target, measured, _ in rows)

    rows = t.check(_result(36729, 36729, seconds=200.0, main_kb=900 * 1024, median=0.02,
                           stock_small=5.0))
    missed = [target for target, _, v in rows if v == t.MISSED]
    assert any("180 s" in m for m in missed) and any("800 MB" in m for m in missed)
    assert any("0.5x" in m for m in missed) and any("median" in m for m in missed)

    # on a slice, corpus-scale targets are not measured, never met
    rows = t.check(_result(300, 36729))
    assert all(v != t.MET for target, _, v in rows if "2,000" not in target)
    assert all("not the whole corpus" in m for _, m, v in rows if v == t.NOT_MEASURED)


def test_hook_absent_is_recorded_as_not_available(bench, monkeypatch, tmp_path):
    hooks = bench.hooks
    monkeypatch.setitem(hooks.HOOKS, "quality", dict(hooks.HOOKS["quality"],
                                                     module="no_such_quality_module"))
    assert not hooks.available("quality")
    r = hooks.run_hook({"name": "quality", "ctx": {"work": str(tmp_path / "w")}})
    assert r["status"] == "not available" and "no_such_quality_module.py" in r["why"]
    section = "\n".join(bench.report.hook_section("quality", r))
    assert section.startswith(hooks.HOOKS["quality"]["title"]) and "Not available" in section


def test_hook_module_with_bench_stage_is_called(bench, monkeypatch, tmp_path):
    hooks = bench.hooks
    (tmp_path / "fake_web_hook.py").write_text(
        "def bench_stage(ctx):\n"
        "    return {'markdown': '| a |\\n|---|\\n| ' + ctx['index'] + ' |'}\n",
        "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(hooks.HOOKS, "web", dict(hooks.HOOKS["web"], module="fake_web_hook"))
    r = hooks.run_hook({"name": "web", "ctx": {"work": str(tmp_path / "w"), "index": "IDX"}})
    assert r["status"] == "ok"
    assert "| IDX |" in "\n".join(bench.report.hook_section("web", r))


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason=f"scale corpus not found at {CORPUS}")
def test_quick_run_reports_every_section(bench, tmp_path):
    out = tmp_path / "BENCH.md"
    out.write_text(f"# B\n\n{bench.run.START_MARK}\nSTALE-RESULTS\n{bench.run.END_MARK}\n", "utf-8")
    p = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--corpus", str(CORPUS), "--reps", "1",
         "--cli-reps", "1", "--workdir", str(tmp_path / "work"), "--write", str(out),
         "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr[-3000:]
    report = p.stdout
    r = bench.report
    for h in HEADINGS + [r.TARGETS_HEADER, r.INDEX_HEADER, r.QUERY_HEADER, r.CLI_HEADER,
                         r.RATIO_HEADER]:
        assert h in report, f"missing {h!r} in the report"
    assert "### Errors" not in report, report[report.find("### Errors"):]
    assert "| ydsearch `Index.add` (" in report and "| 300 | " in report
    for q in ("`的`", "`会`", "`中`"):
        assert f"| single-char | {q} |" in report
    # a slice is not the whole corpus: no corpus-scale target can be met
    targets = report[report.find("### Targets"):report.find("### Indexing")]
    assert "| met |" not in targets and "| not measured |" in targets
    written = out.read_text("utf-8")
    assert "STALE-RESULTS" not in written and "### Targets" in written
    assert (tmp_path / "r.json").is_file()
    # the work directory is emptied and nothing lands in the repository
    assert not any((tmp_path / "work").iterdir())
    assert not any(BENCH.glob("slice-*")) and not any(BENCH.glob("paragraphs-*"))
