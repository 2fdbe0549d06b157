"""Raw article text → title, header lines and ``(kind, text)`` paragraphs.

Paragraph text stays in the script of the source; pinyin glosses, ``?`` damage
and zero-width characters are removed (``strip_noise``), after repairing the
damage that can be repaired (a small table, and names whose surviving prefix
matches exactly one name elsewhere in the same document).  Site chrome is
dropped; lines that carry metadata (``发布时间:``, newspaper masthead) are kept
apart in ``Cleaned.header`` for :mod:`ydsearch.extract`.
"""
import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from .normalize import fold_width, strip_noise, to_simplified
from .people import SURNAMES

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
# Damage whose original is known (traditional source text).
KNOWN_DAMAGE = (
    ("重?fù)?dān)", "重擔"),
    ("重?fu)?dan)", "重擔"),
)
# A name whose last character(s) were lost: 2 surviving chars after a title or list mark.
_DAMAGED_NAME = re.compile(rf"(?<=[長长記记席任理員员、,，;；])([{HAN}]{{2}})\?{{2,}}")
_SENT_END = "。！？!?；;…"
_FINAL_PUNCT = set(_SENT_END + "”’」』)）】》\"'")
_LEADIN_END = ("——", "：", ":", "，", ",")
_CONTINUATION = re.compile(
    r"[(（]\s*(?:下转|上接|转)第?\s*[0-9A-Za-z一二三四五六七八九十]+\s*版\s*[)）]"
    r"|下转第?\s*[0-9A-Za-z一二三四五六七八九十]+\s*版"
)
_CAPTION = re.compile(r"(?<![拍])(?:摄|攝)\s*[)）]?\s*$|^[(（]?(?:图|圖)[为為]?\s*[:：]")
# Lines that are site chrome (matched on the Simplified, half-width line).  A
# paragraph that merely mentions 官方微信 or 分享到 is text: those words mark
# chrome only on a short line (_CHROME_SHORT); no chrome line is long.
CHROME_MAX_LEN = 200
SHORT_CHROME_MAX_LEN = 40
_CHROME_SHORT = re.compile(r"分享到|扫码关注|扫码阅读|扫一扫|官方微信|微信公众号|客户端下载")
_CHROME = re.compile(
    r"copyright|all rights reserved|©|icp备|icp证|公网安备|designed by"
    r"|数字报$|公众号$|app$|^[•·]"
    r"|通讯地址|^(?:邮编|网址|邮箱|电话|传真|地址)\s*[:：]"
    r"|^(?:监制|主编|编辑|制图|责编|校对|审核|审校|终审|二审|一审|统筹|策划|值班编辑)\s*[/:：]"
    r"|^[(（]\s*(?:责编|责任编辑|编辑)\s*[:：].*[)）]$|^原标题\s*[:：]|^(?:返回|打印|关闭|顶部)$"
    r"|^\S{2,14}消息\s*(?:[(（][^)）]{0,20}[)）])?\s*[:：]$"
    r"|主管$|主办$|出版$|国内统一连续出版物号|邮发代号"
    r"|^[a-z]+_not_found$|^[(（]无(?:正文|标题)[)）]$",
    re.I,
)
_BREADCRUMB = re.compile(r"^(?:当前位置|您的位置|你的位置|所在位置)\s*[:：]\s*(.*)$")
# Header lines: kept for metadata, not paragraphs.  Only short lines are
# headers: a sentence that mentions a weekday or a lunar date is text.
HEADER_MAX_LEN = 100
_HEADER = re.compile(
    r"发布时间\s*[:：]|更新时间\s*[:：]|来源\s*[:：]|总第\s*\d+\s*期"
    rf"|本期\s*\d+\s*版|^[{HAN}]{{2,8}}(?:日报|晚报|时报|报)$"
)
# A masthead date line (``农历甲辰年五月初七 星期三``): nothing but dates and
# weekdays.  Once the text has begun, such a line is text (a letter's date).
_DATE_LINE = re.compile(
    rf"^(?:[{HAN}]{{2,10}}报\s*)?(?:\s|农历\S{{2,8}}?[年月]\S{{0,6}}|星期[一二三四五六日天]"
    r"|\d{4}年\d{1,2}月\d{1,2}日|[0-9]+)+$")


@dataclass(frozen=True)
class Cleaned:
    """The result of :func:`clean`."""

    title: Optional[str]
    paragraphs: List[Tuple[str, str]] = field(default_factory=list)
    header: List[str] = field(default_factory=list)


def simple(text: str) -> str:
    """The Simplified, half-width form used for pattern matching."""
    return to_simplified(fold_width(text))


