"""Posting lists of ydsearch's codec (:mod:`.codec`): binary blocks numpy reads whole.

A block is a struct header (postings, last id, largest weight, shortest and
longest field length, encoding flags) and the ids as deltas in 16 or 32 bits,
the weights omitted when all are 1, else in 8 or 16 bits or as floats.  Blocks
hold up to :data:`BLOCK_LIMIT` postings; lists under :data:`INLINE_LIMIT`
documents live in the term table, encoded the same way.  :func:`read_postings`
reads a whole list with one file read; the matchers serve whoosh's own
searching.
"""
import struct
from typing import Tuple

import numpy as np
from whoosh.codec import whoosh3 as w3
from whoosh.matching import ListMatcher
from whoosh.system import pack_int, pack_long, pack_uint, unpack_int, unpack_long
from whoosh.codec.whoosh3 import length_to_byte, byte_to_length

BLOCK_LIMIT = 1024       # postings per block
INLINE_LIMIT = 64        # posting lists shorter than this live in the term table
BLOCK_HEADER = struct.Struct("<IIfBBB")    # count, last id, max weight, min/max length byte, flags
INLINE_HEADER = struct.Struct("<IB")       # count, flags
IDS16, IDS32 = 0, 1
W_ONES, W_U8, W_U16, W_F32 = 0, 4, 8, 12
_WEIGHT_TYPES = {W_U8: "<u1", W_U16: "<u2", W_F32: "<f4"}
MAGIC = w3.WHOOSH3_HEADER_MAGIC


def encode_postings(ids: np.ndarray, weights: np.ndarray) -> Tuple[int, bytes]:
    """``(flags, bytes)`` for ascending document ids and their weights."""
    ids = np.asarray(ids, dtype=np.int64)
    deltas = np.diff(ids, prepend=0)
    if deltas.size and deltas.max() > 0xFFFF:
        flags, idbytes = IDS32, deltas.astype("<u4").tobytes()
    else:
        flags, idbytes = IDS16, deltas.astype("<u2").tobytes()
    w = np.asarray(weights, dtype=np.float32)
    if not w.size or np.all(w == 1.0):
        return flags | W_ONES, idbytes
    if np.all(w == np.round(w)) and w.min() >= 0:
        kind = W_U8 if w.max() <= 0xFF else W_U16 if w.max() <= 0xFFFF else W_F32
    else:
        kind = W_F32
    return flags | kind, idbytes + w.astype(_WEIGHT_TYPES[kind]).tobytes()


def decode_postings(flags: int, count: int, data, offset: int = 0):
    """Inverse of :func:`encode_postings`: ``(ids int64, weights float32)``."""
    idtype = "<u4" if flags & 3 == IDS32 else "<u2"
    deltas = np.frombuffer(data, dtype=idtype, count=count, offset=offset)
    ids = np.cumsum(deltas, dtype=np.int64)
    kind = flags & 12
    if kind == W_ONES:
        return ids, np.ones(count, dtype=np.float32)
    woff = offset + count * np.dtype(idtype).itemsize
    weights = np.frombuffer(data, dtype=_WEIGHT_TYPES[kind], count=count, offset=woff)
    return ids, weights.astype(np.float32)


def length_bytes(lengths: np.ndarray) -> np.ndarray:
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
            return head + INLINE_HEADER.pack(len(ids), flags) + data
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
                count, flags = INLINE_HEADER.unpack_from(s, st.size)
                ids, weights = decode_postings(flags, count, s, st.size + INLINE_HEADER.size)
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
        info = BLOCK_HEADER.pack(count, lastid, maxweight, length_to_byte(minlength or 0),
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
         self._flags) = BLOCK_HEADER.unpack(postfile.get(position + 4, BLOCK_HEADER.size))
        self._dataoffset = position + 4 + BLOCK_HEADER.size
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
        count, lastid, _, _, _, flags = BLOCK_HEADER.unpack_from(buf, p + 4)
        ids, weights = decode_postings(flags, count, buf, p + 4 + BLOCK_HEADER.size)
        all_ids.append(ids + base)
        all_weights.append(weights)
        base = lastid
        p += 4 + size
        if last:
            break
    if not all_ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(all_ids), np.concatenate(all_weights)
