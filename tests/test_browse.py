"""Tests of ydsearch.browse (speakers, meetings, stats, trend, show), the render
helpers (display width, wrapping, charts) and the default-index rule."""
import json
import os
from pathlib import Path

import pytest

from ydsearch import browse

from ydsearch.cli import defaults

from ydsearch.cli import render, tables, textwidth
from ydsearch.errors import QuerySyntaxError, YdsearchError


# -- browse ---------------------------------------------------------------------------
def test_speakers_sorted_and_without_collective(seed_index):
    rows = browse.speakers(seed_index)
    names = [s.name for s in rows]
    assert "李强" in names and "会议" not in names
    counts = [s.paragraphs for s in rows]
    assert counts == sorted(counts, reverse=True)
    li = rows[names.index("李强")]
    assert li.paragraphs >= 2 and 2019 in li.years
    assert any("书记" in r for r in li.roles)
    assert any("座谈会" in m for m in li.meetings)
    assert "会议" in [s.name for s in browse.speakers(seed_index, include_collective=True)]


def test_meetings_list_the_calendar_with_the_documents_of_each_meeting(seed_index):
    rows = browse.meetings(seed_index)
    by_doc = {d.doc_id: m for m in rows for d in m.documents}
    assert set(by_doc) == {"000_cc6c4b9cc009c9ed", "001_c5f8348639d988a3", "002_5193d941dd620fcc",
                           "003_dc0062237cc1f7e7", "004_77abf43838bf8768"}
    assert by_doc["000_cc6c4b9cc009c9ed"].meeting_id == "leaders-2019"
    assert by_doc["002_5193d941dd620fcc"].meeting_id == "xi-2023"
    assert (by_doc["002_5193d941dd620fcc"].date, by_doc["002_5193d941dd620fcc"].city) == \
        ("2023-11-30", "上海")
    chuzhou = by_doc["004_77abf43838bf8768"]      # a city meeting the calendar does not hold
    assert not chuzhou.in_calendar and chuzhou.date == "2023-12-19" and chuzhou.city == "滁州"
    assert len({m.name for m in rows}) == len(rows)               # each meeting once
    calendar_rows = [m for m in rows if m.in_calendar]
    assert any(not m.documents for m in calendar_rows)            # the calendar, not just the index
    assert "leaders-2021" in {m.meeting_id for m in calendar_rows}
    dated = [m.date for m in rows if m.date]
    assert dated == sorted(dated)
    doc = by_doc["003_dc0062237cc1f7e7"].documents[0]
    assert doc.path.endswith("003_dc0062237cc1f7e7.txt") and doc.path.startswith("/")
    assert doc.date_kind == "meeting" and doc.published == "2024-06-12"
    indexed = browse.meetings(seed_index, indexed_only=True)
    assert all(m.documents for m in indexed) and len(indexed) == 5


def test_stats(seed_index, seed_index_path):
    s = browse.stats(seed_index)
    assert s["documents"] == 5
    assert s["paragraphs"] == seed_index.doc_count()
    assert s["size_bytes"] > 0
    manifest = json.loads((seed_index_path / "ydsearch.json").read_text("utf-8"))
    for key in ("dictionary_hash", "segmenter", "schema_version", "created"):
        assert s[key] == manifest[key]


def test_trend_counts_every_match(seed_index):
    t = browse.trend(seed_index, "一体化")
    total = seed_index.search("一体化", limit=1).total
    assert t.total == total > 10            # more than one page of hits
    assert sum(b["count"] for b in t.buckets) + t.unattributed == total
    years = [b["key"] for b in t.buckets]
    assert years == list(range(years[0], years[-1] + 1))   # gaps filled with zeros
    assert {2019, 2020, 2024} <= set(years)


def test_trend_by_speaker_and_filters(seed_index):
    t = browse.trend(seed_index, "一体化", by="speaker", year="2019")
    counts = [b["count"] for b in t.buckets]
    assert counts == sorted(counts, reverse=True)
    assert t.total == seed_index.search("一体化", year="2019", limit=1).total
    with pytest.raises(QuerySyntaxError):
        browse.trend(seed_index, "一体化", year="abc")
    with pytest.raises(YdsearchError):
        browse.trend(seed_index, "一体化", by="city")


def test_trend_no_match(seed_index):
    t = browse.trend(seed_index, "量子引力波")
    assert t.total == 0 and t.buckets == []


