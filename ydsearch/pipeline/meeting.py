"""Which meeting a document reports, and when: dates that mean one thing each.

A document *reports a meeting* when its title, the headings before its first
body paragraph, or the first sentence of that paragraph say the meeting was
held (``…座谈会在浙江湖州举行``, ``习近平…主持召开…座谈会``, ``许继伟在…会议上强调``).
Only then does it get a ``meeting_date``; a date mentioned anywhere else, or a
meeting mentioned in passing, never re-files it.

The meeting's date comes from the meeting calendar when the meeting is in it
(a stated day must fit: ``30日`` fits 2023-11-30), else from the statement's
own date.  A partial date (``30日``, ``12月19日``) of a meeting the calendar
lacks is completed, in this order:

1. by a year the input's metadata or the meeting's name states (``2024年度…``);
2. by the publication date: the last date on or before it that fits, within
   :data:`REPORT_WINDOW_DAYS`;
3. in a document that refers to a calendar meeting as past (``学习贯彻…座谈会上的
   重要讲话精神``; not ``筹备…``): the first date on or after the latest such
   meeting that fits.

A full date (with its year) is believed only within :data:`REPORT_WINDOW_DAYS`
before the publication date (a report written at the time does not repeat
the year; a retrospective does).
"""
import datetime as _dt
import re
from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

from .calendar import Calendar, CalendarEntry, Mention
from .dates import (REPORT_WINDOW_DAYS, PartialDate, end_date, first_after, iso, last_before,
                    parse_date, to_date)

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_MEETING_END = "座谈会|领导小组会议|联席会议|工作会议|全体会议|推进会|峰会|论坛|大会|协调会|会议"
MEETING_RE = re.compile(
    rf"((?:\d{{4}}年度?)?[{HAN}\d]{{2,40}}?(?:{_MEETING_END}))(?=在|召开|举行|上|并|于|$|[，,。；\s(（])"
)
_MEETING_TRIM = re.compile(r"召开了?|举行了?|举办了?|主持|出席|参加|在|确定|审议|今年|明年")
_DOMAIN_RE = re.compile(r"长三角|长江三角洲|一体化")
# The statement that a meeting was held: ``M在…举行``, ``主持召开M``, ``X在M上强调``.
_HELD_AFTER = re.compile(r"^[^，,。；;“”]{0,16}?(?:召开|举行|举办|开幕|闭幕)")
_HELD_BEFORE = re.compile(r"(?:召开|举行|举办|主持召开|主持)了?\s*$")
_AT_MEETING = re.compile(r"^上(?:发表|强调|指出|讲话|表示|致辞|作|提出)")
_REFERENCE_BEFORE = re.compile(r"学习|贯彻|落实|按照|根据|精神|以来|此前|曾")
# A meeting named as still to come: never an anchor for dating.
_FUTURE_BEFORE = re.compile(r"筹备|筹办|迎接|即将|将于|将在|确定|决定|明年|下一届")
_FUTURE_AFTER = re.compile(r"^[^，,。；]{0,6}(?:筹备|将于|将在|即将)")
_SENTENCE_RE = re.compile(r"[^。！？!?；;]+[。！？!?；;]*")


@dataclass(frozen=True)
class MeetingFacts:
    """What :func:`resolve_meeting` found; all None when the document reports no meeting."""

    meeting: Optional[str] = None
    meeting_id: Optional[str] = None
    meeting_date: Optional[str] = None
    meeting_end_date: Optional[str] = None
    city: Optional[str] = None
    province: Optional[str] = None
    year_hint: Optional[int] = None


# -- the statement that the document's meeting was held ------------------------------
def sentences(text: str) -> List[str]:
    return [s for s in _SENTENCE_RE.findall(text) if s.strip()]


def statement_texts(title: Optional[str], paragraphs: Sequence[Tuple[str, str]]
                    ) -> List[Tuple[str, str]]:
    """``(where, text)`` of the places a report states its meeting: title, the
    headings before the first body paragraph, that paragraph's first sentence."""
    out = [("title", title)] if title else []
    for kind, text in paragraphs:
        if kind == "body":
            first = sentences(text)
            if first:
                out.append(("lede", first[0]))
            break
        if kind == "heading":
            out.append(("heading", text))
    return out


def _held(sentence: str, start: int, end: int) -> bool:
    before, after = sentence[max(0, start - 8):start], sentence[end:]
    if _HELD_AFTER.match(after) or _HELD_BEFORE.search(before):
        return True
    if sentence[start - 1:start] == "在" and _AT_MEETING.match(after):
        lead = sentence[max(0, start - 24):start]
        return not _REFERENCE_BEFORE.search(lead) and "精神" not in after[:12]
    return False


def _named_meetings(sentence: str, calendar: Calendar) -> List[Tuple[int, int, Optional[Mention]]]:
    """Meeting names in ``sentence``: calendar mentions first, then 长三角 meeting names."""
    found = [(m.start, m.end, m) for m in calendar.mentions(sentence)]
    for m in MEETING_RE.finditer(sentence):
        name = _MEETING_TRIM.split(m.group(1))[-1]
        if len(name) < 6 or not _DOMAIN_RE.search(name):
            continue
        start = m.end(1) - len(name)
        if not any(s <= start < e or start <= s < m.end(1) for s, e, _ in found):
            found.append((start, m.end(1), None))
    return sorted(found, key=lambda t: t[0])


def _year_prefix(name: str) -> Optional[int]:
    m = re.match(r"(\d{4})年", name)
    return int(m.group(1)) if m else None


