"""Document metadata from cleaned paragraphs (matched on the Simplified text).

Title, publication date, source, place and attendees; the meeting a document
reports and its date come from :mod:`ydsearch.pipeline.dates` (against the
meeting calendar), people and roles from :mod:`ydsearch.pipeline.people`.
Metadata passed in by the caller (JSONL fields, a sidecar) wins.
"""
import re
from typing import Optional, Sequence, Tuple

from ..models import Attendee
from .calendar import Calendar
from .calendar_data import shipped_calendar
from .dates import iso
from .meeting import resolve_meeting
from .people import HAN, deck_names, find_people, gazetteer

_ISO_RE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SOURCE_RE = re.compile(r"来源\s*[:：]\s*([^\s:：|]+?)(?=分享|作者|责编|编辑|时间|$|\s|\|)")
_WIRE_RE = re.compile(rf"^([{HAN}]{{2,10}}?)(?:、[^讯，,。]{{2,15}})?讯")
_MASTHEAD_RE = re.compile(rf"^([{HAN}]{{2,8}}报)$")
PROVINCES = ("上海", "江苏", "浙江", "安徽")
CITY_PROVINCE = {"上海": "上海"}
for _prov, _cities in (
    ("江苏", "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁"),
    ("浙江", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水"),
    ("安徽", "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"),
):
    CITY_PROVINCE.update((c, _prov) for c in _cities.split())
del _prov, _cities
_CITIES = "|".join(sorted(CITY_PROVINCE, key=len, reverse=True))
_LOC_RE = re.compile(
    rf"在(?:({'|'.join(PROVINCES)})省?)?(?:({_CITIES})市?)?[{HAN}]{{0,4}}?(?:召开|举行|举办|主持)"
)


def find_published(header: Sequence[str]) -> Optional[str]:
    for line in header:
        m = _ISO_RE.search(line)
        if m:
            return iso(*map(int, m.groups()))
    return None


def find_source(header: Sequence[str], lede: Optional[str]) -> Optional[str]:
    for line in header:
        m = _SOURCE_RE.search(line)
        if m and re.fullmatch(rf"[{HAN}]{{2,20}}", m.group(1)):
            return m.group(1)
    m = _WIRE_RE.match(lede or "")
    if m and m.group(1) not in ("本报", "本台", "本刊", "本网", "新华社"):
        return m.group(1)
    for line in header:
        m = _MASTHEAD_RE.match(line.strip())
        if m:
            return m.group(1)
    return None


def place_in(text: str) -> Tuple[Optional[str], Optional[str]]:
    """``(city, province)`` of the first ``在…召开/举行`` in ``text``."""
    for m in _LOC_RE.finditer(text):
        prov, city = m.group(1), m.group(2)
        city = city or (prov if prov == "上海" else None)
        if city:
            return city, CITY_PROVINCE[city]
        if prov:
            return None, prov
    return None, None


def find_place(texts: Sequence[str], source: Optional[str], body: str
               ) -> Tuple[Optional[str], Optional[str]]:
    for text in texts:
        found = place_in(text)
        if found != (None, None):
            return found
    for city, prov in CITY_PROVINCE.items():
        if source and source.startswith(city) and "全市" in body:
            return city, prov
    return None, None


def _lede(paragraphs: Sequence[Tuple[str, str]]) -> str:
    bodies = [t for k, t in paragraphs if k == "body"]
    for text in bodies[:4]:
        if re.search(r"召开|举行|举办|主持", text) and re.search(r"\d日", text):
            return text
    return bodies[0] if bodies else ""


def _attendees(title: Optional[str], paragraphs: Sequence[Tuple[str, str]]
               ) -> Tuple[Attendee, ...]:
    people = find_people(t for _, t in paragraphs)
    headings = [t for k, t in paragraphs if k == "heading"] + ([title] if title else [])
    for name in deck_names(headings, set(people) | gazetteer()):
        people.setdefault(name, None)
    return tuple(Attendee(n, r) for n, r in people.items())


def _iso_date(value) -> Optional[str]:
    value = str(value)[:10] if value not in (None, "") else None
    return value if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) and iso(
        *map(int, value.split("-"))) else None


def extract(title: Optional[str], paragraphs: Sequence[Tuple[str, str]],
            header: Sequence[str], meta: Optional[dict] = None,
            calendar: Optional[Calendar] = None) -> dict:
    """Metadata fields of :class:`~ydsearch.models.Document` (Simplified input).

    ``paragraphs`` are ``(kind, simplified_text)``; ``meta`` (from JSONL or a
    sidecar) overrides whatever is extracted.  ``date``/``year`` are the
    meeting's for a report of a meeting, else the publication's; ``date_kind``
    says which.
    """
    meta = dict(meta or {})
    calendar = calendar if calendar is not None else shipped_calendar()
    lede = _lede(paragraphs)
    published = _iso_date(meta.get("published")) or find_published(header)
    source = find_source(header, lede)
    facts = resolve_meeting(title, paragraphs, published, calendar, place_in,
                            year=_int(meta.get("year")))
    city, province = facts.city, facts.province
    if not city and not province:
        city, province = find_place([lede] + ([title] if title else []), source, lede)
    out = {
        "title": title, "published": published, "source": source, "url": None,
        "meeting": facts.meeting, "meeting_id": facts.meeting_id,
        "meeting_date": facts.meeting_date, "meeting_end_date": facts.meeting_end_date,
        "city": city, "province": province, "attendees": _attendees(title, paragraphs),
    }
    for key in out:
        if meta.get(key) not in (None, "") and key != "attendees":
            out[key] = meta[key]
    for key in ("meeting_date", "meeting_end_date"):
        if meta.get(key) not in (None, ""):
            out[key] = _iso_date(meta[key])
    if meta.get("city") and not meta.get("province"):
        out["province"] = CITY_PROVINCE.get(out["city"])
    elif out["city"] and not out["province"]:
        out["province"] = CITY_PROVINCE.get(out["city"])
    date = out["meeting_date"] or out["published"]
    out["date"] = date
    out["date_kind"] = "meeting" if out["meeting_date"] else ("published" if date else None)
    out["year"] = _int(meta.get("year")) or (int(date[:4]) if date else facts.year_hint)
    return out


def _int(value) -> Optional[int]:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
