"""The meeting calendar: the 长三角 meetings documents are resolved against.

The calendar ships as data (``ydsearch/data/calendar.json``, every entry with
its sources); :func:`ydsearch.pipeline.calendar_data.load_calendar` reads it,
plus a user's file of the same shape, into an immutable :class:`Calendar`.
Nothing is global: callers load a calendar once and pass it to the parse
functions (``calendar=None`` there means the shipped calendar, read once per
process through a cache of the packaged file).

The calendar answers two questions for :mod:`ydsearch.pipeline.dates`: where a
text names a calendar meeting or series (:meth:`Calendar.mentions`), and which
entry a named meeting with partial facts (year, edition, month/day, city) is
(:meth:`Calendar.resolve`).
"""
import datetime as _dt
import re
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_EDITION_RE = re.compile(r"^[^，,。；;]{0,12}?第([0-9一二三四五六七八九十百〇零两]+)(?:次|届)")
_YEAR_BEFORE_RE = re.compile(r"(\d{4})\s*年度?\s*$")


def chinese_number(text: str) -> Optional[int]:
    """``十九`` → 19, ``二十二`` → 22, ``19`` → 19; None when it is not a number."""
    if text.isdigit():
        return int(text)
    total, unit_seen, current = 0, False, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = current * 10 + _CN_DIGITS[ch] if not unit_seen else _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current, unit_seen = 0, True
        elif ch == "百":
            total += (current or 1) * 100
            current, unit_seen = 0, True
        else:
            return None
    return total + current


@dataclass(frozen=True)
class Series:
    """A recurring meeting: ``长三角地区主要领导座谈会`` and the names it goes by."""

    id: str
    name: str
    aliases: Tuple[str, ...] = ()
    note: Optional[str] = None


@dataclass(frozen=True)
class CalendarEntry:
    """One meeting of the calendar."""

    id: str
    name: str
    series: Optional[str] = None
    aliases: Tuple[str, ...] = ()
    edition: Optional[int] = None
    date: Optional[str] = None
    end_date: Optional[str] = None
    year: Optional[int] = None
    city: Optional[str] = None
    province: Optional[str] = None
    chair: Optional[str] = None
    sources: Tuple[str, ...] = ()
    #: ``shipped`` for the package's data, else the path of the user's file.
    origin: str = "shipped"

    def to_dict(self) -> dict:
        d = asdict(self)
        d["aliases"], d["sources"] = list(self.aliases), list(self.sources)
        return d

    def fits(self, year: Optional[int], month: Optional[int], day: Optional[int]) -> bool:
        """Does a (partial) date fall on a day of this meeting?"""
        if year is not None and self.year is not None and year != self.year:
            return False
        if self.date is None:  # only the year is known: nothing more to check
            return True
        start = _dt.date.fromisoformat(self.date)
        end = _dt.date.fromisoformat(self.end_date) if self.end_date else start
        day_ = start
        while day_ <= end:
            if ((year is None or day_.year == year) and (month is None or day_.month == month)
                    and (day is None or day_.day == day)):
                return True
            day_ += _dt.timedelta(days=1)
        return False


@dataclass(frozen=True)
class Mention:
    """Where a text names a calendar entry (``entry``) or only a series (``series``)."""

    start: int
    end: int
    entry: Optional[CalendarEntry] = None
    series: Optional[Series] = None
    #: a year written right before the name (``2020年度…``) and an edition after it.
    year: Optional[int] = None
    edition: Optional[int] = None
    #: where the name starts, with that year (``start`` without it).
    name_start: Optional[int] = None


@dataclass(frozen=True)
class Calendar:
    """An immutable set of meetings and series with name lookups."""

    entries: Tuple[CalendarEntry, ...] = ()
    series: Tuple[Series, ...] = ()
    _keys: Dict[str, Tuple[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _pattern: Optional["re.Pattern"] = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        keys: Dict[str, Tuple[str, str]] = {}
        for s in self.series:
            for name in (s.name,) + s.aliases:
                keys.setdefault(name, ("series", s.id))
        for e in self.entries:
            for name in (e.name,) + e.aliases:
                keys[name] = ("entry", e.id)
        pattern = (re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))
                   if keys else None)
        object.__setattr__(self, "_keys", keys)
        object.__setattr__(self, "_pattern", pattern)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def get(self, entry_id: Optional[str]) -> Optional[CalendarEntry]:
        return next((e for e in self.entries if e.id == entry_id), None)

    def get_series(self, series_id: Optional[str]) -> Optional[Series]:
        return next((s for s in self.series if s.id == series_id), None)

    def in_series(self, series_id: str) -> List[CalendarEntry]:
        return [e for e in self.entries if e.series == series_id]

    def mentions(self, text: str) -> List[Mention]:
        """Every place ``text`` (Simplified) names a calendar meeting or series."""
        if self._pattern is None or ("会" not in text):
            return []
        out = []
        for m in self._pattern.finditer(text):
            kind, ref = self._keys[m.group()]
            y = _YEAR_BEFORE_RE.search(text, max(0, m.start() - 8), m.start())
            year = int(y.group(1)) if y else None
            ed = _EDITION_RE.match(text[m.end():m.end() + 24])
            edition = chinese_number(ed.group(1)) if ed else None
            target = {"entry": self.get(ref)} if kind == "entry" else \
                {"series": self.get_series(ref)}
            out.append(Mention(m.start(), m.end(), year=year, edition=edition,
                               name_start=y.start() if y else m.start(), **target))
        return out

    def resolve(self, mention: Mention, *, year: Optional[int] = None,
                month: Optional[int] = None, day: Optional[int] = None,
                city: Optional[str] = None) -> List[CalendarEntry]:
        """The entries a mention can be, given the facts the text states.

        An entry named outright must fit the stated date; a series needs the
        facts to narrow it down (year, edition, date, city) -- the caller
        decides what to do with more than one candidate.
        """
        year = year if year is not None else mention.year
        if mention.entry is not None:
            pool = [mention.entry]
        else:
            pool = self.in_series(mention.series.id)
            if mention.edition is not None:
                pool = [e for e in pool if e.edition == mention.edition]
        out = []
        for e in pool:
            if not e.fits(year, month, day):
                continue
            if city and e.city and city != e.city:
                continue
            out.append(e)
        return out

    def entry_for(self, meeting: Optional[str], meeting_date: Optional[str]
                  ) -> Optional[CalendarEntry]:
        """The entry a parsed document's ``(meeting, meeting_date)`` is, if any."""
        if not meeting or not meeting_date:
            return None
        try:
            day = _dt.date.fromisoformat(meeting_date)
        except ValueError:
            return None
        named = [m for m in self.mentions(meeting)]
        for e in self.entries:
            if not e.fits(day.year, day.month, day.day) or (e.date is None and e.year != day.year):
                continue
            if e.name == meeting or any(m.entry is e or (m.series and m.series.id == e.series)
                                        for m in named):
                return e
        return None

    def to_dict(self) -> dict:
        return {"series": [asdict(s) for s in self.series],
                "meetings": [e.to_dict() for e in self.entries]}
