"""Indexing news items end to end: nothing silently lost, every hit citable (issue 11).

Made-up JSONL items in the shape of a broadcast archive; run through the real CLI.
"""
import json

import pytest
from click.testing import CliRunner

from ydsearch.cli.app import cli


def invoke(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


ITEMS = [
    {"id": "n-01", "title": "本地新闻快讯", "date": "2024-04-14", "url": "https://example.org/n-01",
     "text": "本台消息（晚间新闻）：\n甲地新建大桥通车\n甲地大桥今天通车，全长三公里。2019年5月22日的规划也已落实。"
             "\n乙地举办农民丰收节\n乙地今天举办丰收节，每个星期六都有集市。"},
    {"id": "n-02", "title": "《晚间新闻》 20240414", "date": "2024-04-14", "url": "https://example.org/n-02",
     "text": "---\n更新时间：2024-01-02T03:04:05.678Z"},
    {"id": "n-03", "title": "空白", "date": "2024-04-15", "url": "https://example.org/n-03", "text": ""},
    {"id": "n-04", "title": "座谈会", "date": "2020-08-22", "url": "https://example.org/n-04",
     "text": "本台消息（晚间新闻）：20日，扎实推进长三角一体化发展座谈会在合肥召开，习近平主持会议。"
             "\n习近平强调，要把区域合作推向深入。"},
]


@pytest.fixture
def archive(tmp_path, monkeypatch):
    for var in ("YDSEARCH_INDEX", "YDSEARCH_CALENDAR", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / "news.jsonl"
    path.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in ITEMS) + "\n", "utf-8")
    return path


def test_empty_items_are_skipped_and_counted_not_a_failure(archive, tmp_path):
    r = invoke("--index", tmp_path / "ix", "index", archive, "--json")
    assert r.exit_code == 0, r.stderr
    report = json.loads(r.stdout)
    assert (report["documents"], report["skipped_empty"], report["refused"]) == (2, 2, [])
    assert "skipped 2 empty items (no text)" in r.stderr and "refused" not in r.stderr


def test_a_bad_item_is_refused_by_line_and_id(archive, tmp_path):
    with archive.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "n-05", "title": "坏"}, ensure_ascii=False) + "\n")
    r = invoke("--index", tmp_path / "ix", "index", archive)
    assert r.exit_code == 1
    assert f"refused {archive}:5: no 'text' field (id n-05)" in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("Error: 1 input could not be indexed")


def test_digest_headlines_are_searchable_headings_and_hits_are_citable(archive, tmp_path):
    assert invoke("--index", tmp_path / "ix", "index", archive).exit_code == 0
    r = invoke("--index", tmp_path / "ix", "query", "甲地新建大桥通车", "--json")
    hits = json.loads(r.stdout)["hits"]
    # the headline itself and the story under it (which its heading names) come first
    assert {h["id"] for h in hits[:2]} == {"n-01#0", "n-01#1"}
    hit = next(h for h in hits if h["id"] == "n-01#0")
    assert hit["kind"] == "heading"
    assert hit["url"] == "https://example.org/n-01" and hit["path"] == str(archive)
    # the date a text mentions (2019-05-22) never re-files the item
    assert (hit["date"], hit["date_kind"], hit["year"]) == ("2024-04-14", "published", 2024)
    r = invoke("--index", tmp_path / "ix", "query", "星期六")
    assert "n-01#3" in r.stdout and "(published)" in r.stdout and "https://example.org/n-01" in r.stdout
    r = invoke("--index", tmp_path / "ix", "query", "区域合作", "--json")
    hit = json.loads(r.stdout)["hits"][0]
    assert (hit["date"], hit["date_kind"], hit["speaker"], hit["city"]) == \
        ("2020-08-20", "meeting", "习近平", "合肥")


def test_show_and_meetings_cite_the_url(archive, tmp_path):
    assert invoke("--index", tmp_path / "ix", "index", archive).exit_code == 0
    r = invoke("--index", tmp_path / "ix", "show", "n-04#1")
    assert r.exit_code == 0 and "https://example.org/n-04" in r.stdout
    assert "2020-08-20 (meeting)" in r.stdout
    rows = json.loads(invoke("--index", tmp_path / "ix", "meetings", "--indexed", "--json").stdout)
    assert [(m["meeting_id"], [d["url"] for d in m["documents"]]) for m in rows] == \
        [("xi-2020", ["https://example.org/n-04"])]
    r = invoke("--index", tmp_path / "ix", "show", "n-04", "--json")
    assert json.loads(r.stdout)["document"]["url"] == "https://example.org/n-04"


def test_a_file_is_cited_relative_to_the_current_folder_in_text_absolute_in_json(
        archive, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "a.txt").write_text("长三角一体化研讨会纪要\n\n与会专家认为，要加强科技协同。", "utf-8")
    assert invoke("--index", "ix", "index", "notes").exit_code == 0
    r = invoke("--index", "ix", "query", "科技协同")
    assert r.stdout.splitlines()[-2] == "   a#0 · notes/a.txt"
    hit = json.loads(invoke("--index", "ix", "query", "科技协同", "--json").stdout)["hits"][0]
    assert hit["path"] == str(tmp_path / "notes" / "a.txt")