def test_show_paragraph_with_context(seed_index):
    shown = browse.show(seed_index, "000_cc6c4b9cc009c9ed#5", context=2)
    assert shown.focus == "000_cc6c4b9cc009c9ed#5"
    assert [p["index"] for p in shown.paragraphs] == [3, 4, 5, 6, 7]
    assert shown.document["doc_id"] == "000_cc6c4b9cc009c9ed"
    edge = browse.show(seed_index, "000_cc6c4b9cc009c9ed#0", context=1)
    assert [p["index"] for p in edge.paragraphs] == [0, 1]


def test_show_document_and_unknown_ids(seed_index):
    whole = browse.show(seed_index, "001_c5f8348639d988a3")
    assert whole.focus is None
    assert [p["index"] for p in whole.paragraphs] == list(range(len(whole.paragraphs)))
    for bad in ("nope", "nope#1", "000_cc6c4b9cc009c9ed#999"):
        with pytest.raises(YdsearchError):
            browse.show(seed_index, bad)


def test_neighbours(seed_index):
    before, after = browse.neighbours(seed_index, "000_cc6c4b9cc009c9ed", 5, 1)
    assert [p["index"] for p in before] == [4] and [p["index"] for p in after] == [6]
    assert browse.neighbours(seed_index, "000_cc6c4b9cc009c9ed", 5, 0) == ([], [])


# -- render ---------------------------------------------------------------------------
def test_display_width_and_pad():
    assert textwidth.display_width("李强") == 4
    assert textwidth.display_width("ab李") == 4
    assert textwidth.display_width("ＡＢ") == 4           # full-width forms
    assert textwidth.pad("李强", 6) == "李强  "
    assert textwidth.pad("李强", 6, "right") == "  李强"
    assert textwidth.display_width(textwidth.truncate("长三角一体化发展", 9)) <= 9


def test_wrap_by_display_width():
    text = "长三角生态绿色一体化发展示范区建设，完善示范区国土空间规划体系。" * 3
    segs = textwidth.mark_segments(text, [(3, 7)], textwidth.Style(highlight="brackets"))
    lines = textwidth.wrap_segments(segs, 20)
    joined = ["".join(p for p, _ in line) for line in lines]
    assert all(textwidth.display_width(line) <= 20 for line in joined)
    assert "".join(joined) == text[:3] + "[" + text[3:7] + "]" + text[7:]
    assert not any(line[0] in textwidth.NO_LINE_START for line in joined[1:])


def test_wrap_keeps_latin_words():
    lines = textwidth.wrap_segments([("GDP growth 2024 长三角一体化", False)], 12)
    joined = ["".join(p for p, _ in line) for line in lines]
    assert joined[0] == "GDP growth"
    assert all(textwidth.display_width(x) <= 12 for x in joined)


def test_highlight_modes():
    text, spans = "推进生态绿色发展", [(2, 6)]
    assert textwidth.highlight(text, spans, textwidth.Style(highlight="brackets")) == "推进[生态绿色]发展"
    assert textwidth.highlight(text, spans, textwidth.Style(highlight="none")) == text
    coloured = textwidth.highlight(text, spans, textwidth.Style(colour=True, highlight="colour"))
    assert "\x1b[" in coloured and "生态绿色" in coloured


def test_to_simplified_spans():
    text = "長三角生態綠色一體化"
    out, spans = render.to_simplified_spans(text, [(3, 7)])
    assert out == "长三角生态绿色一体化" and out[3:7] == "生态绿色" and spans == [(3, 7)]
    noisy = "當(dāng)前生態"                # a gloss the normaliser drops
    out, spans = render.to_simplified_spans(noisy, [(8, 10)])
    assert out[spans[0][0]:spans[0][1]] == "生态"


def test_hit_header_omits_missing():
    h = {"rank": 1, "speaker": "李强", "speaker_role": "上海市委书记",
         "meeting": "2019年度长三角地区主要领导座谈会", "meeting_date": "2019-05-22",
         "city": "芜湖", "province": "安徽", "source": None, "title": None, "published": None}
    line = render.hit_header(h, textwidth.Style())
    assert line == ("1. 李强 (上海市委书记) · 2019年度长三角地区主要领导座谈会 · 2019-05-22 (meeting)"
                    " · 安徽芜湖")
    published = dict(h, meeting=None, meeting_date=None, published="2024-11-17",
                     date="2024-11-17", date_kind="published")
    assert "2024-11-17 (published)" in render.hit_header(published, textwidth.Style())
    assert "None" not in render.hit_header({"rank": 2}, textwidth.Style())
    assert render.place("上海", "上海") == "上海"


