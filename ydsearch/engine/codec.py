"""ydsearch's whoosh codec: whoosh 2.7's W3 segment layout, with no pickle in it
and with posting lists that numpy reads a whole block at a time.

What changes against ``W3Codec``:

* **Posting blocks** are binary: a struct header (postings, last id, largest
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
import struct
from typing import Tuple

import numpy as np
from whoosh import columns
from whoosh.codec import whoosh3 as w3
from whoosh.filedb import filetables
from whoosh.matching import ListMatcher
from whoosh.system import pack_int, pack_long, pack_uint, unpack_int, unpack_long
from whoosh.codec.whoosh3 import length_to_byte, byte_to_length

from . import safepickle

BLOCK_LIMIT = 1024       # postings per block
INLINE_LIMIT = 64        # posting lists shorter than this live in the term table
_BLOCK = struct.Struct("<IIfBBB")    # count, last id, max weight, min/max length byte, flags
_INLINE = struct.Struct("<IB")       # count, flags
_IDS16, _IDS32 = 0, 1
_W_ONES, _W_U8, _W_U16, _W_F32 = 0, 4, 8, 12
_WEIGHT_TYPES = {_W_U8: "<u1", _W_U16: "<u2", _W_F32: "<f4"}
MAGIC = w3.WHOOSH3_HEADER_MAGIC


def encode_postings(ids: np.ndarray, weights: np.ndarray) -> Tuple[int, bytes]:
    """``(flags, bytes)`` for ascending document ids and their weights."""
    ids = np.asarray(ids, dtype=np.int64)
    deltas = np.diff(ids, prepend=0)
    if deltas.size and deltas.max() > 0xFFFF:
        flags, idbytes = _IDS32, deltas.astype("<u4").tobytes()
    else:
        flags, idbytes = _IDS16, deltas.astype("<u2").tobytes()
    w = np.asarray(weights, dtype=np.float32)
    if not w.size or np.all(w == 1.0):
        return flags | _W_ONES, idbytes
    if np.all(w == np.round(w)) and w.min() >= 0:
        kind = _W_U8 if w.max() <= 0xFF else _W_U16 if w.max() <= 0xFFFF else _W_F32
    else:
        kind = _W_F32
    return flags | kind, idbytes + w.astype(_WEIGHT_TYPES[kind]).tobytes()


def decode_postings(flags: int, count: int, data, offset: int = 0):
    """Inverse of :func:`encode_postings`: ``(ids int64, weights float32)``."""
    idtype = "<u4" if flags & 3 == _IDS32 else "<u2"
    deltas = np.frombuffer(data, dtype=idtype, count=count, offset=offset)
    ids = np.cumsum(deltas, dtype=np.int64)
    kind = flags & 12
    if kind == _W_ONES:
        return ids, np.ones(count, dtype=np.float32)
    woff = offset + count * np.dtype(idtype).itemsize
    weights = np.frombuffer(data, dtype=_WEIGHT_TYPES[kind], count=count, offset=woff)
    return ids, weights.astype(np.float32)


def _length_bytes(lengths: np.ndarray) -> np.ndarray:
    """whoosh's ``length_to_byte`` for an array."""
    from whoosh.util.numeric import _length_byte_cache

    table = np.asarray(_length_byte_cache)
    return np.where(lengths >= 106374, 255, np.searchsorted(table, lengths, side="left"))


def _values_for(format_, weights):
    """whoosh posting values regenerated from weights (Frequency stores the count)."""
    size = format_.fixed_value_size()
    if size == 4:
        return [pack_uint(int(w)) for w in weights]
    if size == 0:
        return [b""] * len(weights)
    raise ValueError(f"{type(format_).__name__} postings are not supported by this codec")


