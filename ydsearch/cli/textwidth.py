"""Text on a terminal: display width, truncation, wrapping and highlights.

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
NO_LINE_END = set("（「『“‘《〈【〔([{")


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
            if len(lines[-1]) > 1 and lines[-1][-1][0] in NO_LINE_END:
                carry.insert(0, lines[-1].pop())        # an opening bracket goes down too
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
