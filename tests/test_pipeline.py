"""ydsearch.pipeline.article on the five seed articles: facts that must hold."""
import json
import re
from pathlib import Path

import pytest

from ydsearch.models import Attendee
from ydsearch.pipeline.article import detect_script, parse_article, read_documents

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def docs():
    return {d.doc_id[:3]: d for d in read_documents([SEEDS])}


def para(doc, start):
    """The first paragraph whose Simplified text starts with ``start``."""
    return next(p for p in doc.paragraphs if p.text_simplified.startswith(start))


def all_text(doc):
    return "\n".join(p.text for p in doc.paragraphs) + "\n" + (doc.title or "")


def test_no_boilerplate_or_glosses_survive(docs):
    for doc in docs.values():
        text = all_text(doc)
        for junk in ("分享到", "Copyright", "ICP", "扫码", "当前位置", "當前位置", "监制", "责编",
                     "原标题", "發布時間", "发布时间", "?"):
            assert junk not in text, (doc.doc_id, junk)
        assert not re.search(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]+\)", text), doc.doc_id
        assert [p.index for p in doc.paragraphs] == list(range(len(doc.paragraphs)))
        assert all(p.id == f"{doc.doc_id}#{p.index}" for p in doc.paragraphs)


def test_000_metadata(docs):
    d = docs["000"]
    assert (d.year, d.meeting_date, d.city, d.province) == (2019, "2019-05-22", "芜湖", "安徽")
    assert d.published == "2019-05-24" and d.source == "中安在线"
    assert d.meeting == "2019年度长三角地区主要领导座谈会"
    assert d.script == "traditional"
    assert len(d.attendees) == 8
    assert Attendee("吴政隆", "江苏省委副书记、省长") in d.attendees
    assert Attendee("李强", "中共中央政治局委员、上海市委书记") in d.attendees
    assert d.title.endswith("長三角地區主要領導座談會在安徽蕪湖召開")


def test_000_speakers(docs):
    d = docs["000"]
    assert para(d, "李强在讲话中指出").speaker == "李强"
    assert para(d, "李强在讲话中指出").speaker_role == "中共中央政治局委员、上海市委书记"
    assert para(d, "李强强调").speaker == "李强"
    assert para(d, "李锦斌说").speaker == "李锦斌"
    assert para(d, "吴政隆说").speaker == "吴政隆"
    assert para(d, "会议指出").speaker == "会议"
    assert para(d, "会议指出").speaker_role is None
    assert para(d, "大家一致认为").speaker == "会议"
    first_body = next(p for p in d.paragraphs if p.kind == "body")
    assert first_body.speaker is None and "召开" in first_body.text_simplified
    assert para(d, "会议期间").speaker is None
    assert para(d, "5月22日,长三角").kind == "caption"
    assert "勇挑重擔" in para(d, "会议指出,要坚持以习近平").text


def test_001_metadata(docs):
    d = docs["001"]
    assert d.meeting == "2020年度长三角地区主要领导座谈会"
    assert (d.meeting_date, d.year, d.city, d.province) == ("2020-06-05", 2020, "湖州", "浙江")
    assert d.source is None  # 本报讯 names no publisher
    gong = next(a for a in d.attendees if a.name == "龚正")
    assert "代市长" in gong.role
    assert d.title == "2020年度长三角地区主要领导座谈会在浙江湖州举行"
    assert all(p.text != d.title for p in d.paragraphs)  # duplicated headline removed
    assert para(d, "娄勤俭说").speaker == "娄勤俭"
    assert para(d, "会前").speaker == "会议"  # 大家一致认为
    assert d.script == "simplified"


def test_002_bullets_headings_and_dates(docs):
    d = docs["002"]
    # "30日" of a report re-published on 2024-11-17: the calendar's symposium of 2023-11-30
    assert (d.meeting_date, d.year, d.meeting_id) == ("2023-11-30", 2023, "xi-2023")
    assert (d.date, d.date_kind) == ("2023-11-30", "meeting")
    assert d.published == "2024-11-17" and d.source is None
    assert d.meeting == "深入推进长三角一体化发展座谈会"
    assert (d.city, d.province) == ("上海", "上海")
    for head in ("紧扣一体化和高质量两个关键词", "李强蔡奇出席", "加强生态环境共保联治"):
        assert para(d, head).kind == "heading"
        assert para(d, head).speaker is None
    assert para(d, "大力推进科技创新").speaker == "习近平"
    assert para(d, "要建立跨区域排污权交易制度").speaker == "习近平"
    assert para(d, "三省一市要认真贯彻").speaker == "习近平"
    assert para(d, "中共中央总书记").speaker is None
    assert {"习近平", "李强", "蔡奇"} <= {a.name for a in d.attendees}