class YdTermInfo(w3.W3TermInfo):
    """W3's term info with inlined postings in binary, not pickled."""

    def set_inlined(self, ids, weights, values=None):
        self._inlined = (tuple(int(i) for i in ids), tuple(float(w) for w in weights), None)

    def to_bytes(self):
        minlength = 0 if self._minlength is None else length_to_byte(self._minlength)
        minid = 0xffffffff if self._minid is None else self._minid
        maxid = 0xffffffff if self._maxid is None else self._maxid
        head = self._struct.pack(self.is_inlined(), self._weight, self._df, minlength,
                                 length_to_byte(self._maxlength), self._maxweight, minid, maxid)
        if self.is_inlined():
            ids, weights, _ = self._inlined
            flags, data = encode_postings(np.array(ids), np.array(weights))
            return head + _INLINE.pack(len(ids), flags) + data
        return head + pack_long(self._offset) + pack_int(self._length)

    @classmethod
    def from_bytes(cls, s):
        st = cls._struct
        try:
            vals = st.unpack(s[:st.size])
            ti = cls()
            ti._weight, ti._df = vals[1], vals[2]
            ti._minlength, ti._maxlength = byte_to_length(vals[3]), byte_to_length(vals[4])
            ti._maxweight = vals[5]
            ti._minid = None if vals[6] == 0xffffffff else vals[6]
            ti._maxid = None if vals[7] == 0xffffffff else vals[7]
            if vals[0]:
                count, flags = _INLINE.unpack_from(s, st.size)
                ids, weights = decode_postings(flags, count, s, st.size + _INLINE.size)
                ti._inlined = (tuple(ids.tolist()), tuple(weights.tolist()), None)
            else:
                ti._offset = unpack_long(s[st.size:st.size + 8])[0]
                ti._length = unpack_int(s[st.size + 8:st.size + 12])[0]
        except (struct.error, ValueError) as e:
            raise ValueError(f"damaged term entry ({e})") from None
        return ti


class YdPostingsWriter(w3.W3PostingsWriter):
    """Blocks of up to ``blocklimit`` postings; each block's ids are stored as
    deltas from the last id of the block before it."""

    def start_postings(self, format_, terminfo):
        super().start_postings(format_, terminfo)
        self._base = 0

    def _write_block(self, last=False):
        if not self._blockcount:
            self._postfile.write(MAGIC)
        self._terminfo.add_block(self)
        ids = np.frombuffer(self._ids, dtype=np.uint32).astype(np.int64)
        flags, data = encode_postings(ids - self._base,
                                      np.frombuffer(self._weights, dtype=np.float32))
        self._emit(len(self._ids), self._ids[-1], self._maxweight, self._minlength,
                   self._maxlength, flags, data, last)
        self._base = self._ids[-1]
        self._new_block()

    def _emit(self, count, lastid, maxweight, minlength, maxlength, flags, data, last):
        info = _BLOCK.pack(count, lastid, maxweight, length_to_byte(minlength or 0),
                           length_to_byte(maxlength), flags)
        size = len(info) + len(data)
        self._postfile.write_int(-size if last else size)
        self._postfile.write(info)
        self._postfile.write(data)
        self._blockcount += 1

    def finish_postings(self):
        terminfo = self._terminfo
        if not self.written() and len(self) < self._inlinelimit:
            terminfo.add_block(self)
            terminfo.set_inlined(self._ids, self._weights)
        else:
            if self._ids:
                self._write_block(last=True)
            terminfo.set_extent(self._startoffset, self._postfile.tell() - self._startoffset)
        self._terminfo = None
        return terminfo

    def write_arrays(self, terminfo, ids: np.ndarray, weights: np.ndarray,
                     lengths: np.ndarray):
        """Write a whole posting list from arrays (ascending ids; ``lengths`` are
        the documents' field lengths); fills and returns ``terminfo``."""
        n = len(ids)
        terminfo._weight = float(weights.sum())
        terminfo._df = n
        terminfo._minlength = int(lengths.min()) if n else None
        terminfo._maxlength = int(lengths.max()) if n else 0
        terminfo._maxweight = float(weights.max()) if n else 0.0
        terminfo._minid = int(ids[0]) if n else None
        terminfo._maxid = int(ids[-1]) if n else None
        if n < self._inlinelimit:
            terminfo.set_inlined(ids.tolist(), weights.tolist())
            return terminfo
        start = self._postfile.tell()
        self._postfile.write(MAGIC)
        limit = self._blocklimit
        for a in range(0, n, limit):
            b = min(n, a + limit)
            flags, data = encode_postings(ids[a:b] - (ids[a - 1] if a else 0), weights[a:b])
            # the first delta of a block is relative to the previous block's last id
            self._emit(b - a, int(ids[b - 1]), float(weights[a:b].max()),
                       int(lengths[a:b].min()), int(lengths[a:b].max()), flags, data, b == n)
        terminfo.set_extent(start, self._postfile.tell() - start)
        return terminfo


