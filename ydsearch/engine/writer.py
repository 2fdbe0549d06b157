"""The segment writer: whoosh's ``SegmentWriter`` fed whole prepared batches.

whoosh's own writer analyses each document, adds every posting to a pool one at
a time, sorts the pool (spilling it to disk when it outgrows ``limitmb``) and
writes each posting again one at a time: about 5 µs a posting, all in Python.
:class:`BulkWriter` keeps whoosh's segment, deletion, locking and commit logic
but takes :class:`~ydsearch.engine.prepare.PreparedBatch` objects whose
postings are already inverted into numpy arrays: appending a batch costs a few
array copies, and writing the segment sorts each field's postings once and
writes every term's list in one call.  Merging reads whole posting lists the
same way.  Beside the whoosh files it writes the segment's substring index
(``<segment>.sub``), so the two are committed together by the same TOC.
"""
import os
from typing import Dict, List

import numpy as np
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from .codec import YdCodec
from .postings import read_postings
from .prepare import PreparedBatch, Postings
from .sabuild import SubstringBuilder
from .schema import COLUMNS, ID_FIELDS, STRING_COLUMNS, WORD_FIELDS
from .substrings import SubstringIndex

SUBSTRINGS_EXT = ".sub"
INDEXED_FIELDS = WORD_FIELDS + ID_FIELDS
#: A segment holds at most this many paragraphs (its document array stays 16-bit).
SEGMENT_LIMIT = 65_535
#: More segments than this after a commit: the smallest are merged.
MAX_SEGMENTS = 4


class FieldPostings:
    """The postings of one field in the segment being written."""

    def __init__(self):
        self.vocab: Dict[bytes, int] = {}
        self._tids: List[np.ndarray] = []
        self._docs: List[np.ndarray] = []
        self._freqs: List[np.ndarray] = []

    def __bool__(self):
        return bool(self.vocab)

    def extend(self, postings: Postings, docbase: int) -> None:
        if not len(postings.tids):
            return
        vocab = self.vocab
        remap = np.fromiter((vocab.setdefault(t, len(vocab)) for t in postings.terms),
                            dtype=np.int32, count=len(postings.terms))
        self._tids.append(remap[postings.tids])
        self._docs.append(postings.docs.astype(np.int32) + docbase)
        self._freqs.append(postings.freqs.astype(np.float32))

    def add_term(self, term: bytes, docs: np.ndarray, freqs: np.ndarray) -> None:
        if not len(docs):
            return
        tid = self.vocab.setdefault(term, len(self.vocab))
        self._tids.append(np.full(len(docs), tid, dtype=np.int32))
        self._docs.append(docs.astype(np.int32))
        self._freqs.append(freqs.astype(np.float32))

    def sorted(self):
        """``(terms, starts, ends, docs, weights)``: the terms in ascending order and
        each one's postings ``docs[starts[i]:ends[i]]`` (ascending)."""
        terms = list(self.vocab)
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.int32)
        rank[order] = np.arange(len(terms), dtype=np.int32)
        tids, docs = np.concatenate(self._tids), np.concatenate(self._docs)
        freqs = np.concatenate(self._freqs)
        self._tids, self._docs, self._freqs = [], [], []
        keys = rank[tids]
        idx = np.lexsort((docs, keys))
        keys, docs, freqs = keys[idx], docs[idx].astype(np.int64), freqs[idx]
        bounds = np.flatnonzero(np.diff(keys)) + 1
        starts = np.concatenate(([0], bounds)).astype(np.int64)
        ends = np.concatenate((bounds, [len(keys)])).astype(np.int64)
        return [terms[i] for i in order], starts, ends, docs, freqs


def substrings_path(storage, segment) -> str:
    return os.path.join(storage.folder, segment.make_filename(SUBSTRINGS_EXT))


