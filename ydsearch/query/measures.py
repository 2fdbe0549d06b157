"""How much of a term a paragraph (or its document) holds, and how close together.

A mixin of :class:`.execute.Matcher` (it uses the matcher's ``view``,
``substring`` and cache).
"""
import numpy as np

from .plan import TermPlan

#: Parts of a term looked at when measuring how close together they are.
MAX_SPAN_PARTS = 6


class Measures:
    """Per-paragraph measures of a term, one array per segment ``i``."""

    def coverage(self, i: int, plan: TermPlan) -> np.ndarray:
        """Share of the term's characters that a present part (bigram) covers."""
        key = (i, "cover", plan.term)
        if key not in self._cache:
            s = self.view.segments[i]
            self._cache[key] = covered_share(plan, lambda part: self.substring(i, part) > 0,
                                             s.ndocs)
        return self._cache[key]

    def doc_coverage(self, i: int, plan: TermPlan) -> np.ndarray:
        """Share of the term's characters that a part present anywhere in the
        paragraph's document (any of its live paragraphs) covers.  Computed per
        document from the parts' occurrences, then spread to the paragraphs."""
        key = (i, "doccover", plan.term)
        if key not in self._cache:
            s = self.view.segments[i]
            codes = s.sub.codes("doc")
            ndoc = int(codes.max()) + 1 if len(codes) else 0

            def held(part: str) -> np.ndarray:
                lo, hi = s.sub.range(part)
                paras = s.sub.da[lo:hi]
                out = np.zeros(ndoc, dtype=bool)
                out[codes[paras if s.all_live else paras[s.live[paras]]]] = True
                return out

            self._cache[key] = covered_share(plan, held, ndoc)[codes] if ndoc else \
                np.zeros(s.ndocs, dtype=np.float32)
        return self._cache[key]

    def positions(self, i: int, run: str) -> np.ndarray:
        """Where ``run`` occurs in segment ``i``'s text, ascending."""
        s = self.view.segments[i]
        return self._cached((i, "pos", run), lambda: np.sort(s.sub.sa[slice(*s.sub.range(run))]))

    def span(self, i: int, plan: TermPlan) -> np.ndarray:
        """Per paragraph, the shortest stretch of text found to hold all the term's
        parts (its words, or the bigrams of a one-word term); inf where some is
        missing.  Anchored on each occurrence of the rarest part, the nearest
        occurrence of every other part is taken (an upper bound of the minimum)."""
        s = self.view.segments[i]
        parts = plan.words if len(plan.words) > 1 else plan.grams
        parts = list(dict.fromkeys(parts))[:MAX_SPAN_PARTS]
        out = np.full(s.ndocs, np.inf, dtype=np.float32)
        if not parts:
            return out
        pos = [self.positions(i, p) for p in parts]
        if any(len(p) == 0 for p in pos):
            return out
        k = int(np.argmin([len(p) for p in pos]))
        anchor = pos[k]
        lo, hi = anchor.astype(np.int64), anchor.astype(np.int64) + len(parts[k])
        for j, (part, p) in enumerate(zip(parts, pos)):
            if j == k:
                continue
            at = np.clip(np.searchsorted(p, anchor), 1, len(p)) - 1
            before, after = p[at], p[np.minimum(at + 1, len(p) - 1)]
            near = np.where(np.abs(before - anchor) <= np.abs(after - anchor), before, after)
            lo, hi = np.minimum(lo, near), np.maximum(hi, near + len(part))
        docs = np.searchsorted(s.sub.starts, anchor, side="right") - 1
        same = (np.searchsorted(s.sub.starts, lo, side="right") - 1 == docs) & \
            (np.searchsorted(s.sub.starts, hi - 1, side="right") - 1 == docs)
        np.minimum.at(out, docs[same], (hi - lo)[same].astype(np.float32))
        return out


def covered_share(plan: TermPlan, present, size: int) -> np.ndarray:
    """Share of the term's characters covered by its parts, where ``present(part)``
    says (as ``size`` booleans) which units hold a part: a bigram covers its two
    characters, a one-character run itself."""
    covered = np.zeros(size, dtype=np.float32)
    for run in plan.runs:
        if len(run) == 1:
            covered += present(run)
            continue
        held = [present(run[k:k + 2]) for k in range(len(run) - 1)]
        covered += held[0]
        for k in range(1, len(run) - 1):
            covered += held[k - 1] | held[k]
        covered += held[-1]
    return covered / max(plan.length, 1)
