"""Tests of the ``ydsearch`` command line (click's CliRunner, stdout and stderr apart)."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_helpers import headers, invoke, isolated, one_error_line, yd  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
HIT_FIELDS = {"rank", "score", "id", "doc_id", "index", "kind", "text", "text_simplified",
              "speaker", "speaker_role", "title", "meeting", "meeting_date", "year", "city",
              "province", "source", "published", "path", "url", "date", "date_kind",
              "highlights", "snippet", "snippet_highlights"}
DOC_FIELDS = {"doc_id", "title", "published", "source", "url", "meeting", "meeting_date",
              "meeting_end_date", "year", "city", "province", "script", "attendees", "path",
              "content_hash", "paragraphs", "date", "date_kind", "meeting_id", "line"}
PARAGRAPH_FIELDS = {"id", "index", "kind", "text", "text_simplified", "speaker", "speaker_role"}


# -- help, version, imports -------------------------------------------------------------
def test_help_and_version():
    r = invoke("--help")
    assert r.exit_code == 0 and "Examples" in r.stdout and "_YDSEARCH_COMPLETE" in r.stdout
    for name in ("index", "query", "show", "parse", "speakers", "meetings", "stats", "trend"):
        assert name in r.stdout
        sub = invoke(name, "--help")
        assert sub.exit_code == 0 and "Examples:" in sub.stdout and sub.stderr == ""
    r = invoke("--version")
    assert r.exit_code == 0 and r.stdout.strip() == "ydsearch 0.1.0"
    r = invoke()
    assert r.exit_code == 0 and "Commands:" in r.stdout


def test_help_imports_nothing_heavy():
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "import ydsearch.cli.app\n"
        "for args in (['--help'], ['--version'], ['query', '--help'], ['trend', '--help']):\n"
        "    r = CliRunner().invoke(ydsearch.cli.app.cli, args)\n"
        "    assert r.exit_code == 0, r.output\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "('whoosh', 'rjieba', 'jieba', 'opencc')]\n"
        "print(heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# -- query ----------------------------------------------------------------------------
def test_query_finds_ecological_green(yd):
    r = yd("query", "生态绿色", "-n", 20)
    assert r.exit_code == 0, r.stderr
    for doc in ("001_c5f8348639d988a3#", "002_5193d941dd620fcc#", "003_dc0062237cc1f7e7#"):
        assert doc in r.stdout
    assert "[生态绿色]" in r.stdout or "[生態綠色]" in r.stdout
    assert re.match(r"\d+ passages? (match|contain every term; \d+ more match some of (it|them)) "
                    r"\(showing 1–\d+\)$", r.stderr.strip())
    first = headers(r.stdout)[0]
    assert first.startswith("1. ") and " · " in first and "None" not in r.stdout
    assert "\x1b[" not in r.stdout                  # not a terminal: brackets, no colour


def test_query_header_layout(yd):
    r = yd("query", "长三角", "--speaker", "李强", "--year", "2019")
    assert r.exit_code == 0, r.stderr
    hs = headers(r.stdout)
    assert hs, r.stdout
    for h in hs:
        assert re.match(r"\d+\. 李强 \(.+\) · 2019年度长三角地区主要领导座谈会 · 2019-05-22 "
                        r"\(meeting\) · 安徽芜湖 · 中安在线$", h), h
    assert re.search(r"^   000_cc6c4b9cc009c9ed#\d+ · \S*000_cc6c4b9cc009c9ed\.txt$", r.stdout, re.M)


def test_query_filters_json(yd):
    r = yd("query", "长三角", "--speaker", "李强", "--year", "2019", "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert list(data) == ["query", "parsed", "total", "related", "offset", "limit", "hits"]
    assert data["total"] == len(data["hits"]) > 0
    for h in data["hits"]:
        assert set(h) == HIT_FIELDS
        assert h["speaker"] == "李强" and h["year"] == 2019
    r = yd("query", "科技创新", "--speaker", "李强", "--year", "2019", "--json")
    assert r.exit_code == 0
    assert all(h["speaker"] == "李强" for h in json.loads(r.stdout)["hits"])


def test_query_json_is_utf8_and_has_spans(yd):
    r = yd("query", "生态绿色", "--json", "-n", 3)
    data = json.loads(r.stdout)
    assert "生态绿色" in r.stdout                     # ensure_ascii=False
    h = data["hits"][0]
    s, e = h["highlights"][0]
    assert h["text_simplified"][s:e] == "生态绿色"
    s, e = h["snippet_highlights"][0]
    assert len(h["snippet"][s:e]) == 4


def test_query_explain(yd):
    r = yd("query", "科技创新", "--speaker", "李强", "--explain")
    assert r.exit_code == 0
    err = r.stderr
    assert "parsed: AND(TEXT(\"科技创新\"), FIELD(speaker=李强))" in err
    assert "words 科技 / 创新" in err and "exact 科技创新" in err
    assert "substring '科技创新': " in err
    assert "parsed:" not in r.stdout
    r = yd("query", "科技创新", "--explain", "--json")
    data = json.loads(r.stdout)
    assert data["explain"]["terms"][0]["words"] == ["科技", "创新"]
    assert data["explain"]["terms"][0]["runs"] == ["科技创新"]
    assert data["explain"]["substrings"][0]["text"] == "科技创新"
    assert data["explain"]["substrings"][0]["paragraphs"] >= 2
    assert "parsed:" not in r.stderr


def test_query_context(yd):
    r = yd("query", "生态绿色", "-n", 1, "--context", 1)
    assert r.exit_code == 0
    ctx_lines = [line for line in r.stdout.splitlines() if line.startswith("   ┆ #")]
    assert len(ctx_lines) == 2
    data = json.loads(yd("query", "生态绿色", "-n", 2, "--context", 1, "--json").stdout)
    for h in data["hits"]:
        before, after = h["context"]["before"], h["context"]["after"]
        assert [p["index"] for p in before] == [h["index"] - 1] or h["index"] == 0
        assert all(p["id"].startswith(h["doc_id"] + "#") for p in before + after)
        assert [p["index"] for p in after] in ([h["index"] + 1], [])


def test_query_script_simplified(yd):
    args = ("query", "长三角", "--speaker", "李强", "--year", "2019", "-n", 1, "--full")
    original = yd(*args).stdout
    simplified = yd(*args, "--script", "simplified").stdout
    body = lambda out: out.splitlines()[1]          # noqa: E731 - the passage line
    assert "長三角" in body(original) and "[長三角]" in body(original)
    assert "[长三角]" in body(simplified)
    assert not re.search("[長強國講體]", body(simplified))
    assert len(body(original)) == len(body(simplified))   # the normaliser is 1:1 here


def test_query_highlight_options(yd):
    plain = yd("query", "生态绿色", "-n", 1, "--no-highlight").stdout
    assert "生态绿色" in plain and "[生态绿色]" not in plain


def test_query_colour(seed_index_path):
    r = invoke("--index", seed_index_path, "--color", "always", "query", "生态绿色", "-n", 1)
    assert "\x1b[" in r.stdout and "[生态绿色]" not in r.stdout
    r = invoke("--index", seed_index_path, "--color", "auto", "query", "生态绿色", "-n", 1,
               env={"NO_COLOR": "1"})
    assert "\x1b[" not in r.stdout and "[生态绿色]" in r.stdout


def test_query_paging(yd):
    all_ids = [h["id"] for h in json.loads(yd("query", "一体化", "-n", 6, "--json").stdout)["hits"]]
    r = yd("query", "一体化", "-n", 2, "--page", 2)
    assert [h.split(".")[0] for h in headers(r.stdout)] == ["3", "4"]
    assert "(showing 3–4)" in r.stderr
    assert all_ids[2] in r.stdout and all_ids[3] in r.stdout
    r = yd("query", "一体化", "-n", 2, "--offset", 4, "--json")
    assert [h["id"] for h in json.loads(r.stdout)["hits"]] == all_ids[4:6]
    r = yd("query", "一体化", "--page", 999)
    assert r.exit_code == 0 and r.stdout == "" and "none from" in r.stderr


def test_query_wraps_to_columns(yd):
    r = yd("query", "生态绿色", "-n", 1, "--full", env={"COLUMNS": "50"})
    from ydsearch.cli.textwidth import display_width
    body = r.stdout.splitlines()[1:-2]     # the id line (id · file or URL) is not wrapped
    assert len(body) > 2 and all(display_width(line) <= 50 for line in body)


def test_query_no_results(yd):
    r = yd("query", "量子引力波")
    assert r.exit_code == 0 and r.stdout == ""
    assert "no passage matches '量子引力波'" in r.stderr and "--explain" in r.stderr
    r = yd("query", "量子引力波", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["total"] == 0


@pytest.mark.parametrize("args, code, needle", [
    (["query", '"unbalanced'], 2, "quote"),
    (["query", "colour:red"], 2, "colour"),
    (["query", "一体化", "--year", "abc"], 2, "--year abc"),
    (["query", "一体化", "--from", "2020-13"], 2, "--from"),
    (["query", "一体化", "--from", "2021", "--to", "2020"], 2, "after"),
    (["query", "一体化", "--page", 2, "--offset", 1], 2, "--offset"),
    (["query", "一体化", "--limit", -1], 2, "--limit"),
    (["query", "   "], 2, "empty query"),
    (["query", "--", "-李强"], 2, "negation"),
    (["query", "x", "--bogus"], 2, "--bogus"),
    (["query"], 2, "QUERY"),
    (["frobnicate"], 2, "frobnicate"),
    (["show", "nope"], 1, "nope"),
    (["show", "000_cc6c4b9cc009c9ed#999"], 1, "no paragraph"),
    (["trend", "一体化", "--by", "city"], 2, "--by"),
])
def test_errors_are_one_line(yd, args, code, needle):
    one_error_line(yd(*args), code, needle)


# -- index location errors ----------------------------------------------------------------
def test_missing_explicit_index_is_not_built(tmp_path):
    missing = tmp_path / "nope"
    line = one_error_line(invoke("--index", missing, "query", "x"), 3)
    assert line == f"Error: no index at {missing}; run 'ydsearch --index {missing} index' " \
                   f"to build one"
    assert not missing.exists()
    r = invoke("query", "x", env={"YDSEARCH_INDEX": str(missing)})
    one_error_line(r, 3, "no index at")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_error_line(invoke("--index", empty, "speakers"), 3, "no index at")


def test_index_path_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    for cmd in (["query", "x"], ["stats"], ["index"]):
        one_error_line(invoke("--index", f, *cmd), 3, str(f))


def test_incompatible_manifest(seed_index_path, tmp_path):
    copy = tmp_path / "old"
    shutil.copytree(seed_index_path, copy)
    mf = copy / "ydsearch.json"
    data = json.loads(mf.read_text("utf-8"))
    data["schema_version"] = -1
    mf.write_text(json.dumps(data), "utf-8")
    for cmd in (["query", "一体化"], ["stats"], ["speakers"], ["index"]):
        one_error_line(invoke("--index", copy, *cmd), 3, "schema_version",
                       f"'ydsearch --index {copy} index --rebuild'")
    r = invoke("--index", copy, "index", "--rebuild")
    assert r.exit_code == 0 and invoke("--index", copy, "stats").exit_code == 0


# -- index ------------------------------------------------------------------------------
def test_index_build_skip_rebuild(tmp_path):
    target = tmp_path / "ix"
    r = invoke("--index", target, "index", "--json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert set(report) == {"documents", "paragraphs", "skipped_unchanged", "skipped_duplicates",
                           "skipped_empty", "replaced", "refused", "seconds"}
    assert report["documents"] == 5 and report["paragraphs"] > 50
    assert "indexed 5 documents" in r.stderr and "\r" not in r.stderr   # no progress: no TTY
    r = invoke("--index", target, "index", "--json")
    assert json.loads(r.stdout)["skipped_unchanged"] == 5
    r = invoke("--index", target, "index", "--rebuild")
    assert r.exit_code == 0 and r.stdout == "" and "indexed 5 documents" in r.stderr
    assert invoke("--index", target, "stats", "--json").exit_code == 0


def test_index_missing_file(tmp_path):
    missing = tmp_path / "missing.txt"
    r = invoke("--index", tmp_path / "ix", "index", missing)
    assert r.exit_code == 1 and r.stdout == ""
    assert f"refused {missing}" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("Error: 1 input could not be indexed")


def test_index_binary_file_refused(tmp_path):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    seed = ROOT / "seeds" / "000_cc6c4b9cc009c9ed.txt"
    r = invoke("--index", tmp_path / "ix", "index", "--json", binary, seed)
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["documents"] == 1
    assert report["refused"][0]["path"] == str(binary) and "binary" in report["refused"][0]["reason"]
    assert "refused" in r.stderr and "Traceback" not in r.stderr


def test_index_refuses_foreign_folder(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.md").write_text("mine")
    r = invoke("--index", folder, "index")
    one_error_line(r, 1, "not a ydsearch index")
    assert (folder / "notes.md").exists()


# -- the default index --------------------------------------------------------------------
def test_default_index_built_on_first_query(isolated):
    r = invoke("query", "生态绿色", "-n", 1)
    assert r.exit_code == 0, r.stderr
    assert f"building the index from the bundled seeds in {isolated}" in r.stderr
    assert headers(r.stdout)
    r = invoke("speakers")
    assert r.exit_code == 0 and "building" not in r.stderr and "李强" in r.stdout
    assert (isolated / "bundled.json").exists()


def test_default_index_user_rebuild_left_alone(isolated):
    seed = ROOT / "seeds" / "001_c5f8348639d988a3.txt"
    r = invoke("index", "--rebuild", seed)
    assert r.exit_code == 0
    r = invoke("meetings", "--json")
    assert r.exit_code == 0 and "building" not in r.stderr and "updating" not in r.stderr
    docs = [d["doc_id"] for m in json.loads(r.stdout) for d in m["documents"]]
    assert docs == ["001_c5f8348639d988a3"]


# -- show, parse, browse -------------------------------------------------------------------
def test_show(yd):
    r = yd("show", "000_cc6c4b9cc009c9ed#5", "--context", 1)
    assert r.exit_code == 0 and r.stderr == ""
    assert re.search(r"^→ #5", r.stdout, re.M)
    assert re.search(r"^  #4", r.stdout, re.M) and re.search(r"^  #6", r.stdout, re.M)
    assert "2019-05-22" in r.stdout
    data = json.loads(yd("show", "000_cc6c4b9cc009c9ed#5", "--json").stdout)
    assert data["focus"] == "000_cc6c4b9cc009c9ed#5"
    assert [p["index"] for p in data["paragraphs"]] == [3, 4, 5, 6, 7]
    whole = json.loads(yd("show", "000_cc6c4b9cc009c9ed", "--json").stdout)
    assert whole["focus"] is None and len(whole["paragraphs"]) > 7
    simp = yd("show", "000_cc6c4b9cc009c9ed#0", "-C", 0, "--script", "simplified").stdout
    assert "李强" in simp and "李強" not in simp.splitlines()[-1]


def test_parse_json_lines():
    r = invoke("parse", "--json", ROOT / "seeds")
    assert r.exit_code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert len(lines) == 5
    for line in lines:
        doc = json.loads(line)
        assert set(doc) == DOC_FIELDS
        assert doc["paragraphs"] and set(doc["paragraphs"][0]) == PARAGRAPH_FIELDS
        assert all(set(a) == {"name", "role"} for a in doc["attendees"])
    first = json.loads(lines[0])
    assert first["doc_id"] == "000_cc6c4b9cc009c9ed" and first["year"] == 2019


def test_parse_outline_and_errors(tmp_path):
    r = invoke("parse", ROOT / "seeds" / "000_cc6c4b9cc009c9ed.txt")
    assert r.exit_code == 0
    assert "2019年度长三角地区主要领导座谈会" in r.stdout
    assert re.search(r"^  #0 \[\w+\]", r.stdout, re.M)
    assert "安徽芜湖" in r.stdout
    r = invoke("parse", tmp_path / "missing.txt")
    assert r.exit_code == 1 and r.stdout == ""
    assert "missing.txt" in r.stderr and "Error: 1 input could not be parsed" in r.stderr
    one_error_line(invoke("parse"), 2, "PATH")


def test_speakers(yd):
    r = yd("speakers", "--json")
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    names = [s["name"] for s in rows]
    assert "李强" in names and "会议" not in names
    assert set(rows[0]) == {"name", "roles", "paragraphs", "years", "meetings", "documents"}
    assert "会议" in [s["name"] for s in json.loads(yd("speakers", "--all", "--json").stdout)]
    r = yd("speakers")
    assert r.stdout.splitlines()[0].split() == ["speaker", "paras", "years", "meetings", "role"]
    assert any(line.startswith("李强") for line in r.stdout.splitlines())


def test_meetings(yd):
    r = yd("meetings")
    assert r.exit_code == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["date", "calendar", "place", "docs", "meeting"]
    at = lines.index(next(line for line in lines if "2019年度长三角地区主要领导座谈会" in line))
    assert re.match(r"2019-05-22\s+leaders-2019\s+安徽芜湖\s+1\s+2019年度", lines[at])
    assert re.match(r"    000_cc6c4b9cc009c9ed · 中安在线 · \S*000_cc6c4b9cc009c9ed\.txt$",
                    lines[at + 1])
    assert any(re.match(r"2023-11-30\s+xi-2023\s+上海\s+1\s+深入推进长三角一体化发展座谈会$", line)
               for line in lines)
    assert any(re.match(r"2023-12-19\s+-\s+安徽滁州\s+1\s+全市推动", line) for line in lines)
    assert any(re.match(r"2021-05-26\s+leaders-2021\s+江苏无锡\s+0\s", line) for line in lines)
    rows = json.loads(yd("meetings", "--indexed", "--json").stdout)
    assert [m["date"] for m in rows] == ["2019-05-22", "2020-06-05", "2023-11-30", "2023-12-19",
                                         "2024-06-05"]
    assert rows[0]["meeting_id"] == "leaders-2019" and rows[0]["in_calendar"] is True
    assert rows[0]["documents"][0]["path"].endswith("000_cc6c4b9cc009c9ed.txt")


def test_stats(yd, seed_index_path):
    r = yd("stats", "--json")
    data = json.loads(r.stdout)
    assert data["documents"] == 5 and data["path"] == str(seed_index_path.resolve())
    for key in ("paragraphs", "size_bytes", "dictionary_hash", "segmenter", "schema_version",
                "created"):
        assert data[key], key
    r = yd("stats")
    assert r.exit_code == 0 and "documents   5" in r.stdout and "segmenter" in r.stdout


def test_trend(yd):
    r = yd("trend", "一体化", "--json")
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert set(data) == {"query", "parsed", "by", "total", "buckets", "unattributed"}
    total = json.loads(yd("query", "一体化", "--json", "-n", 1).stdout)["total"]
    assert data["total"] == total
    assert sum(b["count"] for b in data["buckets"]) + data["unattributed"] == total
    r = yd("trend", "一体化")
    lines = r.stdout.splitlines()
    assert lines[0].startswith("2019 │█") and all("│" in line for line in lines)
    assert f"{total} passages match" in r.stderr
    assert "(matches only, not related passages)" in r.stderr
    natural = json.loads(yd("query", "长三角生态环境保护", "--json", "-n", 1).stdout)
    assert natural["related"] > 0        # trend counts the matches, as it says
    assert json.loads(yd("trend", "长三角生态环境保护", "--json").stdout)["total"] == \
        natural["total"]
    r = yd("trend", "一体化", "--by", "speaker", "--top", 3)
    assert len(r.stdout.splitlines()) == 3 and "more speakers" in r.stderr
    r = yd("trend", "量子引力波")
    assert r.exit_code == 0 and r.stdout == "" and "no passage matches" in r.stderr


# -- robustness ---------------------------------------------------------------------------
BAD_ARGS = [
    ["--index"], ["--color", "pink", "stats"], ["index", "--rebuild", "--bogus"],
    ["query"], ["query", "x", "--limit", "many"], ["query", "x", "--context", "-3"],
    ["query", "x", "--script", "klingon"], ["query", "x", "--kind", "poem"],
    ["query", "x", "--year", "20x9"], ["query", "x", "--to", "yesterday"],
    ["query", "(((", ], ["query", "speaker:"], ["query", "OR"], ["show"], ["show", "#"],
    ["show", "x", "--context", "abc"], ["parse"], ["parse", "--json", "/nonexistent/x.txt"],
    ["speakers", "--bogus"], ["meetings", "extra"], ["stats", "--json", "x"],
    ["trend"], ["trend", "x", "--by"], ["trend", "x", "--top", "0"], ["trend", '"x'],
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=" ".join)
def test_bad_arguments_never_trace(yd, args):
    r = yd(*args)
    assert r.exit_code in (1, 2, 3), (args, r.stdout, r.stderr)
    assert isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("Error: ")


@pytest.mark.parametrize("exc, code, message", [
    (RuntimeError("boom"), 1, "Error: internal error: RuntimeError: boom"),
    (PermissionError(13, "Permission denied", "/x/y"), 1, "Error: Permission denied: /x/y"),
    (KeyboardInterrupt(), 130, "Interrupted; nothing was changed"),
])
def test_unexpected_errors(yd, monkeypatch, exc, code, message):
    from ydsearch import browse

    def fail(*a, **k):
        raise exc

    monkeypatch.setattr(browse, "speakers", fail)
    r = yd("speakers")
    assert r.exit_code == code
    assert r.stderr.strip().splitlines()[-1].startswith(message)
    assert "Traceback" not in r.stderr


def test_debug_shows_traceback(yd, monkeypatch):
    from ydsearch import browse

    monkeypatch.setattr(browse, "speakers", lambda *a, **k: 1 / 0)
    r = yd("speakers", env={"YDSEARCH_DEBUG": "1"})
    assert isinstance(r.exception, ZeroDivisionError)


def test_broken_pipe_is_quiet(seed_index_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("YDSEARCH_INDEX", None)
    proc = subprocess.Popen([sys.executable, "-m", "ydsearch", "--index", str(seed_index_path),
                             "query", "一体化", "-n", "50", "--full"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    proc.stdout.close()                         # like `| head -0`: the reader is gone
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err and "Error" not in err
