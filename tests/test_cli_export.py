"""Results to take away: -f text|json|jsonl|csv|tsv|md, -o FILE, --count, --facets."""
import csv
import io
import json

import pytest

from tests.cli_helpers import headers, invoke, isolated, one_error_line, yd  # noqa: F401
from ydsearch.cli.formats import HIT_COLUMNS

CITATION = ["rank", "id", "speaker", "speaker_role", "meeting", "title", "date", "date_kind",
            "city", "province", "source", "url", "text"]


def hits_json(yd, *args):
    r = yd("query", *args, "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)


def test_citation_columns_are_the_documented_ones():
    assert list(HIT_COLUMNS) == CITATION


def test_csv_has_the_citation_of_each_hit(yd):
    expected = hits_json(yd, "一体化", "-n", 5)["hits"]
    r = yd("query", "一体化", "-n", 5, "-f", "csv")
    assert r.exit_code == 0 and "(showing 1–5)" in r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert list(rows[0]) == CITATION and len(rows) == 5
    for row, h in zip(rows, expected):
        assert row["id"] == h["id"] and row["rank"] == str(h["rank"])
        assert row["text"] == h["text"]                      # the whole paragraph
        assert row["date"] == (h["date"] or "") and row["date_kind"] == (h["date_kind"] or "")
        assert row["speaker"] == (h["speaker"] or "") and row["city"] == (h["city"] or "")


def test_tsv_is_one_line_per_hit(yd):
    r = yd("query", "一体化", "-n", 4, "-f", "tsv", "--script", "simplified")
    lines = r.stdout.splitlines()
    assert lines[0].split("\t") == CITATION and len(lines) == 5
    texts = [line.split("\t")[-1] for line in lines[1:]]
    expected = [h["text_simplified"] for h in hits_json(yd, "一体化", "-n", 4)["hits"]]
    assert texts == expected


def test_jsonl_is_one_object_per_hit(yd):
    r = yd("query", "生态绿色", "-n", 3, "-f", "jsonl")
    rows = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(rows) == 3 and all(list(row) == CITATION for row in rows)
    assert [row["id"] for row in rows] == [h["id"] for h in hits_json(yd, "生态绿色", "-n", 3)["hits"]]


def test_json_format_equals_json_flag_and_they_cannot_disagree(yd):
    a = yd("query", "生态绿色", "-f", "json")
    b = yd("query", "生态绿色", "--json")
    assert a.stdout == b.stdout and json.loads(a.stdout)["total"] > 0
    one_error_line(yd("query", "生态绿色", "--json", "-f", "csv"), 2, "--json", "-f csv")


def test_markdown_lists_quotes_with_citations(yd):
    r = yd("query", "生态绿色", "-n", 2, "-f", "md")
    first = hits_json(yd, "生态绿色", "-n", 2)["hits"][0]
    assert r.stdout.startswith("1. ")
    assert "   > " in r.stdout and "**生态绿色**" in r.stdout
    assert f"`{first['id']}`" in r.stdout and "[" not in r.stdout.split("\n")[2]


def test_output_file_is_written_whole_with_a_bom_for_spreadsheets(yd, tmp_path):
    target = tmp_path / "out.csv"
    r = yd("query", "一体化", "-n", 3, "-f", "csv", "-o", target)
    assert r.exit_code == 0 and r.stdout == ""
    assert f"written to {target}" in r.stderr
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]      # no temporary left


