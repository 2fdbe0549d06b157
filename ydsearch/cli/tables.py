"""Tables and bar charts for the browsing commands (``speakers``, ``meetings``,
``stats``, ``trend``) and the ``--facets`` block, padded by display width.
"""
from typing import List, Optional, Sequence, Tuple

from ..present import place, years_label
from .textwidth import display_width, pad, truncate

BLOCKS = " ▏▎▍▌▋▊▉█"


# -- charts and tables ----------------------------------------------------------
def bar(value: int, top: int, width: int) -> str:
    """A horizontal bar of ``value``/``top`` scaled to ``width`` columns (eighth blocks)."""
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))
    return "█" * (eighths // 8) + (BLOCKS[eighths % 8] if eighths % 8 else "")


def bar_chart(rows: Sequence[Tuple[str, int]], width: int) -> List[str]:
    """``label │██████ count`` lines, labels padded by display width."""
    if not rows:
        return []
    label_w = min(max(display_width(str(k)) for k, _ in rows), max(8, width // 3))
    count_w = max(len(str(c)) for _, c in rows)
    top = max(c for _, c in rows)
    room = max(5, width - label_w - count_w - 4)
    return [f"{pad(truncate(str(k), label_w), label_w)} │{bar(c, top, room)} {c}"
            for k, c in rows]


def table(rows: Sequence[Sequence[str]], aligns: str = "", width: Optional[int] = None) -> List[str]:
    """Columns padded by display width; the last column is cut to fit ``width``."""
    if not rows:
        return []
    n = len(rows[0])
    widths = [max(display_width(str(r[i])) for r in rows) for i in range(n)]
    out = []
    for r in rows:
        cells = [pad(str(r[i]), widths[i], "right" if aligns[i:i + 1] == "r" else "left")
                 for i in range(n - 1)]
        line = "  ".join(cells + [str(r[-1])])
        if width is not None:
            line = truncate(line, width)
        out.append(line.rstrip())
    return out


def speakers_table(rows, width: Optional[int]) -> List[str]:
    out = [("speaker", "paras", "years", "meetings", "role")]
    for s in rows:
        role = (s.roles[0] if s.roles else "") + (f" (+{len(s.roles) - 1})"
                                                   if len(s.roles) > 1 else "")
        out.append((s.name, str(s.paragraphs), years_label(s.years), str(len(s.meetings)), role))
    return table(out, aligns="lrlr", width=width)


def meetings_table(rows, width: Optional[int]) -> List[str]:
    """One line per meeting (date, calendar id or ``-`` for a meeting only documents
    report, place, documents, name), then one indented line per document indexed
    for it: id, source, and its URL or file."""
    from .render import cite

    body = [(m.date or (str(m.year) if m.year else "?"), m.meeting_id or "-",
             place(m.city, m.province) or "-", str(len(m.documents)), m.name) for m in rows]
    lines = table([("date", "calendar", "place", "docs", "meeting")] + body, aligns="lllr",
                  width=width)
    out = lines[:1]
    for m, line in zip(rows, lines[1:]):
        out.append(line)
        for d in m.documents:
            extra = " · ".join(v for v in (d.source, cite(d.to_dict())) if v)
            doc_line = f"    {d.doc_id}" + (f" · {extra}" if extra else "")
            out.append(truncate(doc_line, width) if width else doc_line)
    return out


def stats_lines(data: dict) -> List[str]:
    rows = [("index", data["path"]), ("documents", data["documents"]),
            ("paragraphs", data["paragraphs"]),
            ("size", f"{human_size(data['size_bytes'])} ({data['size_bytes']} bytes)"),
            ("dictionary", data["dictionary_hash"]), ("segmenter", data["segmenter"]),
            ("schema", f"{data['schema_version']} (format {data['format_version']}, "
                       f"normaliser {data['normalizer_version']})"),
            ("created", data["created"])]
    if data.get("bundled_seeds"):
        rows.append(("seeds", f"{len(data['bundled_seeds'])} bundled seed files"))
    return [f"{pad(k, 12)}{v}" for k, v in rows]


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def facets_lines(facets, total: int, width: Optional[int], top: int = 8) -> List[str]:
    """``--facets`` under the hits: each facet's values with their counts.

    ``year     2019 (10) · 2020 (12) · 2024 (25)``, wrapped to ``width``
    between values, under the label; a facet with more than ``top`` values
    ends with ``… (+N more)`` (``-f json`` has them all).
    """
    label_w = max(display_width(n) for n in facets) if facets else 0
    indent = " " * (label_w + 4)
    lines = [f"all {total} matching passage{'s' * (total != 1)} by "
             + ", ".join(facets) + ":"]
    for name, counts in facets.items():
        items = [f"{c.value} ({c.count})" for c in counts[:top]] or ["-"]
        if len(counts) > top:
            items.append(f"… (+{len(counts) - top} more)")
        rows = [[]]
        for item in items:
            candidate = " · ".join(rows[-1] + [item])
            if rows[-1] and width is not None and \
                    len(indent) + display_width(candidate) > width:
                rows.append([])
            rows[-1].append(item)
        text = [" · ".join(r) for r in rows]
        lines.append(f"  {pad(name, label_w)}  {text[0]}")
        lines += [indent + "· " + more for more in text[1:]]
    return lines
