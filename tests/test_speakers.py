"""Speaker attribution: rules on made-up sentences, and facts on scale-corpus items.

The scale corpus may not be copied: its tests read it from
``$YDSEARCH_SCALE_CORPUS`` (default ``../shared/corpora/scale/…``) and only
assert properties of items chosen by id.
"""
import gzip
import json
import os
from pathlib import Path

import pytest

from ydsearch.pipeline.article import parse_article
from ydsearch.pipeline.speakers import assign

DEFAULT_SCALE = Path("/work/shared/corpora/scale/xwlb_2017_2026.jsonl.gz")


def speakers(paragraphs, people=None):
    return [who for who, _ in assign([("body", p) for p in paragraphs], people or {})]


def test_names_are_validated_never_guessed():
    assert speakers(["张三说,今天天气很好。"]) == [None]
    assert speakers(["市委书记张三出席会议并强调,要抓好落实。"], {"张三": "市委书记"}) == ["张三"]
    doc = parse_article("市委书记张三出席会议。\n\n张三说,要抓好落实。", doc_id="t")
    assert [p.speaker for p in doc.paragraphs] == [None, "张三"]
    assert doc.paragraphs[1].speaker_role == "市委书记"


def test_cue_forms():
    people = {"王五": "市长", "李强": None}
    got = speakers([
        "王五在主持会议时强调,要认真贯彻。",
        "就下一步工作,王五要求,各部门要抓紧。",
        "他指出,要再接再厉。",
        "会议确定,明年会议在江苏召开。",
        "大家一致认为,成效明显。",
        "与会人员考察了现场。",
        "王五代表与会各方通报了主要成果。",
        "李强在讲话中指出,要加强合作。",
        "王五主持会议,代表与会各方通报了此次座谈会主要成果。",
        "王五介绍说,今年以来进展顺利。",
        "王五宣布:大会开幕。",
        "王五强调了三点。",
    ], people)
    # narration (通报了, 主持) is not speech; 介绍说 / 宣布: are
    assert got == ["王五", "王五", "王五", "会议", "会议", None, None, "李强", None, "王五", "王五",
                   None]


def test_lead_in_passes_speaker_until_heading():
    rows = [("body", "习近平强调,要加强协同——"), ("body", "要做好甲。"), ("body", "要做好乙。"),
            ("heading", "小标题"), ("body", "要做好丙。")]
    got = [who for who, _ in assign(rows, {})]
    assert got == ["习近平", "习近平", "习近平", None, None]


def test_pronoun_points_back_within_paragraph():
    got = speakers(["国务院总理李强在广东调研。他强调,要稳中求进。"], {"李强": "国务院总理"})
    assert got == ["李强"]


# --- scale corpus ---------------------------------------------------------

EXPECT = {
    "xwlb-20220204-01": {1: "习近平", 6: "普京", 7: None, 10: None},
    "xwlb-20260224-03": {0: None, 1: "会议", 2: "会议", 3: "会议", 4: "会议", 5: None},
    "xwlb-20260105-05": {0: "李强", 2: "李强", 4: None},
    "xwlb-20240616-02": {1: None, 3: "习近平"},
    "xwlb-20230906-05": {1: "赵乐际", 2: "赵乐际", 3: None},
    "xwlb-20230620-05": {0: None, 1: "李强", 2: "李强", 3: None, 4: None},
    "xwlb-20170214-03": {1: "俞正声", 3: "马卡莫", 4: None},
    "xwlb-20250110-04": {1: "会议", 3: "会议", 4: None},
    "xwlb-20200919-01": {0: "习近平"},          # not 沙市 (湖南省长沙市)
    "xwlb-20170123-12": {9: None},              # not 已经 (an adverb after a title)
}


@pytest.fixture(scope="module")
def scale_items():
    path = Path(os.environ.get("YDSEARCH_SCALE_CORPUS", DEFAULT_SCALE))
    if not path.is_file():
        pytest.skip(f"scale corpus not found at {path}")
    found = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if any(f'"{key}"' in line[:60] for key in EXPECT):
                item = json.loads(line)
                if item.get("id") in EXPECT:
                    found[item["id"]] = item
            if len(found) == len(EXPECT):
                break
    return found


@pytest.mark.slow
@pytest.mark.parametrize("item_id", sorted(EXPECT))
def test_scale_item_speakers(scale_items, item_id):
    item = scale_items.get(item_id)
    if item is None:
        pytest.skip(f"{item_id} not in this copy of the scale corpus")
    doc = parse_article(item["text"], doc_id=item_id, title=item.get("title"),
                        published=item.get("date"))
    for index, who in EXPECT[item_id].items():
        assert doc.paragraphs[index].speaker == who, (item_id, index)


# -- names are names, roles start with the role ----------------------------------------------
def people_in(text):
    from ydsearch.pipeline.people import find_people

    return find_people([text])


@pytest.mark.parametrize("text,name,role", [
    # made-up people: the shapes of news sentences, no text of any corpus
    ("挪威首相林德贝里当天表示，愿意扩大贸易往来。", "林德贝里", "挪威首相"),
    ("智利总统阿斯图迪略今天发表视频讲话。", "阿斯图迪略", "智利总统"),
    ("新西兰总理莫里斯随后回应称，将认真研究。", "莫里斯", "新西兰总理"),
    ("奥地利总理候选人哈贝尔在维也纳说，要团结。", "哈贝尔", "奥地利总理候选人"),
    ("蒙古国总统助理巴特尔介绍，双方会谈顺利。", "巴特尔", "蒙古国总统助理"),
    ("不过希腊总理帕帕斯表示，预算仍需调整。", "帕帕斯", "希腊总理"),
    ("而荷兰首相范德堡说，要加强合作。", "范德堡", "荷兰首相"),
    ("应邀访华的秘鲁总统卡斯蒂洛在北京说，欢迎合作。", "卡斯蒂洛", "秘鲁总统"),
    ("泰国总理兼外长颂猜表示，两国友谊深厚。", "颂猜", "泰国总理兼外长"),
    ("马里总统阿马杜·迪亚拉当天抵达。", "阿马杜·迪亚拉", "马里总统"),
])
def test_names_and_roles_have_nothing_glued_on(text, name, role):
    assert people_in(text) == {name: role}


@pytest.mark.parametrize("text", [
    "该国明年举行总统选举，候选人已经登记。",
    "双方外长一致同意，要加强沟通。",
    "总书记鲜明提出，发展是第一要务。",
    "该国总统大选在即，各方关注。",
    "该国总统已经签署了这项法令。",                  # an adverb after the title
    "代表团在湖南省长沙市出席开幕式。",                # 湖南省 + 长沙市, not 省长 + 沙市
])
def test_words_are_not_taken_for_names(text):
    assert people_in(text) == {}


@pytest.mark.parametrize("paragraph,who", [
    ("会见来访的代表团时，王五表示，两地友谊历久弥坚。", "王五"),
    ("林德贝里回顾了双方合作，表示愿意继续沟通。", "林德贝里"),
    ("王五介绍了本次会谈的安排。", None),                          # narration only
    ("林德贝里向王五转交一封信，表示期待早日会面。", "林德贝里"),
    ("王五介绍了情况，林德贝里表示赞同。", None),                  # no cue opens with 林德贝里
])
def test_what_someone_did_then_said_is_theirs(paragraph, who):
    people = {"王五": "市长", "林德贝里": "挪威首相"}
    assert speakers([paragraph], people) == [who]
