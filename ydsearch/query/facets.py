"""Facet counts: how the matching passages spread over years, speakers and meetings."""
from collections import Counter
from dataclasses import dataclass
from typing import Dict, Iterable, List, Mapping

#: The facets a search can count, in the order they are shown.
FACETS = ("year", "speaker", "meeting")


@dataclass(frozen=True)
class FacetCount:
    """One value of a facet and the number of matching passages that have it."""

    value: object
    count: int

    def to_dict(self) -> dict:
        return {"value": self.value, "count": self.count}


def order_facet(name: str, counts: Mapping) -> List[FacetCount]:
    """Years in calendar order; other facets by count (most first), then value."""
    items = [(v, n) for v, n in counts.items() if v is not None and n > 0]
    if name == "year":
        items.sort(key=lambda vn: vn[0])
    else:
        items.sort(key=lambda vn: (-vn[1], str(vn[0])))
    return [FacetCount(v, n) for v, n in items]


def count_facets(rows: Iterable[Mapping], names=FACETS) -> Dict[str, List[FacetCount]]:
    """Facet counts over ``rows`` (each a mapping with the facet fields)."""
    counters = {name: Counter() for name in names}
    for row in rows:
        for name in names:
            counters[name][row.get(name)] += 1
    return {name: order_facet(name, counters[name]) for name in names}
