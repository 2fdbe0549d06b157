"""Compile the query language's AST (``querylang``) into whoosh queries.

A free-text term becomes two alternatives, scored together:

* the *word* match: every jieba word of the term (precise mode) in the
  paragraph's ``words`` field, plus a bonus when they stand as a phrase;
* the *exact* match: the term's unit bigrams as a phrase in the ``chars``
  field, which finds any substring whatever jieba made of its context
  (``三角地`` inside ``长三角地区``) and is scored low, so word matches rank
  first.

A quoted phrase requires the exact match and keeps the word phrase as a bonus.
"""
from dataclasses import dataclass
from typing import List

from whoosh import query as wq

from . import lang as ql
from ..engine.analysis import bigram_runs, unit_runs
from ..engine.segmenter import Segmenter

EXACT_BOOST = 0.25      # weight of the bigram (safety-net) match
# A one-character term is looked up as a word and as the first half of any
# bigram (a prefix expansion); past this many such terms in one query, only as
# a word, so a query of hundreds of single characters stays cheap.
MAX_PREFIX_TERMS = 20
PHRASE_BONUS = 2.0      # weight of the words-in-sequence bonus
ID_FIELDS = {"speaker": "speaker", "city": "city", "province": "province",
             "source": "source", "kind": "kind", "doc": "doc_id"}
WORD_FIELDS = {"meeting", "title", "speaker_role"}


@dataclass(frozen=True)
class TermPlan:
    """How one free-text term was analysed (for ``--explain`` and highlighting)."""

    term: str
    phrase: bool
    words: List[str]
    bigrams: List[List[str]]


def _exact(value: str, budget: list):
    """Exact-substring query over the bigram field; None when the term has no units."""
    parts = []
    for units, grams in zip(unit_runs(value), bigram_runs(value)):
        if len(units) == 1:
            parts.append(_single_unit(units[0], budget))
        elif len(grams) == 1:
            parts.append(wq.Term("chars", grams[0].text))
        else:
            parts.append(wq.Phrase("chars", [g.text for g in grams]))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _single_unit(unit: str, budget: list):
    if budget[0] <= 0:
        return wq.Term("words", unit)
    budget[0] -= 1
    return wq.Or([wq.Term("words", unit), wq.Prefix("chars", unit)])


def _words(words: List[str], boost: float = 1.0):
    if len(words) == 1:
        return wq.Term("words", words[0], boost=boost)
    return wq.Phrase("words", words, boost=boost)


def text_query(value: str, phrase: bool, seg: Segmenter, budget: "list | None" = None):
    words = [w.text for w in seg.query_words(value)]
    exact = _exact(value, budget if budget is not None else [MAX_PREFIX_TERMS])
    if exact is None:
        return wq.NullQuery
    if not words:
        return exact
    if phrase:
        return wq.AndMaybe(exact, _words(words, PHRASE_BONUS))
    word_all = wq.And([wq.Term("words", w) for w in words]) if len(words) > 1 \
        else wq.Term("words", words[0])
    scored = wq.AndMaybe(word_all, _words(words, PHRASE_BONUS)) if len(words) > 1 else word_all
    exact.boost = EXACT_BOOST
    return wq.Or([scored, exact])


def field_query(name: str, value: str, seg: Segmenter):
    if name in ID_FIELDS:
        return wq.Term(ID_FIELDS[name], value)
    if name in WORD_FIELDS:
        words = [w.text for w in seg.query_words(value)]
        if not words:
            return wq.NullQuery
        return wq.And([wq.Term(name, w) for w in words])
    raise ValueError(f"no index field for {name!r}")  # querylang only yields known fields


def compile_query(node, seg: Segmenter, budget: "list | None" = None):
    """Turn a querylang AST node into a whoosh query (repeated terms compiled once)."""
    budget = [MAX_PREFIX_TERMS] if budget is None else budget
    if isinstance(node, ql.Text):
        return text_query(node.value, node.phrase, seg, budget)
    if isinstance(node, ql.Field):
        return field_query(node.name, node.value, seg)
    if isinstance(node, ql.YearRange):
        return wq.NumericRange("year", node.lo, node.hi)
    if isinstance(node, ql.DateRange):
        return wq.TermRange("date", node.lo, node.hi)
    if isinstance(node, (ql.And, ql.Or)):
        items = [compile_query(n, seg, budget) for n in dict.fromkeys(node.items)]
        if len(items) == 1:
            return items[0]
        return (wq.And if isinstance(node, ql.And) else wq.Or)(items)
    if isinstance(node, ql.Not):
        return wq.Not(compile_query(node.item, seg, budget))
    raise TypeError(f"unknown query node {type(node).__name__}")


def positive_terms(node) -> List["ql.Text"]:
    """The free-text terms a hit may match (those not under a NOT)."""
    if isinstance(node, ql.Text):
        return [node]
    if isinstance(node, (ql.And, ql.Or)):
        return [t for n in node.items for t in positive_terms(n)]
    return []


def plan_terms(node, seg: Segmenter) -> List[TermPlan]:
    return [TermPlan(t.value, t.phrase, [w.text for w in seg.query_words(t.value)],
                     [[g.text for g in run] for run in bigram_runs(t.value)])
            for t in positive_terms(node)]
