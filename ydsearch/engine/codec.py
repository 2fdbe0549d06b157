"""A whoosh codec that stores short posting lists inside the term table.

whoosh 2.7's ``W3Codec`` writes every term's postings as a separate pickled,
compressed block in the postings file, about 0.1 ms per term; in a Chinese
index most terms (rare words, most character bigrams) occur in a handful of
paragraphs, so that per-term cost dominates indexing.  whoosh can *inline*
short posting lists into the term's entry instead (its readers support it),
but the writer's inlining path calls a misspelt method (``set_inline`` for
``set_inlined``) and the reader returns ``''`` (text, not bytes) as the value
of a posting without one, which breaks segment merging; this codec repairs
both and turns inlining on.

Its class path is pickled into every index's table of contents: never rename it.
"""
from itertools import repeat

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.matching import ListMatcher

INLINE_LIMIT = 64  # posting lists shorter than this live in the term table


class InliningPostingsWriter(W3PostingsWriter):
    def finish_postings(self):
        if not self.written() and len(self) < self._inlinelimit:
            terminfo = self._terminfo
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights, self._values)
            self._terminfo = None
            return terminfo
        return super().finish_postings()


class InlinedMatcher(ListMatcher):
    """whoosh's ListMatcher, with ``b""`` (not ``""``) for postings without a value."""

    def value(self):
        return super().value() if self._values else b""

    def all_items(self):
        return zip(self._ids, self._values or repeat(b""))


class InliningCodec(W3Codec):
    def __init__(self, blocklimit=128, compression=3, inlinelimit=INLINE_LIMIT):
        super().__init__(blocklimit=blocklimit, compression=compression,
                         inlinelimit=inlinelimit)

    def postings_writer(self, dbfile, byteids=False):
        return InliningPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                      compression=self._compression,
                                      inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return InlinedMatcher(ids, weights, values, format_, scorer=scorer, term=term,
                                  terminfo=terminfo)
        return super().postings_reader(dbfile, terminfo, format_, term=term, scorer=scorer)
