"""Highlight spans and snippets, computed on the original text of a paragraph.

Spans are found on the normalised (Simplified) text, where query and paragraph
meet, and mapped back through the normaliser's offset map, so a highlight in a
Traditional paragraph lands on the Traditional characters that matched.
"""
import re
from typing import List, Sequence, Tuple

from ..pipeline.normalize import Normalized, normalize

Span = Tuple[int, int]
SENTENCE_END = "。！？；!?;\n"
_SENTENCE_RE = re.compile(f"[^{SENTENCE_END}]*[{SENTENCE_END}]*")


def _find_all(haystack: str, needle: str) -> List[Span]:
    spans, start = [], haystack.find(needle)
    while needle and start >= 0:
        spans.append((start, start + len(needle)))
        start = haystack.find(needle, start + 1)
    return spans


def merge_spans(spans: Sequence[Span]) -> List[Span]:
    out: List[List[int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def find_spans(text: str, terms: Sequence[tuple], norm: "Normalized | None" = None) -> List[Span]:
    """Spans of ``text`` (original script) matching the query terms.

    ``terms`` holds ``(normalised term, is_phrase, words[, parts[, expansions]])``:
    a term found as an exact sequence is highlighted whole; otherwise (unquoted)
    the parts that matched -- its words, else its character bigrams -- and the
    lexicon expansions found.  ``norm`` is ``normalize(text)`` when the caller
    already has it.
    """
    norm = norm if norm is not None else normalize(text)
    low = norm.text.lower()
    spans: List[Span] = []
    for value, phrase, words, *rest in terms:
        parts, expansions = (list(rest) + [(), ()])[:2]
        exact = _find_all(low, value.lower())
        if exact or phrase:
            spans.extend(exact)
            continue
        found = [s for w in words if len(w) > 1 or len(value) == 1 for s in _find_all(low, w)]
        for e in expansions:
            found += [s for piece in e.split() for s in _find_all(low, piece)]
        if not found:
            found = [s for g in parts for s in _find_all(low, g)]
        spans.extend(found)
    return [norm.source_span(s, e) for s, e in merge_spans(spans)]


def make_snippet(text: str, spans: Sequence[Span], width: int = 160) -> Tuple[str, List[Span]]:
    """A window of whole sentences around the first highlight, at most ~``width`` chars."""
    if len(text) <= width:
        return text, list(spans)
    first = spans[0][0] if spans else 0
    bounds = []
    for m in _SENTENCE_RE.finditer(text):
        if m.end() > m.start():
            bounds.append((m.start(), m.end()))
    start = next((s for s, e in bounds if s <= first < e), 0)
    if first - start > width // 2:          # a long sentence: centre on the match
        start = max(0, first - width // 4)
    end = start
    for s, e in bounds:
        if e <= start:
            continue
        if end > start and e - start > width:
            break
        end = e
    end = min(max(end, min(start + width, len(text))), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inner = [(max(s, start) + shift, min(e, end) + shift) for s, e in spans if s < end and e > start]
    return prefix + text[start:end] + suffix, inner
