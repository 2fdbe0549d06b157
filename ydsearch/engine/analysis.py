"""Whoosh analysers for Chinese: normalise, then segment or cut into bigrams.

The classes here are pickled into every index's schema, so their import paths
(``ydsearch.analysis.WordTokenizer``, ``ydsearch.analysis.BigramTokenizer``)
are part of the on-disk format: never rename them.

Both tokenizers take the *original* text of a paragraph, normalise it
(Traditional → Simplified, glosses dropped, full-width folded) and report
``startchar``/``endchar`` in the original text through the offset map, with
ordinal ``pos`` values.

* ``WordTokenizer`` — jieba words; ``mode="index"`` adds sub-words at their
  parent's position, any other mode gives the precise segmentation.
* ``BigramTokenizer`` — overlapping pairs of *units* (a Han character, or a
  run of ASCII letters/digits), never across punctuation or space; ``pos`` is
  the unit index, with a gap at every break, so a phrase of consecutive bigrams
  is an exact substring match.
"""
import re
from functools import lru_cache
from typing import Iterator, List, NamedTuple

from whoosh.analysis import Token, Tokenizer

from ..pipeline.normalize import normalize
from .segmenter import Segmenter

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN_RE = re.compile(rf"(?:[0-9A-Za-z]+|[{_HAN}])+")
UNIT_RE = re.compile(rf"[0-9A-Za-z]+|[{_HAN}]")
PURE_HAN_RE = re.compile(rf"[{_HAN}]+\Z")


class Bigram(NamedTuple):
    text: str
    pos: int
    start: int
    end: int


def _units(run: str, offset: int):
    if PURE_HAN_RE.match(run):
        return [(c, offset + i, offset + i + 1) for i, c in enumerate(run)]
    return [(m.group().lower(), offset + m.start(), offset + m.end())
            for m in UNIT_RE.finditer(run)]


def bigram_runs(text: str) -> List[List[Bigram]]:
    """Bigrams of already-normalised text, grouped by unbroken run."""
    runs, pos = [], 0
    for m in RUN_RE.finditer(text):
        units = _units(m.group(), m.start())
        grams = [Bigram(a[0] + b[0], pos + i, a[1], b[2])
                 for i, (a, b) in enumerate(zip(units, units[1:]))]
        pos += len(units) + 1
        runs.append(grams)
    return runs


def unit_runs(text: str) -> List[List[str]]:
    """The units of already-normalised text, grouped by unbroken run."""
    return [[u[0] for u in _units(m.group(), m.start())] for m in RUN_RE.finditer(text)]


@lru_cache(maxsize=16)
def _normalized(value: str):
    """normalize() memoised: a paragraph is analysed for two fields, and a
    document's title and meeting for each of its paragraphs."""
    return normalize(value)


class _NormalizingTokenizer(Tokenizer):
    """Shared ``__call__`` plumbing: normalise, produce items, map offsets."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self).__name__)

    def _items(self, text: str, mode: str):
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs) -> Iterator[Token]:
        norm = _normalized(value)
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for text, pos, start, end in self._items(norm.text, mode):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                s, e = norm.source_span(start, end)
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


class WordTokenizer(_NormalizingTokenizer):
    """jieba words (rjieba) over normalised text; see the module docstring."""

    def __init__(self):
        self.segmenter = Segmenter()

    def _items(self, text, mode):
        if mode == "index":
            return self.segmenter.index_words(text)
        return self.segmenter.query_words(text)


class BigramTokenizer(_NormalizingTokenizer):
    """Overlapping unit bigrams over normalised text; see the module docstring."""

    def _items(self, text, mode):
        for run in bigram_runs(text):
            yield from run


def word_analyzer() -> WordTokenizer:
    return WordTokenizer()


def bigram_analyzer() -> BigramTokenizer:
    return BigramTokenizer()
