"""ydsearch's whoosh codec: whoosh 2.7's W3 segment layout, with no pickle in it
and with posting lists that numpy reads a whole block at a time.

What changes against ``W3Codec``:

* **Posting blocks** (:mod:`.postings`) are binary: a struct header (postings, last id, largest
  weight, shortest and longest field length, encoding flags) and the ids as
  deltas in 16 or 32 bits, the weights omitted when all are 1, else in 8 or 16
  bits or as floats.  whoosh pickles and zlib-compresses each block and
  decodes it one posting at a time in Python; :func:`read_postings` reads a
  whole list with one file read and numpy.  Blocks hold up to 1,024 postings.
* **Short posting lists** (under 64 documents: most terms of a Chinese index)
  live in the term table, encoded the same way (whoosh's own inlining path is
  broken in 2.7.4 and pickles).
* **Stored fields** are JSON, not pickle.
* The term table's header, which whoosh pickles, is read with the restricted
  unpickler of :mod:`ydsearch.engine.safepickle`.

Opening or reading a segment written by this codec therefore never unpickles
anything that can run code.  The class path ``ydsearch.engine.codec.YdCodec``
is pickled into every table of contents: never rename it.
"""
import json

import numpy as np
from whoosh import columns
from whoosh.codec import whoosh3 as w3
from whoosh.codec.whoosh3 import length_to_byte
from whoosh.filedb import filetables

from .postings import (BLOCK_LIMIT, IDS16, IDS32, INLINE_HEADER, INLINE_LIMIT, W_F32, W_U8,
                       W_U16, InlinedMatcher, YdLeafMatcher, YdPostingsWriter, YdTermInfo,
                       length_bytes, read_postings)
from . import safepickle

class JsonColumn(columns.WrappedColumn):
    """Stored values as JSON bytes in a variable-length bytes column."""

    class Writer(columns.WrappedColumnWriter):
        def add(self, docnum, v):
            self._child.add(docnum, b"" if v is None else encode_stored(v))

    class Reader(columns.WrappedColumnReader):
        def __getitem__(self, docnum):
            v = self._child[docnum]
            return json.loads(v) if v else None

        def raw(self, docnum) -> bytes:
            return self._child[docnum]

        def __iter__(self):
            for v in self._child:
                yield json.loads(v) if v else None


def encode_stored(values: dict) -> bytes:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


STORED_COLUMN = JsonColumn(columns.VarBytesColumn())


class YdPerDocWriter(w3.W3PerDocWriter):
    def __init__(self, codec, storage, segment):   # W3PerDocWriter's, with JSON stored fields
        self._codec = codec
        self._storage = storage
        self._segment = segment
        tempst = storage.temp_storage("%s.tmp" % segment.indexname)
        self._cols = w3.compound.CompoundWriter(tempst)
        self._colwriters = {}
        self._create_column("_stored", STORED_COLUMN)
        self._fieldlengths = w3.defaultdict(int)
        self._doccount = 0
        self._docnum = None
        self._storedfields = None
        self._indoc = False
        self.is_closed = False
        self._vpostfile = None

    def finish_doc(self):
        sf = self._storedfields
        if sf:
            self.add_column_value("_stored", STORED_COLUMN, sf)
        self._storedfields = None
        self._indoc = False

    def add_raw_document(self, docnum: int, stored: bytes, lengths) -> None:
        """One document at once: its stored fields already encoded, its field lengths."""
        self.start_doc(docnum)
        if stored:
            self._colwriters["_stored"]._child.add(docnum, stored)
        for fieldname, length in lengths:
            if length:
                self.add_column_value(w3._lenfield(fieldname), w3.LENGTHS_COLUMN,
                                      length_to_byte(length))
                self._fieldlengths[fieldname] += length
        self._storedfields = None
        self._indoc = False


class YdPerDocReader(w3.W3PerDocReader):
    def _stored_reader(self):
        return self._cached_reader("_stored", STORED_COLUMN)

    def stored_fields(self, docnum):
        reader = self._stored_reader()
        v = reader[docnum] if reader is not None else None
        return v if isinstance(v, dict) else {}

    def stored_bytes(self, docnum) -> bytes:
        reader = self._stored_reader()
        return reader.raw(docnum) if reader is not None else b""


def _safe_extras(dbfile):
    """Make ``dbfile.read_pickle`` (used by whoosh's hash file for its header) safe."""
    dbfile.read_pickle = lambda: safepickle.load(dbfile.file)
    return dbfile


class YdFieldCursor(w3.W3FieldCursor):
    def term_info(self):
        if self._pos is None:
            return None
        return YdTermInfo.from_bytes(self._tindex.dbfile.get(self._datapos, self._datalen))


class YdTermsReader(w3.W3TermsReader):
    def __init__(self, codec, dbfile, length, postfile):
        self._codec = codec
        self._dbfile = _safe_extras(dbfile)
        self._tindex = filetables.OrderedHashReader(dbfile, length)
        fieldmap = self._tindex.extras.get("fieldmap")
        if not isinstance(fieldmap, dict) or not all(
                isinstance(k, str) and isinstance(v, int) for k, v in fieldmap.items()):
            raise ValueError("term table has no valid field map")
        self._fieldmap = fieldmap
        self._postfile = postfile
        self._fieldunmap = [None] * len(fieldmap)
        for fieldname, num in fieldmap.items():
            if not 0 <= num < len(fieldmap):
                raise ValueError("term table has no valid field map")
            self._fieldunmap[num] = fieldname

    def cursor(self, fieldname, fieldobj):
        return YdFieldCursor(self._tindex, fieldname, self._keycoder, self._keydecoder, fieldobj)

    def items(self):
        decode = self._keydecoder
        return ((decode(k), YdTermInfo.from_bytes(v)) for k, v in self._tindex.items())

    def items_from(self, fieldname, prefix):
        decode = self._keydecoder
        return ((decode(k), YdTermInfo.from_bytes(v))
                for k, v in self._tindex.items_from(self._keycoder(fieldname, prefix)))

    def term_info(self, fieldname, tbytes):
        try:
            return YdTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            from whoosh.reading import TermNotFound

            raise TermNotFound(f"No term {fieldname}:{tbytes!r}") from None

    def postings(self, fieldname, tbytes):
        """``(ids, weights)`` of a term as numpy arrays (empty when absent)."""
        try:
            info = YdTermInfo.from_bytes(self._tindex[self._keycoder(fieldname, tbytes)])
        except KeyError:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return read_postings(self._postfile, info)


