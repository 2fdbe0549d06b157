"""The meeting calendar: shipped data with sources, user files, and how documents resolve against it."""
import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from ydsearch.errors import CalendarError
from ydsearch.pipeline.article import parse_article
from ydsearch.pipeline.calendar import chinese_number
from ydsearch.pipeline.calendar_data import load_calendar, shipped_calendar


def test_every_shipped_meeting_has_sources_a_name_and_a_date_or_year():
    cal = shipped_calendar()
    assert len(cal) >= 12
    assert len({e.id for e in cal}) == len(cal)
    for e in cal:
        assert e.sources and all(s.strip() for s in e.sources), e.id
        assert e.name and (e.date or e.year), e.id
        assert e.origin == "shipped"
        if e.date:
            assert e.year == int(e.date[:4])
        if e.end_date:
            assert e.end_date > e.date


@pytest.mark.parametrize("entry_id,date,city,province", [
    ("leaders-2019", "2019-05-22", "芜湖", "安徽"), ("leaders-2020", "2020-06-05", "湖州", "浙江"),
    ("leaders-2024", "2024-06-05", "温州", "浙江"), ("xi-2020", "2020-08-20", "合肥", "安徽"),
    ("xi-2023", "2023-11-30", "上海", "上海")])
def test_the_facts_the_issue_names(entry_id, date, city, province):
    e = shipped_calendar().get(entry_id)
    assert (e.date, e.city, e.province) == (date, city, province)


def test_the_annual_meetings_have_one_entry_a_year():
    leaders = shipped_calendar().in_series("leaders")
    years = [e.year for e in leaders]
    assert years == sorted(set(years)) and {2019, 2020, 2021, 2022, 2023, 2024} <= set(years)
    assert [e.edition for e in leaders if e.year >= 2019] == list(range(1, len(years)))


def test_mentions_read_year_and_edition():
    cal = shipped_calendar()
    (m,) = cal.mentions("会议确定,2020年长三角地区主要领导座谈会在浙江省召开。")
    assert (m.series.id, m.year) == ("leaders", 2020)
    assert [e.id for e in cal.resolve(m)] == ["leaders-2020"]
    (m,) = cal.mentions("2020年度长三角地区主要领导座谈会在浙江湖州举行")
    assert m.entry.id == "leaders-2020"
    (m,) = cal.mentions("长三角城市经济协调会(以下简称协调会)第二十次全体会议在连云港召开")
    assert m.edition == 20 and [e.id for e in cal.resolve(m)] == ["cities-20"]
    (m,) = cal.mentions("习近平在上海主持召开深入推进长三角一体化发展座谈会")
    assert m.entry.id == "xi-2023"
    assert cal.mentions("粤港澳合作联席会议在广州举行") == []


@given(st.integers(1, 199))
def test_chinese_numbers(n):
    digits = "零一二三四五六七八九"
    hundreds, tens, ones = divmod(n, 100)[0], divmod(n % 100, 10)[0], n % 10
    text = (digits[hundreds] + "百" if hundreds else "")
    if tens:
        text += ("" if tens == 1 and not hundreds else digits[tens]) + "十"
    elif hundreds and ones:
        text += "零"
    text += digits[ones] if ones else ""
    assert chinese_number(text) == n
    assert chinese_number(str(n)) == n


