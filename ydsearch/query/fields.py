"""Lexical helpers of :mod:`ydsearch.querylang`: field names, ``year:``/``date:`` values.

See :mod:`ydsearch.querylang` for the whole syntax.  ``resolve_field`` maps a
name before a colon to its canonical field (None: the colon is plain text).

``year:`` accepts ``2020``, ``2019..2021``, ``..2020``, ``2019..``, ``>=2022``,
``>2022`` (= ``2023..``), ``<=2020`` and ``<2020`` (= ``..2019``); years lie in
1900..2100.  ``date:`` accepts ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (month
and day may have one digit), alone (the whole period), as range ends
(``2020-06..2020-08`` is 2020-06-01..2020-08-31) or after ``>=``, ``>``,
``<=``, ``<``.  Both are inclusive and return ``(lo, hi)`` with ``None`` for
an open end; dates are ISO ``YYYY-MM-DD`` strings.
"""
import calendar
import datetime
import re
import unicodedata
from types import MappingProxyType
from typing import Optional, Tuple

from ..errors import QuerySyntaxError
from ..pipeline.normalize import fold_width, normalize

CANONICAL_FIELDS = (
    "speaker", "speaker_role", "year", "date", "city", "province",
    "meeting", "source", "kind", "title", "doc",
)

#: Every accepted field name (lower case) -> its canonical name.
FIELD_ALIASES = MappingProxyType({
    **{name: name for name in CANONICAL_FIELDS},
    "发言人": "speaker", "讲话人": "speaker",
    "角色": "speaker_role", "职务": "speaker_role",
    "年份": "year", "年": "year",
    "日期": "date",
    "城市": "city",
    "省份": "province", "省": "province",
    "会议": "meeting",
    "来源": "source",
    "类型": "kind",
    "标题": "title",
    "文档": "doc",
})

YEAR_MIN, YEAR_MAX = 1900, 2100
_OPS = (">=", "<=", ">", "<")
_YEAR_RE = re.compile(r"[0-9]{1,6}\Z")
_DATE_RE = re.compile(r"([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?\Z")
_ONE_DAY = datetime.timedelta(days=1)


def _at(column: int) -> str:
    return f" at column {column}"


def clean_query(query: str) -> str:
    """Fold widths; control characters -> space, lone surrogates -> U+FFFD (same length)."""
    out = []
    for ch in fold_width(query):
        if "\ud800" <= ch <= "\udfff":
            ch = "\ufffd"
        elif unicodedata.category(ch) == "Cc":
            ch = " "
        out.append(ch)
    return "".join(out)


def norm_value(text: str) -> str:
    """``normalize(text).text``, stripped."""
    return normalize(text).text.strip()


def resolve_field(name: str, column: int) -> Optional[str]:
    """Canonical field for ``name``, None if the colon is plain text; unknown ASCII -> error."""
    if not name or not all(ch.isalpha() or ch == "_" for ch in name):
        return None
    key = name.lower()
    if key not in FIELD_ALIASES and not key.isascii():
        key = norm_value(name).lower()
    if key in FIELD_ALIASES:
        return FIELD_ALIASES[key]
    if key.isascii():
        known = ", ".join(CANONICAL_FIELDS)
        raise QuerySyntaxError(
            f"unknown field {name!r} at column {column} (known: {known})", column)
    return None


def split_range(value: str) -> Optional[Tuple[str, str, str]]:
    """``(op, a, b)``: op is ``..`` (a and/or b set), a comparison or ``=``; None if malformed."""
    if ".." in value:
        a, _, b = value.partition("..")
        if (not a and not b) or ".." in b or any(a.startswith(op) for op in _OPS):
            return None
        return "..", a, b
    for op in _OPS:
        if value.startswith(op):
            return (op, value[len(op):], "") if len(value) > len(op) else None
    return "=", value, ""


def parse_year(value: str, column: int) -> Tuple[Optional[int], Optional[int]]:
    """The inclusive year range ``value`` denotes; see the module docstring."""
    bad = QuerySyntaxError(
        "year expects a number or a range like 2019..2021 "
        f"(got {value!r}){_at(column)}", column)
    parts = split_range(value)
    if parts is None or not all(_YEAR_RE.match(p) for p in parts[1:] if p):
        raise bad
    op, a, b = parts
    for text in (a, b):
        if text and not YEAR_MIN <= int(text) <= YEAR_MAX:
            raise QuerySyntaxError(
                f"year {int(text)} is out of range ({YEAR_MIN}..{YEAR_MAX}){_at(column)}", column)
    x = int(a) if a else None
    lo, hi = {
        "=": (x, x), ">=": (x, None), ">": (x + 1 if x is not None else None, None),
        "<=": (None, x), "<": (None, x - 1 if x is not None else None),
        "..": (x, int(b) if b else None),
    }[op]
    _check_order(lo, hi, YEAR_MIN, YEAR_MAX, "year", column)
    return lo, hi


def _check_order(lo, hi, low_bound, high_bound, what: str, column: int) -> None:
    if (lo is not None and lo > high_bound) or (hi is not None and hi < low_bound) or (
            lo is not None and hi is not None and lo > hi):
        raise QuerySyntaxError(
            f"{what} range is empty ({lo if lo is not None else '..'} > "
            f"{hi if hi is not None else '..'}){_at(column)}", column)


def _period(text: str, value: str, column: int) -> Tuple[datetime.date, datetime.date]:
    """First and last day of the year, month or day ``text`` names."""
    m = _DATE_RE.match(text)
    if not m:
        raise QuerySyntaxError(
            "date expects YYYY, YYYY-MM or YYYY-MM-DD or a range like 2019-01..2020-06 "
            f"(got {value!r}){_at(column)}", column)
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise QuerySyntaxError(
            f"year {year} is out of range ({YEAR_MIN}..{YEAR_MAX}){_at(column)}", column)
    if month is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    try:
        if day is None:
            last = calendar.monthrange(year, int(month))[1]
            return datetime.date(year, int(month), 1), datetime.date(year, int(month), last)
        one = datetime.date(year, int(month), int(day))
    except (ValueError, calendar.IllegalMonthError):
        raise QuerySyntaxError(f"invalid date {text!r}{_at(column)}", column) from None
    return one, one


def parse_date(value: str, column: int) -> Tuple[Optional[str], Optional[str]]:
    """The inclusive ISO date range ``value`` denotes; see the module docstring."""
    parts = split_range(value) or ("=", value, "")
    op, a, b = parts
    first, last = _period(a, value, column) if a else (None, None)
    lo, hi = {
        "=": (first, last), ">=": (first, None), "<=": (None, last),
        ">": (last + _ONE_DAY if last else None, None),
        "<": (None, first - _ONE_DAY if first else None),
        "..": (first, _period(b, value, column)[1] if b else None),
    }[op]
    lo_s = lo.isoformat() if lo else None
    hi_s = hi.isoformat() if hi else None
    _check_order(lo_s, hi_s, f"{YEAR_MIN}-01-01", f"{YEAR_MAX}-12-31", "date", column)
    return lo_s, hi_s
