"""Partial dates as texts state them, and how to complete them.

``parse_date`` reads the first date of a sentence (``2024年6月5日``, ``6月5日至6日``,
``30日``, ``2020年8月``, ``今天``); ``first_after`` and ``last_before`` find the
dates that fit a partial one after an anchor or before a publication date.
"""
import datetime as _dt
import re
from dataclasses import dataclass
from typing import List, Optional

# How long after a meeting its report may be published (re-publications with
# the original wording are recognised by their partial date instead).
REPORT_WINDOW_DAYS = 45
DATE_RE = re.compile(
    r"(?<!\d)(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})[日号](?:(?:至|到|-|—|－|~)(?:(\d{1,2})月)?(\d{1,2})[日号])?"
    r"|(?<!\d)(\d{4})年(\d{1,2})月(?!\d{0,2}[日号])"
)
_RELATIVE_RE = re.compile(r"今天|今日|昨天|昨日")


@dataclass(frozen=True)
class PartialDate:
    """A date as the text states it: any part may be missing."""

    year: Optional[int]
    month: Optional[int]
    day: Optional[int]
    end_month: Optional[int] = None
    end_day: Optional[int] = None
    relative: Optional[int] = None  # 0 for 今天, 1 for 昨天 (days before publication)


def parse_date(text: str) -> Optional[PartialDate]:
    """The first date ``text`` states (``6月5日至6日``, ``30日``, ``今天``), if any."""
    m = DATE_RE.search(text)
    r = _RELATIVE_RE.search(text)
    if r and (not m or r.start() < m.start()):
        return PartialDate(None, None, None, relative=0 if r.group()[0] == "今" else 1)
    if not m:
        return None
    if m.group(6):
        return PartialDate(int(m.group(6)), int(m.group(7)), None)
    y, mo, d, mo2, d2 = (int(g) if g else None for g in m.groups()[:5])
    if mo is not None and not 1 <= mo <= 12 or not 1 <= d <= 31:
        return None
    return PartialDate(y, mo, d, mo2, d2)


def iso(y: int, m: int, d: int) -> Optional[str]:
    try:
        return _dt.date(y, m, d).isoformat()
    except ValueError:
        return None


def to_date(value: Optional[str]) -> Optional[_dt.date]:
    try:
        return _dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _candidates(p: PartialDate, around: _dt.date, forward: bool, span: int) -> List[_dt.date]:
    """Dates that fit ``p``, from ``around`` forward (or backward) within ``span`` days."""
    out = []
    step = 1 if forward else -1
    years = [around.year + step * k for k in range(0, span // 365 + 2)]
    for y in ([p.year] if p.year else years):
        months = [p.month] if p.month else range(1, 13)
        for mo in months:
            s = iso(y, mo, p.day) if p.day else None
            if s:
                out.append(_dt.date.fromisoformat(s))
    lo, hi = (around, around + _dt.timedelta(days=span)) if forward else \
        (around - _dt.timedelta(days=span), around)
    return sorted((d for d in out if lo <= d <= hi), reverse=not forward)


def first_after(p: PartialDate, anchor: _dt.date, span: int = 366) -> Optional[_dt.date]:
    """The first date on or after ``anchor`` that fits ``p``."""
    found = _candidates(p, anchor, True, span)
    return found[0] if found else None


def last_before(p: PartialDate, limit: _dt.date, span: int = REPORT_WINDOW_DAYS
                ) -> Optional[_dt.date]:
    """The last date on or before ``limit`` (within ``span`` days) that fits ``p``."""
    found = _candidates(p, limit, False, span)
    return found[0] if found else None


def end_date(start: _dt.date, p: PartialDate) -> Optional[str]:
    if not p.end_day:
        return None
    y, mo = start.year, p.end_month or start.month
    if mo < start.month:
        y += 1
    end = iso(y, mo, p.end_day)
    return end if end and end > start.isoformat() else None
