"""Results to take away: CSV, TSV, JSON Lines and Markdown.

Passages are exported with their citation (:data:`HIT_COLUMNS`), the full
paragraph as ``text``; listings (speakers, meetings, trend) with their own
columns, lists joined by ``; ``.  CSV is RFC 4180 quoting with ``\\n`` line
ends; TSV is one line per row with tabs and line breaks inside a value turned
into spaces (no quoting, so ``cut`` and ``awk`` read it); JSON Lines is one
object per row, lists kept; Markdown is a table, or for passages a numbered
list of quotes with their citation.
"""
import csv
import io
import json
from typing import Iterable, List, Mapping, Optional, Sequence

#: Columns of a passage in CSV, TSV and JSON Lines (documented in the README).
HIT_COLUMNS = ("rank", "id", "speaker", "speaker_role", "meeting", "title", "date",
               "date_kind", "city", "province", "source", "url", "text")
#: Formats every table-printing command takes; ``text`` is the terminal view.
FORMATS = ("text", "json", "jsonl", "csv", "tsv", "md")


def hit_row(hit: Mapping, simplified: bool = False) -> dict:
    """The citation of one hit (``Hit.to_dict()``), with the whole paragraph."""
    row = {k: hit.get(k) for k in HIT_COLUMNS}
    if simplified:
        row["text"] = hit.get("text_simplified") or row["text"]
    return row


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def delimited(columns: Sequence[str], rows: Iterable[Mapping], fmt: str) -> str:
    """CSV (``fmt="csv"``) or TSV, header first."""
    out = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
        return out.getvalue()
    lines = ["\t".join(columns)]
    for row in rows:
        lines.append("\t".join(" ".join(_cell(row.get(c)).split("\t")).replace("\r", " ")
                               .replace("\n", " ") for c in columns))
    return "\n".join(lines) + "\n"


def json_lines(rows: Iterable[Mapping]) -> str:
    return "".join(json.dumps(dict(r), ensure_ascii=False) + "\n" for r in rows)


def _md(text) -> str:
    """Escape the characters Markdown would read as markup."""
    out = []
    for ch in _cell(text):
        if ch in "\\`*_[]<>|#":
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def md_table(columns: Sequence[str], rows: Iterable[Mapping],
             right: Sequence[str] = ()) -> str:
    """A pipe table; columns named in ``right`` are right-aligned."""
    lines = ["| " + " | ".join(columns) + " |",
             "|" + "|".join("---:" if c in right else "---" for c in columns) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(_md(row.get(c)) for c in columns) + " |")
    return "\n".join(lines) + "\n"


def md_highlighted(text: str, spans) -> str:
    """``text`` escaped, with the highlighted spans in **bold**."""
    out, pos = [], 0
    for s, e in sorted(tuple(x) for x in spans):
        s, e = max(s, pos), min(e, len(text))
        if e <= s:
            continue
        out.append(_md(text[pos:s]) + "**" + _md(text[s:e]) + "**")
        pos = e
    out.append(_md(text[pos:]))
    return "".join(out)


def md_hits(hits: List[Mapping], full: bool = False, simplified: bool = False) -> str:
    """Passages as a numbered list: citation line, the quote, its id."""
    from .render import place, to_simplified_spans

    blocks = []
    for h in hits:
        text, spans = (h["text"], h["highlights"]) if full else (h["snippet"],
                                                                 h["snippet_highlights"])
        if simplified:
            text, spans = to_simplified_spans(text, spans)
        who = f"**{_md(h['speaker'])}**" if h.get("speaker") else ""
        if who and h.get("speaker_role"):
            who += f" ({_md(h['speaker_role'])})"
        parts = [who] if who else []
        for value in (h.get("meeting") or h.get("title"), h.get("date") or h.get("published"),
                      place(h.get("city"), h.get("province")), h.get("source")):
            if value:
                parts.append(_md(value))
        cite = " · ".join(parts)
        if h.get("url"):
            cite += f" · <{h['url']}>"
        blocks.append(f"{h['rank']}. {cite}\n\n   > {md_highlighted(text, spans)}\n\n"
                      f"   `{h['id']}`\n")
    return "\n".join(blocks)


def facet_rows(facets: Mapping[str, list]) -> List[dict]:
    """``[{"facet", "value", "count"}]`` of every facet (for Markdown)."""
    return [{"facet": name, "value": c.value, "count": c.count}
            for name, counts in facets.items() for c in counts]


def md_facets(facets: Mapping[str, list], total: Optional[int] = None) -> str:
    head = f"All {total} matches by year, speaker and meeting:\n\n" if total is not None else ""
    return head + md_table(("facet", "value", "count"), facet_rows(facets), right=("count",))