def test_output_file_is_untouched_when_the_command_fails(yd, tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep me", "utf-8")
    one_error_line(yd("query", '"unbalanced', "-o", target), 2, "quote")
    assert target.read_text("utf-8") == "keep me"
    one_error_line(yd("query", "x", "-o", tmp_path / "no" / "such" / "dir.csv"), 2, "does not exist")
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_output_text_file_has_no_colour(seed_index_path, tmp_path):
    target = tmp_path / "hits.txt"
    r = invoke("--color", "always", "--index", seed_index_path, "query", "生态绿色", "-n", 1,
               "-o", target)
    assert r.exit_code == 0
    text = target.read_text("utf-8")
    assert "\x1b[" not in text and "[生态绿色]" in text and headers(text)


def test_count_prints_the_number_only(yd):
    total = hits_json(yd, "一体化")["total"]
    r = yd("query", "一体化", "--count")
    assert r.exit_code == 0 and r.stdout == f"{total}\n" and r.stderr == ""
    r = yd("query", "一体化", "--count", "--json")
    assert json.loads(r.stdout) == {"query": "一体化", "parsed": 'TEXT("一体化")', "total": total}
    r = yd("query", "量子引力波", "--count")
    assert r.stdout == "0\n" and "no passage matches" in r.stderr
    one_error_line(yd("query", "一体化", "--count", "-f", "csv"), 2, "--count")


def test_facets_count_every_match(yd):
    data = hits_json(yd, "一体化", "--facets", "-n", 2)
    assert list(data["facets"]) == ["year", "speaker", "meeting"]
    years = data["facets"]["year"]
    assert [y["value"] for y in years] == sorted(y["value"] for y in years)
    undated = json.loads(yd("trend", "一体化", "--json").stdout)["unattributed"]
    assert sum(y["count"] for y in years) + undated == data["total"]
    speakers = data["facets"]["speaker"]
    assert [s["count"] for s in speakers] == sorted((s["count"] for s in speakers), reverse=True)
    assert set(speakers[0]) == {"value", "count"}
    assert "facets" not in hits_json(yd, "一体化", "-n", 2)


def test_facets_text_block_under_the_hits(yd):
    r = yd("query", "一体化", "-n", 1, "--facets")
    data = hits_json(yd, "一体化", "--facets")
    lines = r.stdout.splitlines()
    at = lines.index(f"all {data['total']} matching passages by year, speaker, meeting:")
    assert at > 0 and headers("\n".join(lines[:at]))
    year_line = lines[at + 1]
    for y in data["facets"]["year"]:
        assert f"{y['value']} ({y['count']})" in year_line
    assert lines[at + 2].lstrip().startswith("speaker")
    r = yd("query", "一体化", "--count", "--facets")
    assert r.stdout.splitlines()[0] == str(data["total"])
    assert "year" in r.stdout.splitlines()[2]
    one_error_line(yd("query", "一体化", "--facets", "-f", "tsv"), 2, "--facets")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl", "md", "json"])
def test_listings_take_every_format(yd, fmt):
    for args in (("speakers",), ("meetings",), ("trend", "一体化")):
        r = yd(*args, "-f", fmt)
        assert r.exit_code == 0 and r.stdout, (args, r.stderr)
    rows = lambda out: [json.loads(x) for x in out.splitlines()]  # noqa: E731
    if fmt == "jsonl":
        speakers = rows(yd("speakers", "-f", "jsonl").stdout)
        assert speakers == json.loads(yd("speakers", "--json").stdout)
        trend = rows(yd("trend", "一体化", "-f", "jsonl").stdout)
        buckets = json.loads(yd("trend", "一体化", "--json").stdout)["buckets"]
        assert trend == [{"year": b["key"], "count": b["count"]} for b in buckets]
    if fmt == "csv":
        meetings = list(csv.DictReader(io.StringIO(yd("meetings", "--indexed", "-f",
                                                      "csv").stdout)))
        assert len(meetings) == 5 and meetings[0]["date"] == "2019-05-22"
        assert meetings[0]["documents"] == "000_cc6c4b9cc009c9ed"
        speakers = list(csv.DictReader(io.StringIO(yd("speakers", "-f", "csv").stdout)))
        assert list(speakers[0]) == ["name", "paragraphs", "documents", "years", "meetings",
                                     "roles"]
    if fmt == "md":
        table = yd("trend", "一体化", "--by", "speaker", "-f", "md").stdout.splitlines()
        assert table[0] == "| speaker | count |" and table[1] == "|---|---:|"


def test_listing_to_a_file(yd, tmp_path):
    target = tmp_path / "speakers.tsv"
    r = yd("speakers", "-f", "tsv", "-o", target)
    assert r.exit_code == 0 and r.stdout == "" and "written to" in r.stderr
    lines = target.read_text("utf-8-sig").splitlines()
    assert lines[0].split("\t")[0] == "name" and len(lines) > 3


def test_count_to_a_file(yd, tmp_path):
    target = tmp_path / "n.txt"
    r = yd("query", "一体化", "--count", "-o", target)
    assert r.exit_code == 0 and r.stdout == ""
    assert target.read_text("utf-8") == yd("query", "一体化", "--count").stdout
