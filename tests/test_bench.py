"""The benchmark script runs end to end (``--quick``) and writes its report.

No timing thresholds here: numbers depend on the machine and its load; the
targets are discussed in BENCHMARKS.md.  The end-to-end test needs the scale
corpus (``../shared/corpora/scale`` or ``$YDSEARCH_SCALE_CORPUS``) and is
skipped without it.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUN = REPO / "bench" / "run.py"
CORPUS = Path(os.environ.get("YDSEARCH_SCALE_CORPUS")
              or REPO.parent / "shared" / "corpora" / "scale" / "xwlb_2017_2026.jsonl.gz")

HEADINGS = [
    "### Machine and run",
    "### Indexing",
    "### Query latency (in process, warm)",
    "### Per query",
    "### Whole-process CLI latency",
    "### Linearity (ydsearch)",
    "### Ratios",
]
TABLE_HEADERS = [
    "| system | items | paragraphs | wall s | CPU s | paragraphs/s | MB/s | peak RSS MB | index MB |",
    "| system | median ms | p95 ms | p99 ms | max ms | open s | first query ms | peak RSS MB | load |",
    "| command | runs | median s | min s | max s | exit codes |",
    "| ratio | indexing time | index size | median query | peak RSS |",
]


@pytest.fixture(scope="module")
def bench_modules():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import bench_queries
        import run
        yield run, bench_queries
    finally:
        sys.path.remove(str(REPO / "bench"))


def test_missing_corpus_skips_cleanly(tmp_path):
    p = subprocess.run([sys.executable, str(RUN), "--corpus", str(tmp_path / "absent.jsonl.gz")],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "not found" in p.stdout and "skipping" in p.stdout


def test_fixed_query_set(bench_modules):
    _, bq = bench_modules
    assert len(bq.QUERIES) == 30
    assert len({q for _, q in bq.QUERIES}) == 30


def test_fts5_translation(bench_modules):
    _, bq = bench_modules
    from ydsearch.engine.segmenter import Segmenter

    seg = Segmenter()
    assert bq.fts5_query("讲话 speaker:习近平", seg) == '"讲话"'          # filter dropped
    assert bq.fts5_query("創新 OR 改革", seg) == '("创新" OR "改革")'     # normalised
    assert bq.fts5_query("经济 -疫情", seg) == '("经济" NOT "疫情")'
    words = [w.text for w in seg.query_words("推动长三角一体化发展")]
    assert len(words) > 1
    assert bq.fts5_query('"推动長三角一體化發展"', seg) == '"' + " ".join(words) + '"'
    assert bq.fts5_query("推动长三角一体化发展", seg) == \
        "(" + " AND ".join(f'"{w}"' for w in words) + ")"
    assert bq.stock_query("经济 -疫情") == "经济 NOT 疫情"
    assert bq.stock_query("发展 year:2020..2021") == "发展"


def test_fts5_split_keeps_phrases_contiguous(bench_modules):
    from ydsearch.engine.segmenter import Segmenter

    sys.path.insert(0, str(REPO / "bench"))
    try:
        import bench_steps
    finally:
        sys.path.remove(str(REPO / "bench"))
    seg = Segmenter()
    text = "推动长三角一体化发展"
    words, subs = bench_steps.split_words(seg, text)
    assert "".join(words.split()) == text
    assert all(s in text for s in subs.split())


def test_write_replaces_only_the_results_section(bench_modules, tmp_path):
    run, _ = bench_modules
    f = tmp_path / "B.md"
    f.write_text(f"# B\n\nintro\n\n{run.START_MARK}\nold\n{run.END_MARK}\n\n## Notes\nkept\n",
                 "utf-8")
    run.write_results(f, "### Indexing\nnew\n")
    text = f.read_text("utf-8")
    assert "intro" in text and "kept" in text and "new" in text and "old" not in text
    run.write_results(f, "### Indexing\nnewer\n")
    assert f.read_text("utf-8").count(run.START_MARK) == 1


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason=f"scale corpus not found at {CORPUS}")
def test_quick_run_reports_every_table(tmp_path):
    out = tmp_path / "BENCH.md"
    p = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--corpus", str(CORPUS), "--reps", "1",
         "--workdir", str(tmp_path / "work"), "--write", str(out)],
        capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr[-3000:]
    report = p.stdout
    for h in HEADINGS + TABLE_HEADERS:
        assert h in report, f"missing {h!r} in the report"
    assert "### Errors" not in report, report[report.find("### Errors"):]
    assert "| ydsearch `Index.add` (parse + index) | 300 |" in report
    written = out.read_text("utf-8")
    assert "<!-- bench:results:start -->" in written and "### Indexing" in written
    # the corpus slices stay in the work directory, never in the repository
    assert not any(REPO.joinpath("bench").glob("slice-*"))