def test_003_layout_and_continuation(docs):
    d = docs["003"]
    merged = para(d, "会议认为")
    assert "重大国家战略" in merged.text
    assert "构筑区域风险防控体系" in para(d, "会议指出,要聚焦构筑").text
    assert "沪宁合高铁" not in all_text(d) and "下转" not in all_text(d)
    assert d.paragraphs[-1].text_simplified.startswith("6月6日")
    assert (d.meeting_date, d.meeting_end_date, d.year) == ("2024-06-05", "2024-06-06", 2024)
    assert (d.city, d.province) == ("温州", "浙江")
    assert d.published == "2024-06-12" and d.source == "安徽科技报"
    assert d.meeting == "2024年度长三角地区主要领导座谈会"
    assert d.title == "2024年度长三角地区主要领导座谈会在浙江温州举行"
    assert len(d.attendees) == 8 and Attendee("信长星", "江苏省委书记") in d.attendees


def test_004_traditional_speakers(docs):
    d = docs["004"]
    assert d.script == "traditional"
    # "12月19日", no year: the first 19 December after the symposium the text refers to
    assert (d.meeting_date, d.year, d.date_kind, d.meeting_id) == ("2023-12-19", 2023, "meeting",
                                                                   None)
    assert d.meeting == "全市推动长三角地区更高质量一体化发展领导小组会议"
    assert (d.city, d.province, d.source) == ("滁州", "安徽", "滁州网")
    for p in d.paragraphs:
        if p.text.startswith("許繼偉強調") or p.text.startswith("許繼偉指出"):
            assert p.speaker == "许继伟" and p.speaker_role == "市委书记"
    assert para(d, "就当前几项具体工作").speaker == "许继伟"
    assert para(d, "吴劲在主持会议时强调").speaker == "吴劲"
    assert para(d, "会议传达学习了").speaker is None
    assert para(d, "吴劲主持").kind == "heading"
    assert {"吴劲", "金力", "许继伟"} <= {a.name for a in d.attendees}


# Every paragraph's speaker as a careful reader gives it (paragraph indexes; all
# others have none): speech is attributed, narration (chaired, attended,
# reported the results) is not.
SEED_SPEAKERS = {
    "000": {"会议": [4, 5, 6, 7, 15], "李强": [9, 10], "李锦斌": [11], "车俊": [12], "吴政隆": [13]},
    "001": {"会议": [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 20], "李强": [14, 15], "车俊": [16],
            "娄勤俭": [17], "李锦斌": [18]},
    "002": {"习近平": [6, 8, 11, 13, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 26, 27, 28, 29, 30, 32,
                    33, 34, 35, 36, 37, 38, 40, 41, 42, 43, 44, 45, 48, 49, 50, 51, 52]},
    "003": {"会议": [4, 5, 6, 7, 8, 9, 10, 11, 12]},
    "004": {"许继伟": [3, 6, 7, 8, 9], "吴劲": [10]},
}


@pytest.mark.parametrize("seed", sorted(SEED_SPEAKERS))
def test_every_seed_paragraph_has_the_speaker_a_reader_gives_it(docs, seed):
    want = {i: who for who, idx in SEED_SPEAKERS[seed].items() for i in idx}
    got = {p.index: p.speaker for p in docs[seed].paragraphs}
    assert got == {i: want.get(i) for i in got}


def test_narration_is_not_speech(docs):
    for seed, start in (("000", "在圆满完成座谈会各项议程后"), ("001", "6月6日,在圆满完成"),
                        ("003", "6月6日,在圆满完成")):
        p = para(docs[seed], start)                   # X代表与会各方通报了…成果, Y主持
        assert p.speaker is None, (seed, p.text)
    assert para(docs["004"], "市委副书记、市长吴劲主持会议").speaker is None
    assert para(docs["004"], "会议传达学习了").speaker is None   # …许继伟一一点评


@pytest.mark.parametrize("seed,date,year,city,province", [
    ("000", "2019-05-22", 2019, "芜湖", "安徽"), ("001", "2020-06-05", 2020, "湖州", "浙江"),
    ("002", "2023-11-30", 2023, "上海", "上海"), ("003", "2024-06-05", 2024, "温州", "浙江"),
    ("004", "2023-12-19", 2023, "滁州", "安徽")])
