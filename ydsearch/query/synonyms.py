"""Matching a term through the lexicon: its expansions, and those of its words.

A mixin of :class:`.execute.Matcher` (it uses the matcher's ``plan``,
``lexicon``, ``exact`` and ``substring``).
"""
from typing import Dict, List

import numpy as np

from . import lang as ql
from .plan import TermPlan


class Synonyms:
    """What the lexicon adds to a term's matching (see :mod:`.lexicon`)."""

    def expansion_plans(self, plan: TermPlan) -> List[TermPlan]:
        """A phrase plan for each lexicon expansion of the term (all its words exact)."""
        return [self.plan(ql.Text(e, phrase=True)) for e in plan.expansions]

    def word_units(self, plan: TermPlan) -> List[str]:
        """The term's words, with each run of consecutive words that the lexicon
        knows as one entry joined (``长三角异地就医``: 长三角, 异地就医), longest first."""
        words, units, k = plan.words, [], 0
        while k < len(words):
            for j in range(len(words), k + 1, -1):
                joined = "".join(words[k:j])
                if joined != plan.term and self.lexicon.expansions(joined):
                    units.append(joined)
                    k = j
                    break
            else:
                units.append(words[k])
                k += 1
        return units

    def word_synonyms(self, plan: TermPlan) -> Dict[str, List[TermPlan]]:
        """For a term of several words, each word or run of words
        (:meth:`word_units`, in order) with its lexicon expansions (``长江禁捕`` →
        禁捕: 禁渔, 退捕; ``长三角异地就医`` → 异地就医: …); empty when none has any."""
        if self.lexicon is None or plan.phrase or len(plan.words) < 2:
            return {}
        key = ("synonyms", plan.term)
        if key not in self._cache:
            out = {unit: [self.plan(ql.Text(e, phrase=True))
                          for e in self.lexicon.expansions(unit)]
                   for unit in self.word_units(plan)}
            self._cache[key] = out if any(out.values()) else {}
        return self._cache[key]

    def words_with_synonyms(self, i: int, plan: TermPlan) -> np.ndarray:
        """Every word (or run of words, :meth:`word_units`) of the term is there,
        itself or as one of its lexicon expansions (and at least one of them as an
        expansion: the rest is :meth:`literal`'s)."""
        s = self.view.segments[i]
        synonyms = self.word_synonyms(plan)
        if not synonyms:
            return np.zeros(s.ndocs, dtype=bool)
        out, via = np.ones(s.ndocs, dtype=bool), np.zeros(s.ndocs, dtype=bool)
        for unit, expansions in synonyms.items():
            alt = np.zeros(s.ndocs, dtype=bool)
            for e in expansions:
                alt |= self.exact(i, e)
            out &= (self.substring(i, unit) > 0) | alt
            via |= alt
        return out & via
