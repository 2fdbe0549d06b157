"""The whoosh analyser for Chinese: normalise, then segment.

``WordTokenizer`` takes the *original* text of a paragraph, normalises it
(Traditional → Simplified, glosses dropped, full-width folded), segments it
with jieba and reports ``startchar``/``endchar`` in the original text through
the offset map, with ordinal ``pos`` values; ``mode="index"`` adds sub-words
at their parent's position, any other mode gives the precise segmentation.

ydsearch itself analyses paragraphs before whoosh sees them
(:mod:`ydsearch.engine.prepare`); this analyser is the schema's, for code that
goes through whoosh's own API, and the reference the tests hold the fast path to.
"""
from functools import lru_cache
from typing import Iterator

from whoosh.analysis import Token, Tokenizer

from ..pipeline.normalize import normalize
from .segmenter import Segmenter


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


def word_analyzer() -> WordTokenizer:
    return WordTokenizer()
