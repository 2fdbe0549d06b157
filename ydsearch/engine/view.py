"""The index as the query engine reads it: one view per commit.

A :class:`IndexView` pairs each whoosh segment reader of a commit with the
segment's substring index and a mask of its live (not deleted) paragraphs.
Every lookup returns a dense per-segment array (one value per paragraph of the
segment), so that boolean structure and scoring are plain numpy arithmetic.
"""
from typing import Dict, List, Optional

import numpy as np

from .substrings import SubstringFileError, SubstringIndex
from .writer import substrings_path


class SegmentView:
    """One segment: whoosh's reader, the substring index, the live mask."""

    def __init__(self, reader, offset: int, sub: SubstringIndex):
        self.reader = reader
        self.offset = offset
        self.sub = sub
        self.ndocs = sub.ndocs
        segment = reader.segment()
        deleted = segment.deleted_docs() if segment.has_deletions() else ()
        self.live = np.ones(self.ndocs, dtype=bool)
        if deleted:
            self.live[np.fromiter(deleted, dtype=np.int64)] = False
        self.live_count = int(self.live.sum())
        self.all_live = self.live_count == self.ndocs
        self._terms = reader._terms
        self._chars = None

    def term(self, field: str, text: str) -> np.ndarray:
        """Weights (counts) of a term in each paragraph, 0 where absent."""
        out = np.zeros(self.ndocs, dtype=np.float32)
        ids, weights = self._terms.postings(field, text.encode("utf-8"))
        if len(ids):
            out[ids] = weights
        return out

    def term_df(self, field: str, text: str) -> int:
        """Paragraphs holding a term, from the term table (deleted ones included)."""
        return self.reader.doc_frequency(field, text)

    def term_bytes(self, field: str, tbytes: bytes) -> np.ndarray:
        out = np.zeros(self.ndocs, dtype=bool)
        ids, _ = self._terms.postings(field, tbytes)
        out[ids] = True
        return out

    def substring(self, folded: str) -> np.ndarray:
        """Occurrences of a (folded) string in each paragraph."""
        return self.sub.counts(folded)

    def column(self, name: str) -> np.ndarray:
        """A per-paragraph column (``len_chars``: characters of the normalised text)."""
        if name == "len_chars":
            if self._chars is None:
                self._chars = self.sub.lengths().astype(np.int32)
            return self._chars
        return self.sub.columns[name]

    def stored(self, docnum: int) -> dict:
        return self.reader.stored_fields(docnum)


def leaf_segments(searcher):
    """``(segment reader, document offset)`` of each segment (none for an empty index)."""
    return [(r, off) for r, off in searcher.reader().leaf_readers()
            if getattr(r, "segment", None) is not None and r.segment() is not None]


class IndexView:
    """All segments of one commit (see the module docstring)."""

    def __init__(self, searcher, folder):
        self.searcher = searcher
        self.generation = searcher.reader().generation()
        self.segments: List[SegmentView] = []
        for reader, offset in leaf_segments(searcher):
            sub = SubstringIndex.open(substrings_path(reader.storage(), reader.segment()))
            if sub.ndocs != reader.segment().doc_count_all():
                raise SubstringFileError("the substring index does not match its segment")
            self.segments.append(SegmentView(reader, offset, sub))
        self.live_count = sum(s.live_count for s in self.segments)
        self._avg: Dict[str, float] = {}
        self._norms: Dict[tuple, List[np.ndarray]] = {}
        self._doc_ranks: Optional[List[np.ndarray]] = None
        self._speakers = None
        self.folder = folder

    def average(self, column: str) -> float:
        """Mean of a per-paragraph column over the live paragraphs (e.g. a field length)."""
        if column not in self._avg:
            total = sum(float(s.column(column)[s.live].sum()) for s in self.segments)
            self._avg[column] = total / self.live_count if self.live_count else 0.0
        return self._avg[column]

    def length_norms(self, column: str, k1: float, b: float) -> List[np.ndarray]:
        """BM25's ``k1 (1 - b + b len / avg)`` per paragraph of each segment, for a
        length column (computed once per commit, shared by the queries)."""
        key = (column, k1, b)
        if key not in self._norms:
            avg = self.average(column) or 1.0
            self._norms[key] = [(k1 * (1.0 - b + b * s.column(column) / avg)).astype(np.float32)
                                for s in self.segments]
        return self._norms[key]

    def speaker_names(self) -> set:
        """Every speaker named in the index."""
        if self._speakers is None:
            self._speakers = set().union(*(s.sub.table("speaker") for s in self.segments))
        return self._speakers

    def doc_ranks(self) -> List[np.ndarray]:
        """Per segment, the rank of each paragraph's document id among all ids of
        the index (string order): the sort key of "reading order" across segments."""
        if self._doc_ranks is None:
            tables = [s.sub.table("doc") for s in self.segments]
            rank = {name: r for r, name in enumerate(sorted(set().union(*tables)))}
            ranks = []
            for s, table in zip(self.segments, tables):
                code_rank = np.array([rank[t] for t in table] + [-1], dtype=np.int64)
                ranks.append(code_rank[s.sub.codes("doc")])
            self._doc_ranks = ranks
        return self._doc_ranks

    def close(self) -> None:
        for s in self.segments:
            s.sub.close()
        self.segments = []

    def segment_of(self, docnum: int) -> Optional[SegmentView]:
        for s in reversed(self.segments):
            if docnum >= s.offset:
                return s
        return None