def _user_file(tmp_path, meetings, name="mine.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"meetings": meetings}, ensure_ascii=False), "utf-8")
    return path


FORUM = {"id": "forum-2022", "name": "长三角一体化研讨会", "date": "2022-03-03",
         "city": "嘉兴", "province": "浙江", "sources": ["my notes"]}


def test_a_user_file_adds_and_replaces_entries(tmp_path):
    fixed = dict(shipped_calendar().get("leaders-2022").to_dict(), city="上海",
                 sources=["corrected by hand"])
    fixed.pop("origin")
    cal = load_calendar(_user_file(tmp_path, [FORUM, fixed]))
    assert len(cal) == len(shipped_calendar()) + 1
    assert cal.get("forum-2022").origin.endswith("mine.json")
    assert cal.get("leaders-2022").sources == ("corrected by hand",)
    assert load_calendar(None) is shipped_calendar()


def test_a_user_entry_dates_a_report_that_states_only_the_day(tmp_path):
    cal = load_calendar(_user_file(tmp_path, [FORUM]))
    text = "长三角一体化研讨会在嘉兴举行\n\n本报讯 3日，长三角一体化研讨会在浙江嘉兴举行。专家认为，要加强协同。"
    doc = parse_article(text, doc_id="f", calendar=cal)
    assert (doc.meeting_id, doc.meeting_date, doc.year, doc.city) == ("forum-2022", "2022-03-03",
                                                                      2022, "嘉兴")
    plain = parse_article(text, doc_id="f")          # the shipped calendar cannot date it
    assert plain.meeting_date is None and plain.meeting_id is None


@pytest.mark.parametrize("content,message", [
    ("{not json", "not valid JSON"),
    ('{"meetings": {}}', "'meetings' must be a list"),
    ('{"meetings": [{"id": "x"}]}', "needs a non-empty 'name'"),
    ('{"meetings": [{"id": "x", "name": "n"}]}', "give a 'date'"),
    ('{"meetings": [{"id": "x", "name": "n", "date": "2020-13-01"}]}', "is not YYYY-MM-DD"),
    ('{"meetings": [{"id": "x", "name": "n", "date": "2020-01-02", "end_date": "2020-01-01"}]}',
     "end_date is before date"),
    ('{"meetings": [{"id": "x", "name": "n", "year": 2020, "series": "nope"}]}', "unknown series"),
    ('[{"id": "x", "name": "n", "year": 2020}, {"id": "x", "name": "m", "year": 2021}]',
     "appears twice"),
])
def test_a_bad_user_file_is_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, "utf-8")
    with pytest.raises(CalendarError, match=re.escape(message)) as e:
        load_calendar(path)
    assert str(path) in str(e.value)
    with pytest.raises(CalendarError, match="no such calendar file"):
        load_calendar(tmp_path / "missing.json")


@pytest.fixture
def runner_env(tmp_path, monkeypatch):
    for var in ("YDSEARCH_INDEX", "YDSEARCH_CALENDAR", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def _invoke(*args, env=None):
    from ydsearch.cli.app import cli

    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def test_cli_calendar_option_and_environment_variable(runner_env, seed_index_path):
    path = _user_file(runner_env, [FORUM])
    r = _invoke("--index", seed_index_path, "meetings", "--calendar", path, "--json")
    assert r.exit_code == 0, r.stderr
    assert "forum-2022" in [m["meeting_id"] for m in json.loads(r.stdout)]
    r = _invoke("--index", seed_index_path, "meetings", env={"YDSEARCH_CALENDAR": str(path)})
    assert r.exit_code == 0 and "长三角一体化研讨会" in r.stdout
    r = _invoke("--index", seed_index_path, "meetings")
    assert r.exit_code == 0 and "长三角一体化研讨会" not in r.stdout


def test_cli_bad_calendar_is_one_error_line_exit_2(runner_env, seed_index_path):
    bad = runner_env / "bad.json"
    bad.write_text("[1, 2", "utf-8")
    for args in (("--index", seed_index_path, "meetings"), ("parse", runner_env),
                 ("--index", runner_env / "ix", "index", runner_env)):
        r = _invoke(*args, "--calendar", bad)
        assert r.exit_code == 2, (args, r.stderr)
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("Error: ")
        assert str(bad) in r.stderr and "Traceback" not in r.stderr
    assert not (runner_env / "ix").exists()          # refused before anything is written


def test_calendar_days_fit_their_span():
    e = shipped_calendar().get("leaders-2024")            # 5-6 June 2024
    assert e.fits(2024, 6, 6) and e.fits(None, None, 5) and e.fits(None, 6, None)
    assert not e.fits(2024, 6, 7) and not e.fits(2023, None, None)
    start = dt.date.fromisoformat(e.date)
    assert e.fits(start.year, start.month, start.day)


def test_the_readme_calendar_example_loads(tmp_path):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    section = readme[readme.index("### The meeting calendar"):]
    example = re.search(r"```json\n(.*?)```", section, re.S).group(1)
    path = tmp_path / "mine.json"
    path.write_text(example, "utf-8")
    assert load_calendar(path).get("forum-2022").city == "嘉兴"