class YdLeafMatcher(w3.W3LeafMatcher):
    """whoosh's block matcher over this codec's binary blocks."""

    def _read_header(self):   # positional reads only: safe when threads share the file
        if self._postfile.get(self._startoffset, 4) != MAGIC:
            raise ValueError("posting list does not start with its magic number")
        self._baseoffset = self._startoffset + 4

    def reset(self):
        self._prevmax = 0
        super().reset()

    def _goto(self, position):
        postfile = self._postfile
        self._data = self._ids = self._weights = self._values = None
        self._i = 0
        if self._maxid is not None and position != self._baseoffset:
            self._prevmax = self._maxid
        length = unpack_int(postfile.get(position, 4))[0]
        if length < 0:
            self._lastblock = True
            length = -length
        self._nextoffset = position + 4 + length
        (self._blocklength, self._maxid, self._maxweight, mn, mx,
         self._flags) = _BLOCK.unpack(postfile.get(position + 4, _BLOCK.size))
        self._dataoffset = position + 4 + _BLOCK.size
        self._compression = 0
        self._minlength, self._maxlength = byte_to_length(mn), byte_to_length(mx)

    def _read_data(self):
        data = self._postfile.get(self._dataoffset, self._nextoffset - self._dataoffset)
        ids, weights = decode_postings(self._flags, self._blocklength, data)
        self._data = ((ids + self._prevmax).tolist(), weights.tolist())

    def _read_ids(self):
        if self._data is None:
            self._read_data()
        self._ids = self._data[0]

    def _read_weights(self):
        if self._data is None:
            self._read_data()
        self._weights = self._data[1]

    def _read_values(self):
        if self._weights is None:
            self._read_weights()
        self._values = _values_for(self.format, self._weights)


class InlinedMatcher(ListMatcher):
    """whoosh's ListMatcher over inlined postings, values regenerated from weights."""

    def value(self):
        return _values_for(self._format, [self.weight()])[0]

    def all_items(self):
        return zip(self._ids, _values_for(self._format, self._weights))


def read_postings(postfile, terminfo) -> Tuple[np.ndarray, np.ndarray]:
    """A whole posting list as ``(ids int64, weights float32)``, in one read."""
    if terminfo.is_inlined():
        ids, weights, _ = terminfo.inlined_postings()
        return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float32)
    offset, length = terminfo.extent()
    buf = postfile.get(offset, length)
    if buf[:4] != MAGIC:
        raise ValueError("posting list does not start with its magic number")
    p, end, base = 4, len(buf), 0
    all_ids, all_weights = [], []
    while p < end:
        size = int.from_bytes(buf[p:p + 4], "big", signed=True)
        last = size < 0
        size = abs(size)
        count, lastid, _, _, _, flags = _BLOCK.unpack_from(buf, p + 4)
        ids, weights = decode_postings(flags, count, buf, p + 4 + _BLOCK.size)
        all_ids.append(ids + base)
        all_weights.append(weights)
        base = lastid
        p += 4 + size
        if last:
            break
    if not all_ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(all_ids), np.concatenate(all_weights)


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
        lmin = _length_bytes(np.minimum.reduceat(lengths, starts))
        lmax = _length_bytes(np.maximum.reduceat(lengths, starts))
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
        head, inline, add = YdTermInfo._struct.pack, _INLINE.pack, self._tindex.add
        limit = self._postwriter._inlinelimit
        rows = zip(terms, starts.tolist(), ends.tolist(), counts.tolist(), wsum.tolist(),
                   wmax.tolist(), wmin.tolist(), lmin.tolist(), lmax.tolist(), first.tolist(),
                   last.tolist(), wide.tolist())
        for term, a, b, c, ws, wx, wn, ln, lx, fi, la, wd in rows:
            if c >= limit:
                self.add_term_arrays(term, ids[a:b], weights[a:b], lengths[a:b])
                continue
            flags, idbytes = (_IDS32, d32[4 * a:4 * b]) if wd else (_IDS16, d16[2 * a:2 * b])
            if wn == 1.0 and wx == 1.0:
                wbytes = b""
            elif w32 and (wx > 0xFFFF or (weights[a:b] != np.round(weights[a:b])).any()):
                flags, wbytes = flags | _W_F32, w32[4 * a:4 * b]
            elif wx > 0xFF:
                flags, wbytes = flags | _W_U16, w16[2 * a:2 * b]
            else:
                flags, wbytes = flags | _W_U8, w8[a:b]
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