def repair_damage(text: str) -> str:
    """Repair ``?`` damage that can be undone, before ``strip_noise`` drops it."""
    for bad, good in KNOWN_DAMAGE:
        text = text.replace(bad, good)
    if "??" not in text:
        return text
    stripped = strip_noise(text)

    def fix(m: "re.Match") -> str:
        prefix = m.group(1)
        if simple(prefix[0]) not in SURNAMES:
            return m.group(0)
        nexts = {n for n in re.findall(rf"{re.escape(prefix)}([{HAN}])", stripped)}
        return prefix + nexts.pop() if len(nexts) == 1 else m.group(0)

    return _DAMAGED_NAME.sub(fix, text)


_SPACES_RE = re.compile(r"[ \t\u3000\u00a0]+")
_WORDY_RE = re.compile(rf"[{HAN}A-Za-z0-9]")
_PAUSE_RE = re.compile(r"[，,、]")
_HAN_START_RE = re.compile(rf"[{HAN}]")
_CLAUSE_RE = re.compile(r"[，,。、；;：:！？!?]")
_CUE_RE = re.compile(r"说|指出|强调|表示|认为|要求|[0-9]+[月日]")


def _lines(text: str) -> List[str]:
    text = strip_noise(repair_damage(text.replace("\r\n", "\n").replace("\r", "\n")))
    out = []
    for line in text.split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if _WORDY_RE.search(line):
            out.append(line)
    return out


def _ends_sentence(text: str) -> bool:
    return text[-1] in _FINAL_PUNCT or text.endswith(_LEADIN_END)


def kind_of(text: str) -> str:
    """``caption``, ``heading`` or ``body`` for one cleaned paragraph."""
    if _CAPTION.search(text) and len(text) <= 300:
        return "caption"
    if len(text) <= 60 and not any(c in text for c in _SENT_END) and not text.endswith(_LEADIN_END):
        return "heading"
    return "body"


def _broken(prev: str, nxt: str) -> bool:
    """Was ``prev`` + ``nxt`` one paragraph broken by page layout?"""
    if _ends_sentence(prev) or not _PAUSE_RE.search(prev) or kind_of(prev) == "caption":
        return False
    if len(prev) < 10 or not _HAN_START_RE.match(nxt) or kind_of(nxt) != "body":
        return False
    head = _CLAUSE_RE.split(nxt, maxsplit=1)[0]
    return len(head) <= 8 and not _CUE_RE.search(simple(head))


def _is_chrome(s: str) -> bool:
    if len(s) <= SHORT_CHROME_MAX_LEN and _CHROME_SHORT.search(s):
        return True
    return len(s) <= CHROME_MAX_LEN and _CHROME.search(s) is not None


def _drop_chrome(lines: List[str]) -> Tuple[List[str], List[str]]:
    crumbs, kept, header = set(), [], []
    for line in lines:
        s = simple(line)
        m = _BREADCRUMB.match(s)
        if m:
            crumbs.update(p.strip() for p in re.split(r"[-—>»/|]+|\s{2,}", m.group(1)) if p.strip())
            continue
        if len(s) <= HEADER_MAX_LEN and (_HEADER.search(s) or (
                _DATE_LINE.match(s) and not any(_ends_sentence(k) for k in kept))):
            header.append(line)
        elif not _is_chrome(s) and s not in crumbs:
            kept.append(line)
    return [k for k in kept if simple(k) not in crumbs], header


def _cut_continuation(lines: List[str]) -> List[str]:
    out = []
    for line in lines:
        m = _CONTINUATION.search(line)
        if not m:
            out.append(line)
            continue
        before = line[: m.start()].strip()
        if before:
            out.append(before)
        if out:
            break  # what follows belongs to another page or another item
    return out


def _dedupe(lines: List[str]) -> List[str]:
    out: List[str] = []
    for line in lines:
        if not out or simple(line) != simple(out[-1]):
            out.append(line)
    return out


def _merge(lines: List[str]) -> List[str]:
    out: List[str] = []
    for line in lines:
        if out and _broken(out[-1], line):
            out[-1] += line
        else:
            out.append(line)
    return out


def clean(text: str, find_title: bool = True) -> Cleaned:
    """Split ``text`` into a title, header lines and classified paragraphs.

    With ``find_title`` false (the input states the title), no line is taken
    for a title: every line of text stays a paragraph (a digest's first
    headline is a heading like the others).
    """
    lines, header = _drop_chrome(_lines(text))
    lines = _merge(_dedupe(_cut_continuation(lines)))
    title = None
    paragraphs = [(kind_of(line), line) for line in lines]
    for i, (kind, line) in enumerate(paragraphs if find_title else ()):
        if kind == "body":
            break
        if kind == "heading" and len(line) >= 6:
            title = line
            del paragraphs[i]
            break
    return Cleaned(title, paragraphs, header)
