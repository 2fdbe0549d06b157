"""Pseudo-relevance feedback for the tail: when few passages match a query of
plain terms, the words that dominate the best of them find related passages
that share no word with the query (``公共卫生应急`` → passages on the epidemic).

The classic RM3 idea, kept to the tail: the feedback words are weighed by
their count in the top :data:`FEEDBACK_DOCS` passages times their idf; every
passage gets a ``feedback`` signal (BM25 of those words, weighted), and the
passages holding at least :data:`MIN_SHARED` of them join the related
passages, ranked after every passage that matches the query itself.  It runs
only when fewer than :data:`BELOW` passages match, so a query that is well
answered is never diluted.
"""
from collections import Counter
from typing import List, Optional, Tuple

import numpy as np

FEEDBACK_DOCS = 3
FEEDBACK_WORDS = 10
BELOW = 10
MIN_SHARED = 3
WEIGHT = 0.25
MIN_CHARS = 2


def feedback(matches, ranking) -> Optional[Tuple[List[np.ndarray], List[np.ndarray]]]:
    """``(signal, extra candidates)`` per segment, or None when not needed."""
    from .order import page
    from .rank import WORDS_B, WORDS_K1, bm25, idf

    if not matches.relaxed or ranking is None or matches.total >= BELOW:
        return None
    view, m = matches.view, matches.matcher
    top = page(view, matches.candidates, ranking, 0, FEEDBACK_DOCS)
    if not top:
        return None
    query_words = {w for p in matches.plans for w in p.words}
    counts: Counter = Counter()
    for i, d, _ in top:
        text = view.segments[i].sub.doc_text(d)
        counts.update(w.text for w in m.seg.query_words(text)
                      if len(w.text) >= MIN_CHARS and w.text not in query_words)
    n = max(view.live_count, 1)
    weighted = sorted(((c * idf(n, m.doc_frequency("words", w)), w) for w, c in counts.items()),
                      reverse=True)[:FEEDBACK_WORDS]
    if not weighted:
        return None
    norm = sum(wt for wt, _ in weighted) or 1.0
    avg = view.average("len_words") or 1.0
    signal, extra = [], []
    for i, s in enumerate(view.segments):
        lengths = WORDS_K1 * (1.0 - WORDS_B + WORDS_B * s.column("len_words") / avg)
        score = np.zeros(s.ndocs, dtype=np.float32)
        shared = np.zeros(s.ndocs, dtype=np.int32)
        for wt, w in weighted:
            tf = m.word(i, "words", w)
            score += (WEIGHT * len(weighted) * wt / norm) * bm25(tf, lengths, WORDS_K1)
            shared += tf > 0
        signal.append(score)
        extra.append(shared >= MIN_SHARED)
    return signal, extra
