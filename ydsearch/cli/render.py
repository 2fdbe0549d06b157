"""Human-readable output of the command line: display width, wrapping, highlights,
hit headers, tables and bar charts.

East Asian wide and full-width characters take two terminal columns; every
width here is a *display* width.  Highlights are drawn with colour
(``Style.colour``), with ``[…]`` brackets, or not at all.
"""
import shutil
import unicodedata
from dataclasses import dataclass
from typing import Iterable, List, Optional, Sequence, Tuple

import click

Span = Tuple[int, int]
# Characters a line should not start with (CJK closing punctuation).
NO_LINE_START = set("，。、；：？！）」』”’》〉】〕…,.;:?!)]}%")
BLOCKS = " ▏▎▍▌▋▊▉█"


# -- width ----------------------------------------------------------------------
def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or ch in "\u200b\u200c\u200d\u2060\ufeff":
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(text: str) -> int:
    return sum(char_width(c) for c in text)


def pad(text: str, width: int, align: str = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns."""
    gap = max(0, width - display_width(text))
    return " " * gap + text if align == "right" else text + " " * gap


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` display columns (``…`` marks a cut)."""
    if display_width(text) <= width:
        return text
    out, used = [], display_width(ellipsis)
    for ch in text:
        w = char_width(ch)
        if used + w > width:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def terminal_width(default: int = 100) -> int:
    """Usable columns: one less than the terminal, so a full line never auto-wraps."""
    return max(40, shutil.get_terminal_size((default, 24)).columns - 1)


# -- styles ---------------------------------------------------------------------
@dataclass(frozen=True)
class Style:
    """How output is marked: ``colour`` (ANSI) or not; ``highlight`` is
    ``"colour"``, ``"brackets"`` or ``"none"``."""

    colour: bool = False
    highlight: str = "brackets"

    def s(self, text: str, **kw) -> str:
        return click.style(text, **kw) if self.colour and text else text

    def dim(self, text: str) -> str:
        return self.s(text, dim=True)

    def bold(self, text: str) -> str:
        return self.s(text, bold=True)


def mark_segments(text: str, spans: Sequence[Span], style: Style) -> List[Tuple[str, bool]]:
    """``text`` as (piece, highlighted) runs; brackets are inserted as plain text."""
    out: List[Tuple[str, bool]] = []
    pos = 0
    for s, e in sorted(spans):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        if s > pos:
            out.append((text[pos:s], False))
        if style.highlight == "brackets":
            out.append(("[" + text[s:e] + "]", False))
        else:
            out.append((text[s:e], style.highlight == "colour"))
        pos = e
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def highlight(text: str, spans: Sequence[Span], style: Style) -> str:
    return "".join(style.s(p, fg="red", bold=True) if hl else p
                   for p, hl in mark_segments(text, spans, style))


def wrap_segments(segments: Sequence[Tuple[str, bool]], width: int) -> List[List[Tuple[str, bool]]]:
    """Break runs into lines of at most ``width`` display columns.

    Han text breaks between any two characters; Latin words and numbers are
    kept whole when they fit on a line; a line never starts with closing
    punctuation (the last character moves down with it).
    """
    chars = [(c, hl) for piece, hl in segments for c in piece.replace("\n", " ")]
    lines: List[List[Tuple[str, bool]]] = [[]]
    used = 0
    i = 0
    while i < len(chars):
        c, hl = chars[i]
        # a Latin/digit word: take it whole if it fits on an empty line
        j = i
        if c.isascii() and c.isalnum():
            while j + 1 < len(chars) and chars[j + 1][0].isascii() and chars[j + 1][0].isalnum():
                j += 1
        unit = chars[i:j + 1]
        w = sum(char_width(ch) for ch, _ in unit)
        if used + w > width and lines[-1]:
            if w > width:                       # longer than a line: hard-break it
                unit, j = chars[i:i + 1], i
                w = char_width(c)
                if used + w <= width:
                    lines[-1].extend(unit)
                    used += w
                    i = j + 1
                    continue
            carry = []
            if c in NO_LINE_START and len(lines[-1]) > 1 and lines[-1][-1][0] not in NO_LINE_START:
                carry = [lines[-1].pop()]
            while lines[-1] and lines[-1][-1][0] == " ":
                lines[-1].pop()
            lines.append(carry)
            used = sum(char_width(ch) for ch, _ in carry)
            if c == " ":
                i += 1
                continue
        lines[-1].extend(unit)
        used += w
        i = j + 1
    return [_join(line) for line in lines]


def _join(chars: Iterable[Tuple[str, bool]]) -> List[Tuple[str, bool]]:
    out: List[Tuple[str, bool]] = []
    for c, hl in chars:
        if out and out[-1][1] == hl:
            out[-1] = (out[-1][0] + c, hl)
        else:
            out.append((c, hl))
    return out


def render_text(text: str, spans: Sequence[Span], style: Style, width: Optional[int],
                indent: str = "   ") -> str:
    """``text`` with highlights, wrapped to ``width`` columns (None: one line) and indented."""
    segs = mark_segments(text, spans, style)
    if width is None:
        lines = [segs]
    else:
        lines = wrap_segments(segs, max(10, width - display_width(indent)))
    return "\n".join(indent + "".join(style.s(p, fg="red", bold=True) if hl else p
                                      for p, hl in line) for line in lines)


# -- hits -----------------------------------------------------------------------
def place(city: Optional[str], province: Optional[str]) -> str:
    """``安徽芜湖`` from province 安徽 and city 芜湖; never repeats a name."""
    city, province = city or "", province or ""
    if province and city.startswith(province):
        return city
    if city and province.endswith(city):
        return province
    return province + city


def dated(d: dict) -> Optional[str]:
    """The date a hit or document is filed under, saying which date it is:
    ``2023-11-30 (meeting)`` or ``2024-11-17 (published)``."""
    date = d.get("date") or d.get("meeting_date") or d.get("published")
    if not date:
        return None
    kind = d.get("date_kind") or ("meeting" if d.get("meeting_date") else "published")
    return f"{date} ({kind})"


def cite(d: dict) -> Optional[str]:
    """Where to cite a hit or document from: its URL, else its source file (relative
    to the current folder when it is inside it; JSON always has the absolute path)."""
    if d.get("url") or not d.get("path"):
        return d.get("url")
    import os

    try:
        rel = os.path.relpath(d["path"])
    except ValueError:          # another drive (Windows)
        return d["path"]
    return d["path"] if rel.startswith(os.pardir) else rel


def hit_header(h: dict, style: Style, width: Optional[int] = None) -> str:
    """``1. 李强 (role) · meeting · 2019-05-22 · 安徽芜湖 · source``; missing parts omitted.

    Wrapped to ``width`` display columns with a hanging indent; rank and speaker bold.
    """
    who = h.get("speaker") or ""
    if who and h.get("speaker_role"):
        who += f" ({h['speaker_role']})"
    parts = [who] if who else []
    for value in (h.get("meeting") or h.get("title"), dated(h),
                  place(h.get("city"), h.get("province")), h.get("source")):
        if value:
            parts.append(str(value))
    rank = f"{h['rank']}."
    plain = " ".join([rank, " · ".join(parts)]) if parts else rank
    if width is None:
        lines = [plain]
    else:
        lines = ["".join(p for p, _ in line)
                 for line in wrap_segments([(plain, False)], max(10, width - 3))]
    first = lines[0]
    bold_end = len(rank) + 1 + (len(h.get("speaker") or "") if who else 0)
    lines[0] = style.bold(first[:bold_end]) + first[bold_end:]
    return "\n".join([lines[0]] + ["   " + line for line in lines[1:]])


def to_simplified_spans(text: str, spans: Sequence[Span]) -> Tuple[str, List[Span]]:
    """``text`` in Simplified script and ``spans`` moved onto it.

    The normaliser is 1:1 on cleaned paragraph text, so the spans are usually
    unchanged; when it drops characters (glosses, zero-width) they are remapped.
    """
    from ..pipeline.normalize import normalize

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


def paragraph_line(p: dict, style: Style, width: Optional[int], focus: bool = False,
                   simplified: bool = False, dim: bool = True) -> str:
    """``#n [kind] speaker:`` then the text, indented (for ``show``); the paragraph
    asked for (``focus``) is marked ``→``, the others dimmed when ``dim``."""
    text = p.get("text") or ""
    if simplified:
        text, _ = to_simplified_spans(text, ())
    label = f"#{p.get('index')}"
    if p.get("kind") and p["kind"] != "body":
        label += f" [{p['kind']}]"
    if p.get("speaker"):
        label += f" {p['speaker']}:"
    head = style.bold("→ " + label) if focus else ("  " + label if not dim
                                                     else style.dim("  " + label))
    body = render_text(text, (), style, width, indent="    ")
    if dim and not focus:
        body = "\n".join(style.dim(line) for line in body.split("\n"))
    return f"{head}\n{body}"


def context_line(p: dict, style: Style, width: Optional[int], simplified: bool = False,
                 speaker: Optional[str] = None) -> str:
    """A neighbouring paragraph of a hit: dim, behind a ``┆`` rule."""
    text = p.get("text") or ""
    if simplified:
        text, _ = to_simplified_spans(text, ())
    who = p.get("speaker")
    text = f"#{p.get('index')} " + (f"{who}: " if who and who != speaker else "") + text
    body = render_text(text, (), style, width, indent="   ┆ ")
    return "\n".join(style.dim(line) for line in body.split("\n"))


def hit_block(h: dict, style: Style, width: Optional[int], full: bool = False,
              simplified: bool = False, before: Sequence[dict] = (),
              after: Sequence[dict] = ()) -> str:
    """Header, neighbours before, the passage with highlights, neighbours after, id."""
    text, spans = (h["text"], h["highlights"]) if full else (h["snippet"],
                                                             h["snippet_highlights"])
    if simplified:
        text, spans = to_simplified_spans(text, spans)
    spans = [tuple(s) for s in spans]
    out = [hit_header(h, style, width)]
    out += [context_line(p, style, width, simplified, h.get("speaker")) for p in before]
    out.append(render_text(text, spans, style, width))
    out += [context_line(p, style, width, simplified, h.get("speaker")) for p in after]
    out.append("   " + style.dim(h["id"] + (f" · {cite(h)}" if cite(h) else "")))
    return "\n".join(out)


def explain_lines(res) -> List[str]:
    """``--explain``: the parsed query, each term's words and bigrams, the whoosh query."""
    lines = [f"parsed: {res.parsed}"]
    for t in res.terms:
        bigrams = " | ".join(" ".join(run) for run in t.bigrams)
        lines.append(f"term {t.term!r}{' (phrase)' if t.phrase else ''}: words "
                     f"{' / '.join(t.words) or '-'}; bigrams {bigrams or '-'}")
    lines.append(f"whoosh: {res.whoosh_query}")
    return lines


def document_header(d: dict, style: Style) -> List[str]:
    meta = [d.get("meeting"), dated(d), place(d.get("city"), d.get("province")), d.get("source"),
            d.get("doc_id")]
    lines = [style.bold(d.get("title") or d.get("doc_id") or ""),
             " · ".join(str(v) for v in meta if v)]
    if cite(d):
        lines.append(style.dim(cite(d)))
    return lines


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


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def outline(doc, style: Style, width: Optional[int]) -> List[str]:
    """The readable outline of a parsed :class:`~ydsearch.models.Document` (``parse``)."""
    lines = [style.bold(doc.title or doc.doc_id)]
    meta = [("id", doc.doc_id), ("meeting", doc.meeting), ("calendar", doc.meeting_id),
            ("date", doc.meeting_date + (f"..{doc.meeting_end_date}" if doc.meeting_end_date
                                         else "") + " (meeting)" if doc.meeting_date else None),
            ("published", doc.published), ("year", doc.year), ("place", place(doc.city, doc.province)),
            ("source", doc.source), ("url", doc.url), ("script", doc.script), ("path", doc.path)]
    for k, v in meta:
        if v:
            lines.append(f"  {pad(k, 11)}{v}")
    if doc.attendees:
        names = "、".join(a.name + (f"（{a.role}）" if a.role else "") for a in doc.attendees)
        lines.append(f"  {pad('attendees', 11)}{names}")
    lines.append(f"  {pad('paragraphs', 11)}{len(doc.paragraphs)}")
    for p in doc.paragraphs:
        head = f"#{p.index} [{p.kind}]" + (f" {p.speaker}:" if p.speaker else "")
        text = p.text if len(p.text) <= 60 else p.text[:60] + "…"
        lines.append(f"  {style.dim(head)} {text}")
    return lines
