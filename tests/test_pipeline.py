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
    assert d.meeting_date is None and d.year is None  # a bare 30日 is ambiguous
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
    assert d.meeting_date is None and d.year is None
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
