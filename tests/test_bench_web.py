"""The web step of the benchmark runs on the seeds and reports every step (no timing thresholds)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_web_bench_reports_page_api_and_library_times(tmp_path):
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from bench_queries import QUERIES
    finally:
        sys.path.remove(str(REPO / "bench"))
    out = tmp_path / "web.json"
    p = subprocess.run([sys.executable, str(REPO / "bench" / "bench_web.py"), "--reps", "1",
                        "--json", str(out)], capture_output=True, text=True, timeout=600,
                       stdin=subprocess.DEVNULL, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-3000:]
    assert "### Web page and API (ydsearch serve)" in p.stdout
    assert "| step | median ms | p95 ms | max ms | runs |" in p.stdout
    steps = ["Index.search", "Index.search facets", "page (in process)", "page (HTTP)",
             "/api/search (HTTP)"]
    for step in steps:
        assert f"| {step} | " in p.stdout
    data = json.loads(out.read_text("utf-8"))
    assert list(data["steps"]) == steps
    assert len(data["per_query"]) == len(QUERIES)
    assert {row["status"] for row in data["per_query"]} == {200}
    assert data["paragraphs"] == 115
    assert not list(REPO.joinpath("bench").glob("*.json"))      # nothing left in the repo
