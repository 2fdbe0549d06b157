"""The SVG charts beside the hits: matching passages per year, or per speaker.

The numbers are the facet counts of the same search (counted over every match),
so a chart costs no second pass over the matches; they equal
``browse.trend(ix, q, by=…)`` (tested).  This module only computes geometry;
``templates/_chart.html`` draws it, with Jinja2 escaping every label.
"""
from dataclasses import dataclass, field
from typing import Callable, List, Optional, Sequence, Tuple

WIDTH = 280          # viewBox units; the SVG scales to its column
YEAR_HEIGHT = 150
YEAR_TOP, YEAR_BOTTOM, SIDE = 18, 22, 6
ROW, LABEL_W, COUNT_W = 22, 80, 30
TOP_SPEAKERS = 10
MAX_YEAR_LABELS = 12
MAX_COLUMN = 26      # a column is at most this wide, however few the years


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    href: str
    x: float
    y: float
    w: float
    h: float
    active: bool = False
    show_label: bool = True


@dataclass(frozen=True)
class Chart:
    by: str                       # "year" or "speaker"
    width: int
    height: int
    bars: List[Bar] = field(default_factory=list)
    total: int = 0
    unattributed: int = 0         # matches without a year (or speaker)
    more: int = 0                 # speakers not drawn


def year_buckets(counts: Sequence[Tuple[int, int]]) -> List[Tuple[int, int]]:
    """(year, count) for every year from the first to the last, zero counts included."""
    have = {int(y): c for y, c in counts}
    if not have:
        return []
    return [(y, have.get(y, 0)) for y in range(min(have), max(have) + 1)]


def year_chart(counts: Sequence[Tuple[int, int]], total: int, link: Callable[[str], str],
               active: Optional[str] = None) -> Chart:
    """Columns per year; each links to the search with that year added."""
    buckets = year_buckets(counts)
    top = max((c for _, c in buckets), default=0)
    n = len(buckets)
    slot = min((WIDTH - 2 * SIDE) / max(n, 1), MAX_COLUMN / 0.7)
    left = (WIDTH - n * slot) / 2                 # the columns are centred
    room = YEAR_HEIGHT - YEAR_TOP - YEAR_BOTTOM
    every = -(-n // MAX_YEAR_LABELS) if n else 1
    bars = []
    for i, (year, count) in enumerate(buckets):
        h = room * count / top if top else 0.0
        if count:
            h = max(h, 1.5)
        bars.append(Bar(label=str(year), count=count, href=link(str(year)),
                        x=round(left + i * slot + slot * 0.15, 1), y=round(YEAR_TOP + room - h, 1),
                        w=round(slot * 0.7, 1), h=round(h, 1), active=active == str(year),
                        show_label=(n - 1 - i) % every == 0))
    counted = sum(c for _, c in buckets)
    return Chart(by="year", width=WIDTH, height=YEAR_HEIGHT, bars=bars, total=total,
                 unattributed=max(0, total - counted))


def speaker_chart(counts: Sequence[Tuple[str, int]], total: int, link: Callable[[str], str],
                  active: Optional[str] = None) -> Chart:
    """Horizontal bars for the speakers with most matches (most first)."""
    shown = list(counts)[:TOP_SPEAKERS]
    top = max((c for _, c in shown), default=0)
    room = WIDTH - LABEL_W - COUNT_W
    bars = []
    for i, (name, count) in enumerate(shown):
        w = room * count / top if top else 0.0
        bars.append(Bar(label=str(name), count=count, href=link(str(name)), x=LABEL_W,
                        y=i * ROW + 4, w=round(max(w, 1.5), 1), h=ROW - 8,
                        active=active == str(name)))
    counted = sum(c for _, c in counts)
    return Chart(by="speaker", width=WIDTH, height=max(1, len(shown)) * ROW + 4, bars=bars,
                 total=total, unattributed=max(0, total - counted),
                 more=max(0, len(counts) - len(shown)))
