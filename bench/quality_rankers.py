"""Rankers the quality benchmark measures or pools from.

Every ranker has a ``name`` and ``rank(query, k) -> [paragraph id, …]`` (best
first), the query being exactly what a user types in the ydsearch query language.

* ``ydsearch``: an open ``ydsearch`` Index, the query passed as typed.
* ``baseline``: the plain CJK-bigram BM25 (:func:`quality_bm25.cjk_tokens` on the
  raw paragraph text, k1 = 1.2, b = 0.75), the query's terms analysed the same
  way from the text as typed, OR semantics, a quoted phrase as a phrase of
  bigrams, field filters applied to the paragraph metadata.
* ``words-or``: BM25 over ydsearch's jieba words (index mode, normalised text),
  the query's jieba words (query mode), OR semantics.
* ``strict-and``: the same index, every jieba word of every term required —
  how the current ydsearch matches (used to emulate it where no index exists).
* ``substring``: the normalised term occurs in the normalised paragraph; every
  term required; ranked by the number of occurrences.
"""
from typing import Dict, List, Optional

import numpy as np

import ydsearch
from ydsearch.query import lang as ql
from ydsearch.query.fields import clean_query

from quality_bm25 import BM25, contains_run, cjk_tokens
from quality_corpus import Paragraphs
from quality_query import MetaFilters, evaluate, top_rows

RANKERS = ("ydsearch", "baseline", "words-or", "strict-and", "substring")


def raw_terms(query: str) -> Dict[int, str]:
    """Column of every free-text term or phrase -> its text as typed (width-folded).

    The parser normalises term values (Traditional → Simplified); the baseline
    must see the text the user typed, found again by the term's column.
    """
    try:
        tokens = ql._tokenize(clean_query(query))
    except Exception:  # noqa: BLE001 - a private helper; fall back to the AST values
        return {}
    return {t.column: t.text for t in tokens if t.kind in ("TERM", "PHRASE")}


class BigramModel:
    """Term model of the baseline."""

    def __init__(self, paras: Paragraphs, k1: float = 1.2, b: float = 0.75):
        self.texts = paras.texts
        self.bm25 = BM25((cjk_tokens(t) for t in paras.texts), k1=k1, b=b)
        self.raw: Dict[int, str] = {}

    def _tokens(self, node: ql.Text) -> List[str]:
        return cjk_tokens(self.raw.get(node.column, node.value))

    def _phrase(self, tokens):
        cand = np.flatnonzero(self.bm25.has_all(tokens))
        freqs = np.array([contains_run(cjk_tokens(self.texts[r]), tokens) for r in cand],
                         dtype=np.int32)
        return cand[freqs > 0], freqs[freqs > 0]

    def score(self, node: ql.Text):
        tokens = self._tokens(node)
        n = self.bm25.n
        if node.phrase and len(tokens) > 1:
            rows, freqs = self._phrase(tokens)
            match, score = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.float32)
            match[rows] = True
            score[rows] = self.bm25.phrase_scores(tokens, freqs, rows)
            return match, score
        return self.bm25.has_any(tokens), self.bm25.scores(tokens)

    def contains(self, node: ql.Text):
        tokens = self._tokens(node)
        if len(tokens) > 1:
            match = np.zeros(self.bm25.n, dtype=bool)
            match[self._phrase(tokens)[0]] = True
            return match
        return self.bm25.has_all(tokens)


class WordModel:
    """Term model over jieba words: OR of the words, or all of them (``strict``)."""

    def __init__(self, paras: Paragraphs, strict: bool, bm25: Optional[BM25] = None):
        from ydsearch.engine.segmenter import Segmenter

        self.segmenter = Segmenter()
        self.norms = paras.norms
        self.strict = strict
        self.bm25 = bm25 or word_bm25(paras, self.segmenter)
        self.raw: Dict[int, str] = {}

    def words(self, node: ql.Text) -> List[str]:
        return [w.text for w in self.segmenter.query_words(node.value)]

    def _substring(self, node: ql.Text) -> np.ndarray:
        v = node.value.lower()
        return np.fromiter((v in t.lower() for t in self.norms), dtype=bool, count=len(self.norms))

    def score(self, node: ql.Text):
        words = self.words(node)
        score = self.bm25.scores(words)
        if node.phrase:
            match = self._substring(node)
        elif self.strict:
            match = self.bm25.has_all(words) if words else self._substring(node)
        else:
            match = self.bm25.has_any(words)
        return match, np.where(match, score, 0).astype(np.float32)

    def contains(self, node: ql.Text):
        words = self.words(node)
        if node.phrase or not words:
            return self._substring(node)
        return self.bm25.has_all(words) | self._substring(node)


class SubstringModel:
    """The normalised term as a substring; score = occurrences."""

    def __init__(self, paras: Paragraphs):
        self.norms = [t.lower() for t in paras.norms]
        self.raw: Dict[int, str] = {}

    def score(self, node: ql.Text):
        v = node.value.lower()
        counts = np.fromiter((t.count(v) for t in self.norms), dtype=np.float32,
                             count=len(self.norms))
        return counts > 0, counts

    def contains(self, node: ql.Text):
        return self.score(node)[0]


def word_bm25(paras: Paragraphs, segmenter=None) -> BM25:
    from ydsearch.engine.segmenter import Segmenter

    seg = segmenter or Segmenter()
    return BM25([w.text for w in seg.index_words(t)] for t in paras.norms)


class LexicalRanker:
    """A term model plus the common query evaluation (:mod:`quality_query`)."""

    def __init__(self, name: str, paras: Paragraphs, model, conjunctive: bool,
                 filters: Optional[MetaFilters] = None):
        self.name, self.paras, self.model, self.conjunctive = name, paras, model, conjunctive
        self.filters = filters or MetaFilters(paras)

    def scored(self, query: str):
        self.model.raw = raw_terms(query)
        return evaluate(ydsearch.parse_query(query), self.model, self.filters, self.conjunctive)

    def rank(self, query: str, k: int = 10) -> List[str]:
        match, score = self.scored(query)
        return [self.paras.ids[r] for r in top_rows(match, score, k)]


class YdsearchRanker:
    """ydsearch itself: ``Index.search`` with the query as typed."""

    name = "ydsearch"

    def __init__(self, index):
        self.index = index

    def rank(self, query: str, k: int = 10) -> List[str]:
        return [hit.id for hit in self.index.search(query, limit=k)]


def make_ranker(name: str, paras: Paragraphs, index=None, filters=None, cache: dict = None):
    """A ranker by name; ``cache`` (a dict) shares the word BM25 between two rankers."""
    cache = {} if cache is None else cache
    if name == "ydsearch":
        if index is None:
            raise ValueError("the ydsearch ranker needs an open index")
        return YdsearchRanker(index)
    if name == "baseline":
        return LexicalRanker(name, paras, BigramModel(paras), False, filters)
    if name in ("words-or", "strict-and"):
        if "words" not in cache:
            cache["words"] = word_bm25(paras)
        model = WordModel(paras, strict=name == "strict-and", bm25=cache["words"])
        return LexicalRanker(name, paras, model, name == "strict-and", filters)
    if name == "substring":
        return LexicalRanker(name, paras, SubstringModel(paras), True, filters)
    raise ValueError(f"unknown ranker {name!r} (known: {', '.join(RANKERS)})")