class YdFieldWriter(w3.W3FieldWriter):
    def start_term(self, btext):
        if self._postwriter is None:
            raise Exception("Called start_term before start_field")
        self._btext = btext
        self._postwriter.start_postings(self._fieldobj.format, YdTermInfo())

    def add_term_arrays(self, btext: bytes, ids: np.ndarray, weights: np.ndarray,
                        lengths: np.ndarray) -> None:
        """A whole term at once (after ``start_field``; terms in ascending order)."""
        info = self._postwriter.write_arrays(YdTermInfo(), ids, weights, lengths)
        self._tindex.add(w3.pack_ushort(self._fieldid) + btext, info.to_bytes())

    def add_field_arrays(self, terms, starts: np.ndarray, ends: np.ndarray, ids: np.ndarray,
                         weights: np.ndarray, lengths: np.ndarray) -> None:
        """Every term of the field at once (after ``start_field``): ``terms[i]`` (in
        ascending order) has the postings ``ids[starts[i]:ends[i]]``; ``lengths``
        are the field lengths of those postings' documents.

        The term entries of short lists, which carry their postings inline, are
        computed for all terms together with numpy; long lists go to blocks.
        """
        n = len(terms)
        if not n:
            return
        counts = ends - starts
        wsum = np.add.reduceat(weights, starts)
        wmax = np.maximum.reduceat(weights, starts)
        wmin = np.minimum.reduceat(weights, starts)
        lmin = length_bytes(np.minimum.reduceat(lengths, starts))
        lmax = length_bytes(np.maximum.reduceat(lengths, starts))
        first, last = ids[starts], ids[ends - 1]
        deltas = np.diff(ids, prepend=0)
        deltas[starts] = ids[starts]
        wide = np.maximum.reduceat(deltas, starts) > 0xFFFF
        d16 = deltas.astype("<u2").tobytes()
        d32 = deltas.astype("<u4").tobytes() if wide.any() else b""
        w8 = weights.astype("<u1").tobytes()
        w16 = weights.astype("<u2").tobytes() if wmax.max() > 0xFF else b""
        w32 = weights.astype("<f4").tobytes() if (weights != np.round(weights)).any() \
            or wmax.max() > 0xFFFF else b""
        prefix = w3.pack_ushort(self._fieldid)
        head, inline, add = YdTermInfo._struct.pack, INLINE_HEADER.pack, self._tindex.add
        limit = self._postwriter._inlinelimit
        rows = zip(terms, starts.tolist(), ends.tolist(), counts.tolist(), wsum.tolist(),
                   wmax.tolist(), wmin.tolist(), lmin.tolist(), lmax.tolist(), first.tolist(),
                   last.tolist(), wide.tolist())
        for term, a, b, c, ws, wx, wn, ln, lx, fi, la, wd in rows:
            if c >= limit:
                self.add_term_arrays(term, ids[a:b], weights[a:b], lengths[a:b])
                continue
            flags, idbytes = (IDS32, d32[4 * a:4 * b]) if wd else (IDS16, d16[2 * a:2 * b])
            if wn == 1.0 and wx == 1.0:
                wbytes = b""
            elif w32 and (wx > 0xFFFF or (weights[a:b] != np.round(weights[a:b])).any()):
                flags, wbytes = flags | W_F32, w32[4 * a:4 * b]
            elif wx > 0xFF:
                flags, wbytes = flags | W_U16, w16[2 * a:2 * b]
            else:
                flags, wbytes = flags | W_U8, w8[a:b]
            add(prefix + term, head(1, ws, c, ln, lx, wx, fi, la) + inline(c, flags)
                + idbytes + wbytes)


class YdCodec(w3.W3Codec):
    """See the module docstring.  Pickled into tables of contents: never rename."""

    def __init__(self, blocklimit=BLOCK_LIMIT, compression=0, inlinelimit=INLINE_LIMIT):
        super().__init__(blocklimit=blocklimit, compression=compression,
                         inlinelimit=inlinelimit)

    def per_document_writer(self, storage, segment):
        return YdPerDocWriter(self, storage, segment)

    def field_writer(self, storage, segment):
        return YdFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile, byteids=False):
        if byteids:
            raise ValueError("term vectors are not supported by this codec")
        return YdPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=False,
                                compression=0, inlinelimit=self._inlinelimit)

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, _ = terminfo.inlined_postings()
            return InlinedMatcher(ids, weights, None, format_, scorer=scorer, term=term,
                                  terminfo=terminfo)
        offset, length = terminfo.extent()
        return YdLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)

    def per_document_reader(self, storage, segment):
        return YdPerDocReader(storage, segment)

    def terms_reader(self, storage, segment):
        tiname = segment.make_filename(self.TERMS_EXT)
        tilen = storage.file_length(tiname)
        tifile = storage.open_file(tiname)
        postfile = segment.open_file(storage, self.POSTS_EXT)
        return YdTermsReader(self, tifile, tilen, postfile)