def test_bar_chart_aligns_cjk_labels():
    lines = tables.bar_chart([("习近平", 10), ("李强", 5), ("会议", 0)], 40)
    bars = [line.index("│") for line in lines]
    widths = {textwidth.display_width(line[:b]) for line, b in zip(lines, bars)}
    assert len(widths) == 1                     # the bars start in the same column
    assert all(textwidth.display_width(line) <= 40 for line in lines)
    assert lines[0].endswith(" 10") and "█" in lines[0] and "█" not in lines[2]


def test_years_label():
    assert tables.years_label([2019, 2020, 2021, 2024]) == "2019–2021, 2024"
    assert tables.years_label([]) == ""


# -- the default index ------------------------------------------------------------------
def test_checkout_detection():
    root = Path(__file__).resolve().parent.parent
    if (root / "setup.cfg").is_file() and (root / "index").is_dir():
        assert defaults.checkout_dir() == root
        assert defaults.default_index_path() == root / "index"


def test_cache_location(monkeypatch, tmp_path):
    monkeypatch.setattr(defaults, "checkout_dir", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert defaults.default_index_path() == tmp_path / "ydsearch" / "index"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert defaults.default_index_path() == tmp_path / "home" / ".cache" / "ydsearch" / "index"


def test_default_index_built_then_current_then_updated(tmp_path):
    path = tmp_path / "index"
    said = []
    assert defaults.default_state(path) == "missing"
    ix = defaults.ensure_default_index(path, say=said.append)
    assert ix.doc_count() > 0 and "building" in said[0]
    ix.close()
    assert defaults.default_state(path) == "current"
    defaults.ensure_default_index(path, say=said.append).close()
    assert len(said) == 1                      # nothing to do the second time
    stamp = json.loads((path / "bundled.json").read_text("utf-8"))
    stamp["seeds"]["000_cc6c4b9cc009c9ed.txt"] = "0" * 64     # as if the seeds changed
    (path / "bundled.json").write_text(json.dumps(stamp), "utf-8")
    assert defaults.default_state(path) == "stale"
    ix = defaults.ensure_default_index(path, say=said.append)
    assert "updating" in said[-1] and ix.doc_count() > 0
    ix.close()
    assert defaults.default_state(path) == "current"
    # an index the user filled with their own articles is left alone
    defaults.write_stamp(path, None)
    assert defaults.default_state(path) == "user"


def test_default_index_ignores_mtimes(tmp_path):
    """A fresh clone gives the seeds new mtimes: only their content decides."""
    path = tmp_path / "index"
    defaults.ensure_default_index(path).close()
    for p in path.iterdir():
        os.utime(p, (1, 1))                   # the index looks older than every seed
    assert defaults.default_state(path) == "current"


def test_installed_copy_run_inside_a_checkout_uses_its_index(monkeypatch, tmp_path):
    root = tmp_path / "clone"
    for sub in ("seeds", "index", "docs"):
        (root / sub).mkdir(parents=True)
    (root / "setup.cfg").write_text("[metadata]\nname = ydsearch\n", encoding="utf-8")
    site = tmp_path / "site-packages" / "ydsearch"
    site.mkdir(parents=True)
    monkeypatch.setattr(defaults, "__file__", str(site / "defaults.py"))
    monkeypatch.chdir(root / "docs")
    assert defaults.default_index_path() == root / "index"
    monkeypatch.chdir(tmp_path)
    assert defaults.checkout_dir() is None


def test_the_checkout_seeds_are_indexed_when_they_are_the_shipped_ones(monkeypatch, tmp_path):
    """An installed ydsearch run in its checkout cites ``seeds/…``, not site-packages."""
    import shutil

    import ydsearch.bundled

    checkout = tmp_path / "checkout"
    shutil.copytree(ydsearch.bundled.bundled_seeds(), checkout / "seeds")
    installed = tmp_path / "site-packages" / "ydsearch" / "seeds"
    shutil.copytree(ydsearch.bundled.bundled_seeds(), installed)
    monkeypatch.setattr(ydsearch.bundled, "bundled_seeds", lambda: installed)
    monkeypatch.setattr(defaults, "checkout_dir", lambda: checkout)
    assert defaults.seeds_folder() == checkout / "seeds"
    (checkout / "seeds" / "000_cc6c4b9cc009c9ed.txt").write_text("改过的文本", encoding="utf-8")
    assert defaults.seeds_folder() == installed      # edited: the shipped seeds count
    monkeypatch.setattr(defaults, "checkout_dir", lambda: None)
    assert defaults.seeds_folder() == installed