class BulkWriter(SegmentWriter):
    """A whoosh segment writer for prepared batches (see the module docstring)."""

    def __init__(self, ix, lock):
        """``lock``: the index's writer lock, already held (released by commit)."""
        super().__init__(ix, _lk=False, codec=YdCodec(), compound=False)
        self.writelock = lock
        self._fields = {name: FieldPostings() for name in INDEXED_FIELDS}
        self._lengths: Dict[str, List[np.ndarray]] = {name: [] for name in WORD_FIELDS}
        self._sub = SubstringBuilder(COLUMNS, STRING_COLUMNS)

    # -- adding ----------------------------------------------------------------
    def add_document(self, **fields):
        raise TypeError("BulkWriter takes prepared batches: use add_batch")

    def add_batch(self, batch: PreparedBatch) -> None:
        base, n = self.docnum, batch.paragraphs
        if not n:
            return
        add = self.perdocwriter.add_raw_document
        lengths = [batch.lengths[name].tolist() for name in WORD_FIELDS]
        for i, stored in enumerate(batch.stored):
            add(base + i, stored, zip(WORD_FIELDS, (col[i] for col in lengths)))
        for name, postings in batch.postings.items():
            self._fields[name].extend(postings, base)
        for name in WORD_FIELDS:
            self._lengths[name].append(batch.lengths[name])
        self._sub.add_batch(batch.folded, batch.columns, batch.strings)
        self.docnum += n
        self._added = True

    def add_reader(self, reader: SegmentReader) -> None:
        """Merge a segment (its live documents) into the one being written."""
        self._check_state()
        segment = reader.segment()
        sub = SubstringIndex.open(substrings_path(self.storage, segment))
        try:
            n = segment.doc_count_all()
            live = np.ones(n, dtype=bool)
            live[list(segment.deleted_docs() or ())] = False
            docs = np.flatnonzero(live)
            docmap = np.full(n, -1, dtype=np.int64)
            docmap[docs] = np.arange(len(docs)) + self.docnum
            perdoc = reader._perdoc
            cols = [sub.columns["len_" + name] for name in WORD_FIELDS]
            for new, old in zip(docmap[docs].tolist(), docs.tolist()):
                self.perdocwriter.add_raw_document(
                    new, perdoc.stored_bytes(old),
                    zip(WORD_FIELDS, (int(c[old]) for c in cols)))
            terms = reader._terms
            for (fieldname, tbytes), info in terms.items():
                if fieldname not in self._fields:
                    continue
                ids, weights = read_postings(terms._postfile, info)
                new = docmap[ids]
                keep = new >= 0
                self._fields[fieldname].add_term(tbytes, new[keep], weights[keep])
            for name, col in zip(WORD_FIELDS, cols):
                self._lengths[name].append(col[docs].astype(np.int32))
            self._sub.add_from(sub, docs)
            self.docnum += len(docs)
            self._added = True
        finally:
            sub.close()

    # -- writing -----------------------------------------------------------------
    def _flush_segment(self):
        self.perdocwriter.close()
        lengths = {name: np.concatenate(chunks) if chunks else np.zeros(0, np.int32)
                   for name, chunks in self._lengths.items()}
        fw = self.fieldwriter
        for name in INDEXED_FIELDS:
            acc = self._fields[name]
            if not acc:
                continue
            fw.start_field(name, self.schema[name])
            terms, starts, ends, docs, weights = acc.sorted()
            field_lengths = lengths.get(name)
            lens = field_lengths[docs] if field_lengths is not None else \
                np.ones(len(docs), dtype=np.int32)
            fw.add_field_arrays(terms, starts, ends, docs, weights, lens)
            fw.finish_field()
        fw.close()
        files = {name: self.storage.file_length(name)
                 for name in self.newsegment.list_files(self.storage)}
        f = self.newsegment.create_file(self.storage, SUBSTRINGS_EXT)
        try:
            self._sub.write(f, files)
        finally:
            f.close()

    def discard(self) -> None:
        """Give up this writer: remove every file of its segment, release the lock.

        Safe to call in any state (after a failed commit too); committed
        segments are untouched: if the commit got as far as its table of
        contents, only the lock is released.  Ctrl-C waits until it is done.
        """
        from .signals import interrupts_held

        with interrupts_held():
            self._discard()

    def _discard(self) -> None:
        from whoosh.index import TOC

        committed = self.storage.file_exists(TOC._filename(self.indexname, self.generation))
        for close in (self.perdocwriter, self.fieldwriter):
            try:
                if not close.is_closed:
                    close.close()
            except Exception:  # noqa: BLE001 - a half-written file is removed below
                pass
        doomed = [] if committed else list(self.newsegment.list_files(self.storage))
        # a TOC being written when the commit failed (whoosh renames it into place last)
        half_toc = TOC._filename(self.indexname, self.generation) + "."
        doomed += [name for name in self.storage.list() if name.startswith(half_toc)]
        for name in doomed:
            try:
                self.storage.delete_file(name)
            except OSError:
                pass
        try:
            self._tempstorage.destroy()
        except OSError:
            pass
        self.is_closed = True
        if self.writelock:
            try:
                self.writelock.release()
            except Exception:  # noqa: BLE001
                pass
            self.writelock = None


def merge_policy(writer: BulkWriter, segments):
    """Keep at most :data:`MAX_SEGMENTS` segments of at most :data:`SEGMENT_LIMIT`
    paragraphs: past that, the smallest segments that fit are merged into the
    one being written (deleted paragraphs are dropped on the way)."""
    if len(segments) + 1 <= MAX_SEGMENTS and not any(
            s.deleted_count() * 2 > s.doc_count_all() for s in segments):
        return segments
    chosen, total = [], writer.doc_count()
    for seg in sorted(segments, key=lambda s: s.doc_count()):
        if total + seg.doc_count() > SEGMENT_LIMIT:
            break
        chosen.append(seg)
        total += seg.doc_count()
    if not chosen:
        return segments
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg, codec=YdCodec())
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
    return [s for s in segments if s not in chosen]