def _anchor(text: str, calendar: Calendar) -> Optional[_dt.date]:
    """The latest calendar meeting ``text`` refers to as past (not as to come)."""
    best = None
    for m in calendar.mentions(text):
        before, after = text[max(0, m.start - 12):m.start], text[m.end:m.end + 10]
        if _FUTURE_BEFORE.search(before) or _FUTURE_AFTER.match(after):
            continue
        entries = calendar.resolve(m)
        if len(entries) != 1 or not entries[0].date:
            continue
        day = _dt.date.fromisoformat(entries[0].date)
        best = day if best is None or day > best else best
    return best


def _statement(title, paragraphs, calendar) -> Optional[Tuple[str, str, int, int, Optional[Mention]]]:
    for where, text in statement_texts(title, paragraphs):
        for start, end, mention in _named_meetings(text, calendar):
            if _held(text, start, end):
                return where, text, start, end, mention
    return None


def _statement_date(where: str, text: str, paragraphs) -> Optional[PartialDate]:
    date = parse_date(text)
    if date is None and where != "lede":
        lede = next((sentences(t)[:1] for k, t in paragraphs if k == "body"), [])
        if lede and re.search(r"召开|举行|举办|开幕|主持", lede[0]):
            date = parse_date(lede[0])
    return date


def resolve_meeting(title: Optional[str], paragraphs: Sequence[Tuple[str, str]],
                    published: Optional[str], calendar: Calendar,
                    place=None, year: Optional[int] = None) -> MeetingFacts:
    """The meeting a document reports (see the module docstring).

    ``paragraphs`` are ``(kind, simplified_text)``; ``place(text)`` gives the
    ``(city, province)`` a sentence states, if any; ``year`` is a year the
    input's metadata states, which completes a partial date before anything else.
    """
    found = _statement(title, paragraphs, calendar)
    if found is None:
        return MeetingFacts()
    where, text, start, end, mention = found
    name = text[start:end]
    date = _statement_date(where, text, paragraphs)
    pub = to_date(published)
    city, province = place(text) if place else (None, None)
    year_hint = year or (mention.year if mention else None) or _year_prefix(name)
    if date and date.relative is not None:
        if pub is None:
            date = None
        else:
            day = pub - _dt.timedelta(days=date.relative)
            date = PartialDate(day.year, day.month, day.day)
    if date and date.year and pub and not _written_at_the_time(date, pub):
        return MeetingFacts()  # a dated retrospective, not a report
    entry = _calendar_entry(mention, date, year_hint, city, pub, calendar)
    if entry is not None:
        return _from_entry(entry, date)
    if mention is not None and mention.name_start is not None:
        name = text[mention.name_start:end]  # with its year: 2024年长三角城市经济协调会
    meeting = name
    day = None
    if date and date.day:
        if date.year and date.month:
            day = to_date(iso(date.year, date.month, date.day))
        else:
            day = _complete(date, year_hint, pub, paragraphs, calendar)
    return MeetingFacts(
        meeting=meeting, meeting_date=day.isoformat() if day else None,
        meeting_end_date=end_date(day, date) if day else None, city=city, province=province,
        year_hint=year_hint)


def _complete(date: PartialDate, year_hint: Optional[int], pub: Optional[_dt.date],
              paragraphs, calendar: Calendar) -> Optional[_dt.date]:
    """A partial date made whole: stated year, publication window, calendar anchor."""
    partial = PartialDate(date.year or year_hint, date.month, date.day)
    if partial.year and partial.month:
        return to_date(iso(partial.year, partial.month, partial.day))
    if pub is not None:
        day = last_before(partial, pub + _dt.timedelta(days=1))
        if day is not None:
            return day
    anchor = _anchor("\n".join(t for _, t in paragraphs), calendar)
    if anchor is not None:
        day = first_after(partial, anchor)
        if day is not None and (pub is None or day <= pub + _dt.timedelta(days=1)):
            return day
    return None


def _written_at_the_time(date: PartialDate, pub: _dt.date) -> bool:
    """Is a date stated with its year plausible as the day of a report published on ``pub``?"""
    first = to_date(iso(date.year, date.month or 1, date.day or 1))
    if first is None:
        return False
    last = first if date.day else to_date(iso(date.year + (date.month or 12) // 12,
                                               (date.month or 12) % 12 + 1, 1)) - _dt.timedelta(1)
    return (pub - last).days <= REPORT_WINDOW_DAYS and (first - pub).days <= 1


def _calendar_entry(mention: Optional[Mention], date: Optional[PartialDate],
                    year_hint: Optional[int], city: Optional[str], pub: Optional[_dt.date],
                    calendar: Calendar) -> Optional[CalendarEntry]:
    if mention is None:
        return None
    y, mo, d = (date.year, date.month, date.day) if date else (None, None, None)
    entries = calendar.resolve(mention, year=y or year_hint, month=mo, day=d, city=city)
    if len(entries) > 1 and pub is not None:  # a series: the one just before publication
        near = [e for e in entries if e.date and 0 <= (pub - _dt.date.fromisoformat(e.date)).days
                <= REPORT_WINDOW_DAYS]
        entries = near
    if len(entries) != 1:
        return None
    entry = entries[0]
    if date is None and pub is not None and entry.date and \
            not -1 <= (pub - _dt.date.fromisoformat(entry.date)).days <= REPORT_WINDOW_DAYS:
        return None  # no day stated and published long after: a mention, not a report
    return entry


def _from_entry(entry: CalendarEntry, date: Optional[PartialDate]) -> MeetingFacts:
    start, end = entry.date, entry.end_date
    if start is None and date and date.day and date.month and entry.year:
        start = iso(entry.year, date.month, date.day)  # the calendar knows only the year
    return MeetingFacts(
        meeting=entry.name, meeting_id=entry.id, meeting_date=start, meeting_end_date=end,
        city=entry.city, province=entry.province, year_hint=entry.year)
