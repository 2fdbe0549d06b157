"""BM25 over a sparse term-by-paragraph matrix, and the CJK bigram analyser.

``cjk_tokens`` is the baseline's analyser, modelled on Lucene's ``CJKAnalyzer``
(StandardTokenizer, width folding, lower-casing, ``CJKBigramFilter``): every
run of Han characters gives its overlapping bigrams (a run of one character
gives that character), and every run of ASCII letters and digits is one
lower-cased token.  Nothing else is done to the text: no Traditional →
Simplified conversion, no segmentation.

:class:`BM25` holds raw term frequencies in a CSC matrix (one column per term)
and scores with the Lucene formula: ``idf = ln(1 + (N - n + 0.5) / (n + 0.5))``,
``tf·(k1 + 1) / (tf + k1·(1 - b + b·dl/avgdl))``.
"""
import re
from array import array
from collections import Counter
from typing import Dict, Iterable, List, Sequence

import numpy as np
from scipy import sparse

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN_RE = re.compile(rf"[{HAN}]+|[0-9A-Za-z]+")
_HAN_RE = re.compile(rf"[{HAN}]")
# Full-width ASCII (U+FF01..U+FF5E) -> ASCII, ideographic space -> space.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_WIDTH[0x3000] = 0x20


def cjk_tokens(text: str) -> List[str]:
    """Lucene-CJKAnalyzer-like tokens of raw text: Han bigrams, lone Han, ASCII runs."""
    out: List[str] = []
    for m in _RUN_RE.finditer(text.translate(_WIDTH)):
        run = m.group()
        if _HAN_RE.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i:i + 2] for i in range(len(run) - 1))
        else:
            out.append(run.lower())
    return out


def contains_run(tokens: Sequence[str], pattern: Sequence[str]) -> int:
    """How many times ``pattern`` occurs as a contiguous run in ``tokens``."""
    n, m = len(tokens), len(pattern)
    if not m or m > n:
        return 0
    first = pattern[0]
    return sum(1 for i in range(n - m + 1)
               if tokens[i] == first and list(tokens[i:i + m]) == list(pattern))


class BM25:
    """Okapi BM25 (Lucene's formula) over token lists, one list per paragraph."""

    def __init__(self, token_lists: Iterable[List[str]], k1: float = 1.2, b: float = 0.75):
        self.k1, self.b = k1, b
        vocab: Dict[str, int] = {}
        indptr, indices, data = array("q", [0]), array("i"), array("i")
        lengths = array("i")
        for tokens in token_lists:
            counts = Counter(tokens)
            for term, tf in counts.items():
                indices.append(vocab.setdefault(term, len(vocab)))
                data.append(tf)
            indptr.append(len(indices))
            lengths.append(len(tokens))
        n = len(lengths)
        matrix = sparse.csr_matrix(
            (np.frombuffer(data, dtype=np.int32).astype(np.float32),
             np.frombuffer(indices, dtype=np.int32), np.frombuffer(indptr, dtype=np.int64)),
            shape=(n, max(len(vocab), 1)))
        self.matrix = matrix.tocsc()
        self.vocab = vocab
        self.n = n
        self.lengths = np.frombuffer(lengths, dtype=np.int32).astype(np.float32)
        self.avgdl = float(self.lengths.mean()) if n else 0.0
        df = np.diff(self.matrix.indptr)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        denom = k1 * (1.0 - b + b * self.lengths / (self.avgdl or 1.0))
        self._norm = denom.astype(np.float32)

    def postings(self, term: str):
        """(rows, term frequencies) of ``term``; empty arrays when it is unknown."""
        col = self.vocab.get(term)
        if col is None:
            return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float32)
        lo, hi = self.matrix.indptr[col], self.matrix.indptr[col + 1]
        return self.matrix.indices[lo:hi], self.matrix.data[lo:hi]

    def term_weight(self, rows, tf, idf: float):
        return idf * tf * (self.k1 + 1.0) / (tf + self._norm[rows])

    def scores(self, terms: Sequence[str]) -> np.ndarray:
        """Sum of the BM25 weights of ``terms`` (repeats count again, like Lucene clauses)."""
        out = np.zeros(self.n, dtype=np.float32)
        for term in terms:
            rows, tf = self.postings(term)
            if len(rows):
                out[rows] += self.term_weight(rows, tf, float(self.idf[self.vocab[term]]))
        return out

    def has_all(self, terms: Sequence[str]) -> np.ndarray:
        """Rows holding every one of ``terms`` (all rows for no term)."""
        out = np.ones(self.n, dtype=bool)
        for term in dict.fromkeys(terms):
            mask = np.zeros(self.n, dtype=bool)
            mask[self.postings(term)[0]] = True
            out &= mask
        return out

    def has_any(self, terms: Sequence[str]) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for term in dict.fromkeys(terms):
            out[self.postings(term)[0]] = True
        return out

    def phrase_scores(self, terms: Sequence[str], freqs: np.ndarray, rows: np.ndarray):
        """Lucene phrase scoring: summed idf of the terms, the phrase frequency as tf."""
        idf = sum(float(self.idf[self.vocab[t]]) for t in terms if t in self.vocab)
        return self.term_weight(rows, freqs.astype(np.float32), idf)
