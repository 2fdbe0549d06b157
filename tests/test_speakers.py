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
    ], people)
    assert got == ["王五", "王五", "王五", "会议", "会议", None, "王五", "李强"]


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
