"""Dates that mean one thing each: published, meeting_date only for a report of a meeting.

Made-up articles (never text of the scale corpus) in the shapes news takes.
"""
import datetime as dt

import pytest
from hypothesis import given, strategies as st

from ydsearch.pipeline.article import parse_article
from ydsearch.pipeline.dates import PartialDate, first_after, last_before, parse_date


def doc(text, **meta):
    return parse_article(text, doc_id="t", **meta)


@pytest.mark.parametrize("text,want", [
    ("2024年6月5日，会议召开", (2024, 6, 5, None, None)),
    ("6月5日至6日，座谈会举行", (None, 6, 5, None, 6)),
    ("习近平30日上午在上海", (None, None, 30, None, None)),
    ("12月19日,全市会议召开", (None, 12, 19, None, None)),
    ("2020年8月，座谈会在合肥召开", (2020, 8, None, None, None)),
])
def test_parse_date(text, want):
    p = parse_date(text)
    assert (p.year, p.month, p.day, p.end_month, p.end_day) == want


def test_relative_dates():
    assert parse_date("今天（3月5日），会议召开").relative == 0
    assert parse_date("没有日期") is None


@given(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)), st.integers(1, 31),
       st.one_of(st.none(), st.integers(1, 12)))
def test_first_after_and_last_before_fit(anchor, day, month):
    p = PartialDate(None, month, day)
    after = first_after(p, anchor)
    if after is not None:
        assert after >= anchor and after.day == day and (month is None or after.month == month)
        assert (after - anchor).days <= 366
    before = last_before(p, anchor)
    if before is not None:
        assert before <= anchor and before.day == day and (anchor - before).days <= 45


def test_a_date_mentioned_in_passing_never_refiles_an_item():
    text = ("春耕时节各地忙\n\n本台消息（晚间新闻）：今年春播比往年提前，各地农机已陆续下田。"
            "2019年5月22日，长三角地区主要领导座谈会在安徽芜湖召开，会议提出了合作事项。")
    d = doc(text, title="春耕时节各地忙", published="2024-04-14")
    assert (d.date, d.date_kind, d.year, d.meeting_date, d.meeting) == \
        ("2024-04-14", "published", 2024, None, None)


def test_a_retrospective_with_its_year_is_not_a_report():
    text = "2020年8月20日，扎实推进长三角一体化发展座谈会在合肥召开。三年来，合作不断深化。"
    d = doc(text, title="回眸", published="2023-08-20")
    assert (d.date_kind, d.year, d.meeting_id) == ("published", 2023, None)


def test_a_report_of_a_calendar_meeting_published_days_later():
    text = "本台消息（晚间新闻）：20日，扎实推进长三角一体化发展座谈会在合肥召开，习近平主持会议。"
    d = doc(text, title="习近平主持召开座谈会", published="2020-08-22")
    assert (d.meeting_id, d.meeting_date, d.date_kind, d.year, d.city) == \
        ("xi-2020", "2020-08-20", "meeting", 2020, "合肥")


def test_a_day_that_does_not_fit_the_calendar_is_not_that_meeting():
    text = "21日，扎实推进长三角一体化发展座谈会在合肥召开。"
    d = doc(text, published="2020-08-22")
    assert d.meeting_id is None and d.meeting_date == "2020-08-21"


def test_a_series_name_is_resolved_by_day_and_place():
    text = "5月22日,长三角地区主要领导座谈会在安徽芜湖召开。会议指出,要加强合作。"
    d = doc(text, published="2019-05-24")
    assert (d.meeting_id, d.meeting, d.meeting_date) == \
        ("leaders-2019", "2019年度长三角地区主要领导座谈会", "2019-05-22")


def test_today_is_the_publication_date():
    text = "今天（3月3日），长三角数字经济论坛在浙江嘉兴举行。与会专家认为，要协同创新。"
    d = doc(text, published="2024-03-03", title="数字经济论坛举行")
    assert (d.meeting_date, d.date_kind, d.city) == ("2024-03-03", "meeting", "嘉兴")
    assert d.meeting == "长三角数字经济论坛"


def test_a_partial_date_completes_after_a_past_calendar_meeting_without_publication_date():
    text = ("12月5日,全市推进长三角一体化发展工作会议召开。会议要求,深入学习贯彻习近平总书记在"
            "扎实推进长三角一体化发展座谈会上的重要讲话精神。")
    d = doc(text)
    assert (d.meeting_date, d.year) == ("2020-12-05", 2020)
    assert d.published is None and d.date_kind == "meeting"


def test_a_meeting_still_to_come_is_no_anchor():
    text = ("12月5日,全市推进长三角一体化发展工作会议召开。会议要求,做好2024年长三角城市经济协调会"
            "各项筹备工作,迎接深入推进长三角一体化发展座谈会一周年。")
    d = doc(text)
    assert d.meeting_date is None and d.year is None and d.date_kind is None


def test_publication_date_wins_over_an_older_anchor():
    text = ("合作领导小组开会\n\n24日，推进长三角合作领导小组会议在上海召开，会议回顾了"
            "扎实推进长三角一体化发展座谈会以来的工作进展。")
    d = doc(text, published="2020-09-24")
    assert d.meeting_date == "2020-09-24"


def test_metadata_wins():
    text = "12月19日,全市推进长三角一体化发展工作会议召开。"
    assert doc(text, year=2021).meeting_date == "2021-12-19"
    d = doc(text, meeting_date="2022-01-02", published="2022-01-05")
    assert (d.meeting_date, d.date, d.date_kind, d.year) == ("2022-01-02", "2022-01-02",
                                                             "meeting", 2022)
