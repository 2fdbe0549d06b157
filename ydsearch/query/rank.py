"""Ranking: named signals, computed in bulk, one float per paragraph per segment.

Paragraphs are ordered first by how many of the query's terms they match (a
term matches exactly, or by enough of its parts: see :mod:`.execute`; a mere
mention of a speaker the term names counts half), then by the sum of these
signals, each a named part of the score that ``--explain`` shows:

* ``exact``    the term as typed occurs in the paragraph (its idf, BM25 of its count);
* ``proximity`` exact sequence > all parts close together > scattered (its idf,
  times 1, :data:`PROXIMITY_CLOSE`, :data:`PROXIMITY_SCATTERED`);
* ``parts``    BM25 over the term's character bigrams, with weak length
  normalisation (``k1`` 2, ``b`` 0.15): a long paragraph is not punished for
  its length, a short list of names is not rewarded for its brevity;
* ``words``    BM25 over the term's jieba words in the ``words`` field;
* ``coverage`` the share of the term's characters its present parts cover,
  weighted by the term's idf: all of the term beats some of it;
* ``context``  the share of the term's characters covered by parts found
  anywhere in the paragraph's document, weighted by the term's idf: of two
  paragraphs holding part of ``长三角异地就医``, the one in a report whose other
  paragraphs hold the rest is about it (passage evidence from its document);
* ``lead``     the term's words early in the paragraph (``exp(-offset /``
  :data:`LEAD_CHARS` ``)`` of each word's first occurrence, averaged, times
  the term's idf; :data:`LEAD_FLOOR` of that where the parts are scattered):
  a paragraph that opens with its subject is about it, one that names it deep
  in a list only mentions it;
* ``title``, ``heading``  the term's words in the item's title and in the
  heading the paragraph stands under: a paragraph under a heading that names
  the subject is about it;
* ``role``     the term's words in the speaker's role: ``安徽融入长三角`` prefers
  what 安徽省委书记 says, ``上海的龙头作用`` what 上海市委书记 says;
* ``speaker``  a term that names a known speaker prefers the paragraphs that
  person says over those that mention them.

Headings and captions are scaled by :data:`KIND_BOOST` (they match many
queries in few words).  Related passages add ``feedback`` (:mod:`.feedback`)
and lexicon expansions ``lexicon`` (below).
"""
import math
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np

from . import lang as ql
from .execute import CLOSE, EXACT, SCATTERED, Matcher
from .plan import TermPlan

PARTS_K1, PARTS_B = 2.0, 0.15
WORDS_K1, WORDS_B = 1.2, 0.3
FIELD_K1, FIELD_B = 1.2, 0.5
WEIGHTS = {
    "exact": 1.0,
    "parts": 1.0,
    "words": 0.5,
    "coverage": 1.0,
    "title": 0.3,
    "heading": 0.5,
    "role": 0.5,
    "speaker": 4.0,
    "lexicon": 0.35,
    "proximity": 1.0,
    "lead": 1.0,
    "context": 1.0,
}
#: The "proximity" signal of a term matched by parts close together, or scattered,
#: as a share of an exact match's.
PROXIMITY_CLOSE, PROXIMITY_SCATTERED = 0.6, 0.2
#: The ``lead`` signal of a word first found this many characters into the
#: paragraph is 1/e of one that opens it.
LEAD_CHARS = 60.0
#: ``lead`` counts fully where the term occurs exactly or all its parts close
#: together, and this share elsewhere (parts scattered, related passages): an early
#: scattered word does not outrank the exact term.
LEAD_FLOOR = PROXIMITY_SCATTERED
#: An alternative of an OR that is not a paragraph's best counts this much.
OR_TIE = 0.3
#: The text signals of a term that names a speaker count this much: the user
#: wants what the person said, not where they are mentioned.
MENTION_WEIGHT = 0.3
# Headings and captions match many queries in few words; rank the passages first.
KIND_BOOST = np.array([1.0, 0.6, 0.5], dtype=np.float32)     # body, heading, caption
#: Signals of the paragraph's document, the same for all its paragraphs: not scaled
#: by :data:`KIND_BOOST` (a heading's document is no less about the subject).
DOCUMENT_SIGNALS = frozenset({"context"})
#: The two sums a term's signals become when they are not kept apart.
TEXT_GROUP, DOCUMENT_GROUP = "_text", "_document"


def idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def bm25(tf: np.ndarray, norm: np.ndarray, k1: float) -> np.ndarray:
    """``tf (k1 + 1) / (tf + norm)`` where ``norm = k1 (1 - b + b len / avg)``."""
    tf = tf.astype(np.float32, copy=False)
    return tf * (k1 + 1.0) / (tf + norm)


@dataclass
class Ranking:
    """Per segment: the terms matched (first key), the score, and its parts."""

    matched: List[np.ndarray]
    scores: List[np.ndarray]
    signals: Dict[str, List[np.ndarray]] = field(default_factory=dict)


