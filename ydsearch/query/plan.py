"""How a free-text term of a query is looked up: its words and its exact runs.

Each free-text term of the query language (``querylang.Text``) is analysed
once into a :class:`TermPlan`:

* ``words`` -- its jieba words (query mode: the precise segmentation), looked
  up in the index's ``words`` field;
* ``runs`` -- its runs of letters and digits (any script) after normalisation
  and case folding, each looked up as an exact substring in the segments'
  suffix arrays, so nothing the segmenter made of a paragraph can hide it.

A quoted phrase matches where all its runs occur exactly; an unquoted term also
where all its words occur as words.
"""
import re
from dataclasses import dataclass, field
from typing import List

from . import lang as ql
from ..engine.segmenter import Segmenter
from ..engine.substrings import fold

_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class TermPlan:
    """How one free-text term was analysed (for matching, highlighting, ``--explain``).

    ``grams`` are the distinct parts looked up to measure how much of the term a
    paragraph holds: the character bigrams of each run (a one-character run is
    its own part).
    """

    term: str
    phrase: bool
    words: List[str]
    runs: List[str]
    grams: List[str] = field(default_factory=list)
    #: What the lexicon says the term stands for (looked up as exact phrases).
    expansions: List[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Characters of the term that can be matched (its runs)."""
        return sum(len(r) for r in self.runs)


def runs_of(value: str) -> List[str]:
    """The folded runs of letters and digits of a normalised value."""
    return _RUN.findall(fold(value))


def grams_of(runs: List[str]) -> List[str]:
    """The distinct parts of the runs: their bigrams (a one-character run is one part)."""
    out = []
    for run in runs:
        out.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
    return list(dict.fromkeys(out))


def plan_term(node: "ql.Text", seg: Segmenter) -> TermPlan:
    runs = runs_of(node.value)
    return TermPlan(node.value, node.phrase, [w.text for w in seg.query_words(node.value)],
                    runs, grams_of(runs))


def positive_terms(node) -> List["ql.Text"]:
    """The free-text terms a hit may match (those not under a NOT)."""
    if isinstance(node, ql.Text):
        return [node]
    if isinstance(node, (ql.And, ql.Or)):
        return [t for n in node.items for t in positive_terms(n)]
    return []


def plan_terms(node, seg: Segmenter) -> List[TermPlan]:
    """A plan for each distinct positive term, in query order."""
    return [plan_term(t, seg) for t in dict.fromkeys(positive_terms(node))]


def has_text(node) -> bool:
    """True when the query has a free-text term a hit can match (else it only filters)."""
    return bool(positive_terms(node))
