"""Load the meeting calendar: the shipped data plus a user's file (``--calendar``).

The file holds ``{"meetings": [...]}`` (optionally ``"series"``) or just a list
of meetings, in the shape of ``ydsearch/data/calendar.json``; each meeting
needs ``id``, ``name`` and ``date`` (``YYYY-MM-DD``) or ``year``.  A user entry
with the id of a shipped one replaces it.  Anything unreadable or malformed is
a :class:`~ydsearch.errors.CalendarError` naming the file.
"""
import datetime as _dt
import json
import os
from functools import lru_cache
from typing import Iterable, List, Optional, Sequence, Tuple

from ..errors import CalendarError
from .calendar import Calendar, CalendarEntry, Series


def _date(value, where: str) -> Optional[_dt.date]:
    if value in (None, ""):
        return None
    try:
        return _dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: date {value!r} is not YYYY-MM-DD") from None


def _entry(raw: dict, origin: str, where: str, series_ids: Iterable[str]) -> CalendarEntry:
    if not isinstance(raw, dict):
        raise CalendarError(f"{where}: a meeting must be a JSON object")
    for key in ("id", "name"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            raise CalendarError(f"{where}: a meeting needs a non-empty '{key}'")
    where = f"{where} (meeting {raw['id']!r})"
    start, end = _date(raw.get("date"), where), _date(raw.get("end_date"), where)
    if end and (not start or end < start):
        raise CalendarError(f"{where}: end_date is before date")
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        raise CalendarError(f"{where}: year must be a number")
    if start and year is not None and year != start.year:
        raise CalendarError(f"{where}: year {year} does not match date {start}")
    if not start and year is None:
        raise CalendarError(f"{where}: give a 'date' (YYYY-MM-DD) or at least a 'year'")
    series = raw.get("series")
    if series is not None and series not in series_ids:
        raise CalendarError(f"{where}: unknown series {series!r}")
    edition = raw.get("edition")
    if edition is not None and (not isinstance(edition, int) or isinstance(edition, bool)):
        raise CalendarError(f"{where}: edition must be a number")
    lists = {}
    for key in ("aliases", "sources"):
        value = raw.get(key) or []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CalendarError(f"{where}: '{key}' must be a list of strings")
        lists[key] = tuple(v for v in value if v.strip())
    text = {k: (str(raw[k]).strip() or None) if raw.get(k) not in (None, "") else None
            for k in ("city", "province", "chair")}
    return CalendarEntry(
        id=raw["id"].strip(), name=raw["name"].strip(), series=series,
        aliases=lists["aliases"], edition=edition,
        date=start.isoformat() if start else None, end_date=end.isoformat() if end else None,
        year=start.year if start else year, sources=lists["sources"], origin=origin, **text)


def _series(raw: dict, where: str) -> Series:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) \
            or not isinstance(raw.get("name"), str):
        raise CalendarError(f"{where}: a series needs an 'id' and a 'name'")
    aliases = raw.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise CalendarError(f"{where}: series aliases must be a list of strings")
    return Series(raw["id"], raw["name"], tuple(aliases), raw.get("note"))


def _parse(data, origin: str, where: str, known_series: Sequence[Series] = ()
           ) -> Tuple[List[CalendarEntry], List[Series]]:
    if isinstance(data, list):
        data = {"meetings": data}
    if not isinstance(data, dict):
        raise CalendarError(f"{where}: expected a JSON object with 'meetings' (or a list)")
    series = [_series(s, where) for s in data.get("series") or []]
    ids = {s.id for s in known_series} | {s.id for s in series}
    meetings = data.get("meetings")
    if not isinstance(meetings, list):
        raise CalendarError(f"{where}: 'meetings' must be a list")
    entries = [_entry(m, origin, where, ids) for m in meetings]
    seen = set()
    for e in entries:
        if e.id in seen:
            raise CalendarError(f"{where}: meeting id {e.id!r} appears twice")
        seen.add(e.id)
    return entries, series


def _build(entries: List[CalendarEntry], series: List[Series]) -> Calendar:
    entries = sorted(entries, key=lambda e: (e.date or f"{e.year:04d}-99", e.id))
    return Calendar(tuple(entries), tuple(series))


@lru_cache(maxsize=1)
def shipped_calendar() -> Calendar:
    """The calendar in the package (``ydsearch/data/calendar.json``), read once."""
    from ..data import read_text

    text = read_text("calendar.json")
    entries, series = _parse(json.loads(text), "shipped", "ydsearch/data/calendar.json")
    return _build(entries, series)


def load_calendar(path=None) -> Calendar:
    """The shipped calendar plus the entries of the JSON file at ``path``, if given.

    The file holds ``{"meetings": [...]}`` (optionally ``"series"``) or just a
    list of meetings; each meeting needs ``id``, ``name`` and ``date``
    (``YYYY-MM-DD``) or ``year``.  Raises :class:`CalendarError` naming the
    file for anything unreadable or malformed.
    """
    base = shipped_calendar()
    if path in (None, ""):
        return base
    where = os.fspath(path)
    try:
        with open(where, "rb") as fh:
            data = json.loads(fh.read().decode("utf-8-sig"))
    except FileNotFoundError:
        raise CalendarError(f"{where}: no such calendar file") from None
    except OSError as e:
        raise CalendarError(f"{where}: cannot read the calendar ({e.strerror or e})") from None
    except UnicodeDecodeError:
        raise CalendarError(f"{where}: the calendar is not UTF-8") from None
    except ValueError as e:
        raise CalendarError(f"{where}: the calendar is not valid JSON ({e})") from None
    entries, series = _parse(data, os.path.abspath(where), where, base.series)
    by_id = {e.id: e for e in base.entries}
    by_id.update((e.id, e) for e in entries)
    all_series = {s.id: s for s in base.series}
    all_series.update((s.id, s) for s in series)
    return _build(list(by_id.values()), list(all_series.values()))