def test_every_seed_meeting_has_full_date_year_and_place(docs, seed, date, year, city, province):
    d = docs[seed]
    assert (d.meeting_date, d.date, d.date_kind, d.year) == (date, date, "meeting", year)
    assert (d.city, d.province) == (city, province)


def test_a_report_states_which_date_it_is_filed_under():
    text = "本报讯 央视快评发布。\n\n今天，有关部门召开了一次会议，研究长三角一体化发展，2019年5月22日的座谈会也被提及。"
    doc = parse_article(text, doc_id="n", published="2024-03-02", title="快评")
    assert (doc.date, doc.date_kind, doc.year, doc.meeting_date) == ("2024-03-02", "published",
                                                                     2024, None)


def test_sidecar_year_wins(tmp_path):
    src = next(SEEDS.glob("004_*.txt"))
    (tmp_path / src.name).write_text(src.read_text("utf-8"), "utf-8")
    (tmp_path / (src.stem + ".meta.json")).write_text(json.dumps({"year": 2024}), "utf-8")
    (doc,) = read_documents([tmp_path])
    assert doc.year == 2024 and doc.meeting_date == "2024-12-19"


def test_meta_wins_and_pure_parse():
    text = next(SEEDS.glob("001_*.txt")).read_text("utf-8")
    doc = parse_article(text, doc_id="x", title="T", source="S", city="上海", published="2020-06-07")
    assert (doc.title, doc.source, doc.city, doc.province) == ("T", "S", "上海", "上海")
    assert doc.paragraphs[0].id == "x#0" and doc.path is None


def test_empty_article_has_no_paragraphs():
    doc = parse_article("分享到\nCopyright 2020", doc_id="e")
    assert doc.paragraphs == () and doc.title is None


def test_detect_script():
    assert detect_script("長三角地區主要領導座談會") == "traditional"
    assert detect_script("长三角地区主要领导座谈会") == "simplified"


def test_a_paragraph_that_mentions_chrome_words_is_kept():
    from ydsearch.pipeline.clean import clean

    body = "上海市政府官方微信发布了长三角一体化的最新消息，会议强调要推进合作，扫一扫可分享到朋友圈。"
    cleaned = clean(f"标题\n\n{body}\n\n分享到:\n\n扫码关注\n")
    assert [t for _, t in cleaned.paragraphs if "官方微信" in t] == [body]
    assert not any(t.startswith(("分享到", "扫码关注")) for _, t in cleaned.paragraphs)


# -- nothing silently lost ---------------------------------------------------------------
def test_lines_with_a_weekday_or_lunar_date_are_text():
    from ydsearch.pipeline.clean import clean

    lines = ["按照当地习俗，农历正月十五前后要举办灯会，今年的灯会规模比往年更大。",
             "展览每个星期六对外开放，一直持续到月底。",
             "电话那边是一位医生，他说病人情况稳定。"]
    page = "农历甲辰年五月初七 星期三\n一则新闻的标题在此\n" + "\n".join(lines) + "\n2024年6月12日\n"
    cleaned = clean(page)
    assert cleaned.title == "一则新闻的标题在此"
    assert [t for _, t in cleaned.paragraphs] == lines + ["2024年6月12日"]  # a date after the text
    assert cleaned.header == ["农历甲辰年五月初七 星期三"]                  # the masthead's


def test_a_stated_title_keeps_every_line_of_text():
    text = "本台消息（晚间新闻）：\n甲地新建大桥通车\n甲地大桥今天通车，全长三公里。\n乙地举办农民丰收节\n乙地今天举办丰收节。"
    doc = parse_article(text, doc_id="d", title="本地新闻快讯")
    assert doc.title == "本地新闻快讯"
    assert [(p.kind, p.text) for p in doc.paragraphs] == [
        ("heading", "甲地新建大桥通车"), ("body", "甲地大桥今天通车，全长三公里。"),
        ("heading", "乙地举办农民丰收节"), ("body", "乙地今天举办丰收节。")]
    assert parse_article(text, doc_id="d").title == "甲地新建大桥通车"   # no title given: found


def test_a_photo_credit_is_a_caption_filming_is_not():
    from ydsearch.pipeline.clean import kind_of

    assert kind_of("工人们忙着架设箱梁。 阮雪枫 摄") == "caption"
    assert kind_of("电视剧《跨过鸭绿江》正在紧张拍摄") == "heading"


def test_placeholder_items_have_no_paragraphs():
    for text in ("---\n更新时间：2024-01-02T03:04:05.678Z", "TEXT_NOT_FOUND\n---", "", "(无正文)"):
        assert parse_article(text, doc_id="p", title="《晚间新闻》").paragraphs == ()