class Ranker:
    """Computes the signals of the module docstring for a query's terms."""

    def __init__(self, m: Matcher, plans: Sequence[TermPlan], detail: bool = True):
        """``detail``: keep each signal apart (``--explain``); otherwise each term's
        signals are summed as soon as they are computed (the same score, less work)."""
        self.detail = detail
        self.m = m
        self.view = m.view
        self.plans = list(plans)
        self.n = max(self.view.live_count, 1)

    def norms(self, column: str, k1: float, b: float) -> List[np.ndarray]:
        return self.view.length_norms(column, k1, b)

    def _zeros(self) -> List[np.ndarray]:
        return [np.zeros(s.ndocs, dtype=np.float32) for s in self.view.segments]

    def _words_bm25(self, field_name: str, words, norms, k1) -> List[np.ndarray]:
        out = self._zeros()
        for w in dict.fromkeys(words):
            weight = idf(self.n, self.m.doc_frequency(field_name, w))
            for i in range(len(out)):
                out[i] += weight * bm25(self.m.word(i, field_name, w), norms[i], k1)
        return out

    def exact_count(self, i: int, plan: TermPlan) -> np.ndarray:
        """Occurrences of the term as typed (of its rarest run, when it has several)."""
        if not plan.runs:
            return np.zeros(self.view.segments[i].ndocs, dtype=np.int32)
        return np.minimum.reduce([self.m.substring(i, r) for r in plan.runs])

    def exact_idf(self, plan: TermPlan) -> float:
        """The idf of the term as typed (of its rarest run, when it has several)."""
        if len(plan.runs) == 1:
            return idf(self.n, self.m.doc_frequency("sub", plan.runs[0]))
        return max((idf(self.n, self.m.doc_frequency("sub", r)) for r in plan.runs),
                   default=0.0)

    def text_signals(self, plan: TermPlan, exact_idf: float) -> Dict[str, List[np.ndarray]]:
        """``exact``, ``parts``, ``words`` and ``coverage``: the term in the paragraph's text."""
        m, segs = self.m, range(len(self.view.segments))
        sig: Dict[str, List[np.ndarray]] = {}
        lengths = self.norms("len_chars", PARTS_K1, PARTS_B)
        sig["exact"] = [exact_idf * bm25(self.exact_count(i, plan), lengths[i], PARTS_K1)
                        for i in segs]
        parts = self._zeros()
        for g in plan.grams:
            weight = idf(self.n, m.doc_frequency("sub", g))
            for i in segs:
                parts[i] += weight * bm25(m.substring(i, g), lengths[i], PARTS_K1)
        sig["parts"] = [p / max(len(plan.grams), 1) for p in parts]
        sig["words"] = self._words_bm25("words", plan.words,
                                        self.norms("len_words", WORDS_K1, WORDS_B), WORDS_K1)
        sig["coverage"] = [exact_idf * m.coverage(i, plan) for i in segs]
        return sig

    def term_signals(self, plan: TermPlan) -> Dict[str, List[np.ndarray]]:
        m, segs = self.m, range(len(self.view.segments))
        exact_idf = self.exact_idf(plan)
        sig = self.text_signals(plan, exact_idf)
        for name, column in (("title", "title"), ("heading", "heading"), ("role", "speaker_role")):
            sig[name] = self._words_bm25(column, plan.words,
                                         self.norms("len_" + column, FIELD_K1, FIELD_B), FIELD_K1)
        sig["context"] = [exact_idf * m.doc_coverage(i, plan) for i in segs]
        level = [m.term_strength(i, plan) for i in segs]
        share = [np.select([x >= EXACT, x >= CLOSE, x >= SCATTERED],
                           [1.0, PROXIMITY_CLOSE, PROXIMITY_SCATTERED], 0.0).astype(np.float32)
                 for x in level]
        sig["proximity"] = [exact_idf * x for x in share]
        sig["lead"] = [exact_idf * np.where(x >= PROXIMITY_CLOSE, 1.0, LEAD_FLOOR) *
                       self.lead(i, plan) for i, x in zip(segs, share)]
        if plan.term in m.speakers and not plan.phrase:
            for name in ("exact", "parts", "words", "coverage", "proximity", "lead"):
                sig[name] = [MENTION_WEIGHT * a for a in sig[name]]
            sig["speaker"] = [exact_idf * m.said_by(i, plan.term).astype(np.float32)
                              for i in segs]
        expansions = m.expansion_plans(plan)
        if expansions:
            sig["lexicon"] = self._expansion_signal(expansions)
        return sig

    def lead(self, i: int, plan: TermPlan) -> np.ndarray:
        """How early the term's words (its runs, for a term of one-character
        words) first occur in each paragraph of segment ``i``, 0..1."""
        sub = self.view.segments[i].sub
        parts = [w for w in dict.fromkeys(plan.words) if len(w) >= 2] or list(plan.runs)
        out = np.zeros(sub.ndocs, dtype=np.float32)
        for part in parts:
            lo, hi = sub.range(part)
            docs = np.asarray(sub.da[lo:hi], dtype=np.int64)
            offsets = np.asarray(sub.sa[lo:hi], dtype=np.int64) - sub.starts[docs]
            near = offsets < 6 * LEAD_CHARS         # farther: under 0.25 % of an opening word
            first = np.full(sub.ndocs, np.inf, dtype=np.float32)
            np.minimum.at(first, docs[near], offsets[near].astype(np.float32))
            out += np.exp(-first / LEAD_CHARS)
        return out / max(len(parts), 1)

    def _expansion_signal(self, expansions) -> List[np.ndarray]:
        """The best expansion's own text signals, where it occurs exactly."""
        best = self._zeros()
        for e in expansions:
            sig = self.text_signals(e, self.exact_idf(e))
            for i in range(len(best)):
                total = sum(WEIGHTS[name] * sig[name][i] for name in sig)
                np.maximum(best[i], np.where(self.m.exact(i, e), total, 0.0), out=best[i])
        return best

    @staticmethod
    def _summed(sig: Dict[str, List[np.ndarray]]) -> Dict[str, List[np.ndarray]]:
        """A term's signals as two sums: those scaled for headings, and the
        document's (:data:`DOCUMENT_SIGNALS`), which are not."""
        out: Dict[str, List[np.ndarray]] = {}
        for name, arrays in sig.items():
            key = DOCUMENT_GROUP if name in DOCUMENT_SIGNALS else TEXT_GROUP
            if key not in out:
                out[key] = [a.copy() for a in arrays]
            else:
                for acc, a in zip(out[key], arrays):
                    acc += a
        return out

    def _node(self, node, segs):
        """(strength, weighted signals) of a query node, per segment.

        Terms under ``AND`` (or side by side) add up; the alternatives of an
        ``OR`` count as the best of them plus :data:`OR_TIE` of the others (a
        paragraph about one alternative is not outranked by a list naming all);
        negations and filters add nothing.
        """
        if isinstance(node, ql.Text):
            plan = self.m.plan(node)
            sig = {name: arrays if WEIGHTS[name] == 1.0 else [WEIGHTS[name] * a for a in arrays]
                   for name, arrays in self.term_signals(plan).items()}
            if not self.detail:
                sig = self._summed(sig)
            strength = [self.m.term_strength(i, plan) for i in segs]
            # the first key counts the terms matched (a mere mention of a named
            # speaker: half); how exactly they match is the "proximity" signal
            return [np.where(x >= SCATTERED, 1.0, x) for x in strength], sig
        parts = [self._node(item, segs) for item in dict.fromkeys(getattr(node, "items", ()))
                 if not isinstance(item, ql.Not)]
        parts = [p for p in parts if p is not None]
        if not parts:
            return None
        if len(parts) == 1:
            return parts[0]
        if isinstance(node, ql.And):
            strength = [sum(p[0][i] for p in parts) for i in segs]
            sig: Dict[str, List[np.ndarray]] = {}
            for _, psig in parts:
                for name, arrays in psig.items():
                    acc = sig.setdefault(name, self._zeros())
                    for i in segs:
                        acc[i] += arrays[i]
            return strength, sig
        # OR: weight each alternative 1 where it scores best, OR_TIE elsewhere
        totals = [[sum(a[i] for a in psig.values()) if psig else np.zeros(1)
                   for i in segs] for _, psig in parts]
        strength = [np.maximum.reduce([p[0][i] for p in parts]) for i in segs]
        best = [np.argmax(np.stack([np.broadcast_to(t[i], strength[i].shape) for t in totals]),
                          axis=0) for i in segs]
        sig = {}
        for k, (_, psig) in enumerate(parts):
            weight = [np.where(best[i] == k, np.float32(1.0), np.float32(OR_TIE)) for i in segs]
            for name, arrays in psig.items():
                acc = sig.setdefault(name, self._zeros())
                for i in segs:
                    acc[i] += weight[i] * arrays[i]
        return strength, sig

    def rank(self, node=None) -> Ranking:
        """Score every paragraph; ``matched`` measures how many terms each one matches."""
        segs = range(len(self.view.segments))
        if node is None:
            node = ql.And(tuple(ql.Text(p.term, p.phrase) for p in self.plans))
        result = self._node(node, segs)
        if result is None:
            zeros = self._zeros()
            return Ranking(zeros, self._zeros(), {})
        matched, totals = result
        scores = self._zeros()
        for i, s in enumerate(self.view.segments):
            boost = KIND_BOOST[s.column("kind")]
            for name, arrays in totals.items():
                if name not in DOCUMENT_SIGNALS and name != DOCUMENT_GROUP:
                    arrays[i] *= boost          # the signals' own arrays, made for this query
                scores[i] += arrays[i]
        return Ranking([np.asarray(x, dtype=np.float32) for x in matched], scores, totals)
