"""Presentation shared by the terminal and the browser: how a place, a run of years
and a passage in Simplified script are shown."""
from typing import List, Optional, Sequence, Tuple

Span = Tuple[int, int]


def place(city: Optional[str], province: Optional[str]) -> str:
    """``安徽芜湖`` from province 安徽 and city 芜湖; never repeats a name."""
    city, province = city or "", province or ""
    if province and city.startswith(province):
        return city
    if city and province.endswith(city):
        return province
    return province + city


def years_label(years: Sequence[int]) -> str:
    """``2019–2021, 2023`` from a sorted list of years."""
    out, run = [], []
    for y in years:
        if run and y == run[-1] + 1:
            run.append(y)
            continue
        if run:
            out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
        run = [y]
    if run:
        out.append(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}")
    return ", ".join(out)


def to_simplified_spans(text: str, spans: Sequence[Span]) -> Tuple[str, List[Span]]:
    """``text`` in Simplified script and ``spans`` moved onto it.

    The normaliser is 1:1 on cleaned paragraph text, so the spans are usually
    unchanged; when it drops characters (glosses, zero-width) they are remapped.
    """
    from .pipeline.normalize import normalize

    norm = normalize(text)
    if norm.offsets is None:
        return norm.text, list(spans)
    inverse = {}
    for i, src in enumerate(norm.offsets):
        inverse.setdefault(src, i)

    def at(pos: int) -> int:
        while pos < len(text) and pos not in inverse:
            pos += 1
        return inverse.get(pos, len(norm.text))

    return norm.text, [(at(s), at(e) if e < len(text) else len(norm.text)) for s, e in spans]
