"""Human-readable results: hit headers and blocks, neighbouring paragraphs, the
``--explain`` lines, document headers and the ``parse`` outline.
"""
from typing import List, Optional, Sequence

from ..present import place, to_simplified_spans
from .textwidth import Style, pad, render_text, wrap_segments


# -- hits -----------------------------------------------------------------------
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
    """``--explain``: the parsed query, each term's words and exact runs, and the
    substring lookups with the number of paragraphs each one found."""
    lines = [f"parsed: {res.parsed}"]
    for t in res.terms:
        lines.append(f"term {t.term!r}{' (phrase)' if t.phrase else ''}: words "
                     f"{' / '.join(t.words) or '-'}; exact {' | '.join(t.runs) or '-'}")
    for look in res.lookups:
        lines.append(f"substring {look['text']!r}: {look['paragraphs']} paragraphs")
    return lines


def document_header(d: dict, style: Style) -> List[str]:
    meta = [d.get("meeting"), dated(d), place(d.get("city"), d.get("province")), d.get("source"),
            d.get("doc_id")]
    lines = [style.bold(d.get("title") or d.get("doc_id") or ""),
             " · ".join(str(v) for v in meta if v)]
    if cite(d):
        lines.append(style.dim(cite(d)))
    return lines


def outline(doc, style: Style, width: Optional[int]) -> List[str]:
    """The readable outline of a parsed :class:`~ydsearch.models.Document` (``parse``)."""
    lines = [style.bold(doc.title or doc.doc_id)]
    meta = [("id", doc.doc_id), ("meeting", doc.meeting), ("calendar", doc.meeting_id),
            ("date", doc.meeting_date + (f"..{doc.meeting_end_date}" if doc.meeting_end_date
                                         else "") + " (meeting)" if doc.meeting_date else None),
            ("published", doc.published), ("year", doc.year),
            ("place", place(doc.city, doc.province)),
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
