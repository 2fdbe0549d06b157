"""Independent checks of pipeline output on the scale corpus (used by tests/test_scale_pipeline.py).

These do not reuse the pipeline's own rules: they say, from the outside, what a
line of real text is, and what a stray word in a speaker's name or role is.
The scale corpus is read from its path and never copied (see SOURCES.md).
"""
import gzip
import json
import os
import re
from pathlib import Path
from typing import Iterator, List

DEFAULT_SCALE = Path("/work/shared/corpora/scale/xwlb_2017_2026.jsonl.gz")
SAMPLE_SIZE = 3000

_HAN = re.compile(r"[\u4e00-\u9fff]")
# Not text: a bare source dateline (``…消息（…）：`` alone on its line) and a
# crawler's timestamp (``更新时间：2024-01-02T03:04:05.678Z``).
_DATELINE = re.compile(r"^\S{2,14}消息\s*[(（][^)）]{0,20}[)）]\s*[:：]$")
_STAMP = re.compile(r"^更新时间\s*[:：]\s*\d{4}-\d{2}-\d{2}T[\d:.]+Z?$")
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\u00ad]+")

# Words that are never part of a person's name.
_NAME_STRAY = re.compile(
    r"当天|当日|今天|今日|昨天|日前|近日|此前|随后|目前|当地时间|去年|上周"
    r"|表示|指出|强调|回应|宣布|谴责|汇报|报告|发言|发文|参加|出席|会见|宣誓|警告|询问|反驳"
    r"|先后|再次|反复|多次|没有|的|了"
    r"|^(?:一致|共同|选举|大选|郑重|鲜明|连续|班子|致函|官邸)"
    r"|^(?:总统|总理|首相|主席|部长|外长|发言人|候选人|助理|特使|秘书|大使|书记|省长|市长|新闻|兼)"
    r"|(?:也|还|则|曾|都|已|时|地|说|称|等)$"
    r"|^(?:已经|曾经|正在|仍然|再次|首次|亲自)|(?:市|县|省)$"
)
_NAME_SHAPE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:·[\u4e00-\u9fff]{1,8})*$")
# A role starts with the role, and holds no verb of the sentence around it.
_ROLE_STRAY = re.compile(
    r"^(?:不过|但是|但|而且|而|并且|并|同时|此外|另外|据|其中|随后|当天|今天|昨天|日前|近日|此前"
    r"|然而|对此|为此|因此|所以|也(?!门)|还|则|又|\d)"
    r"|的|表示|指出|强调|会见|致函|致电|出版|发表|抵达|准备|说"
)


def scale_path() -> Path:
    return Path(os.environ.get("YDSEARCH_SCALE_CORPUS", DEFAULT_SCALE))


def sample_lines(path: Path, n: int = SAMPLE_SIZE) -> List[bytes]:
    """``n`` JSONL lines spread evenly over the file (it is in date order: every year)."""
    with gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb") as fh:
        lines = [line for line in fh.read().splitlines() if line.strip()]
    step = len(lines) / n
    return [lines[int(i * step)] for i in range(min(n, len(lines)))]


def write_sample(path: Path, out: Path, n: int = SAMPLE_SIZE) -> Path:
    out.write_bytes(b"\n".join(sample_lines(path, n)) + b"\n")
    return out


def text_lines(text: str) -> Iterator[str]:
    """The lines of an item's text that are real text (hold Han characters)."""
    for line in text.split("\n"):
        s = line.strip()
        if _HAN.search(s) and not _DATELINE.match(s) and not _STAMP.match(s):
            yield s


def squeeze(text: str) -> str:
    return _INVISIBLE.sub("", text)


def stray_name(name: str) -> bool:
    return bool(_NAME_STRAY.search(name)) or not _NAME_SHAPE.match(name)


def stray_role(role: str) -> bool:
    return bool(_ROLE_STRAY.search(role))


def records(lines: List[bytes]) -> Iterator[dict]:
    for raw in lines:
        yield json.loads(raw)
