"""A suffix array of the normalised text of one index segment.

It answers "which paragraphs contain this string, and how often" for any
string of one or more characters, whatever the word segmenter made of it
(``三角地`` inside ``长三角地区``), in time that grows with the number of
occurrences, not with the size of the segment.

The file (one per whoosh segment, ``<segment id>.sub``, written with the
segment and deleted with it) holds, each array 64-byte aligned so that it is
used in place from a memory map:

* ``text`` -- the segment's paragraphs, normalised (Simplified, half-width,
  ASCII lower-cased), as big-endian UTF-16 code units, each paragraph followed
  by a NUL; big-endian so that comparing bytes compares code units;
* ``sa`` -- the suffix array: the positions of ``text`` in the order of the
  suffixes starting there (int32);
* ``da`` -- the document array: the paragraph (segment document number) of
  each suffix array entry, so that a range of the suffix array gives its
  paragraphs without a search (uint16 when the segment has fewer than 65,536
  paragraphs, else int32);
* ``starts`` -- where each paragraph begins in ``text`` (int32, one more than
  the paragraphs);
* per-paragraph columns given by the writer (year, date, …), small integers.

The header is JSON (never pickle): the file is data, opening it runs nothing.
"""
import json
import mmap
import os
import struct
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

MAGIC = b"YDSUBSTR"
VERSION = 1
ALIGN = 64
MAX_HEADER = 1 << 20
SEPARATOR = "\x00"
_HEAD = struct.Struct("<8sII")   # magic, version, header length
STRING_PREFIX = "s:"             # per-paragraph codes of a string column
TABLE_PREFIX = "t:"              # the values those codes stand for


class SubstringFileError(Exception):
    """The file is not a complete substring index (damaged or foreign)."""


def fold(text: str) -> str:
    """The text as it is stored and looked up: lower case, NUL-free, same length."""
    low = text.lower()
    if len(low) != len(text):      # a few letters lower-case to two characters
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace(SEPARATOR, " ")


def encode(text: str) -> np.ndarray:
    """Big-endian UTF-16 code units of ``text`` (already folded)."""
    return np.frombuffer(text.encode("utf-16-be", "surrogatepass"), dtype=">u2")


def suffix_array(units: np.ndarray) -> np.ndarray:
    """The suffix array of a big-endian uint16 array (positions in code units).

    libdivsufsort (through ``pydivsufsort``) sorts the bytes; the suffixes
    starting at odd bytes are dropped, which leaves the code-unit suffixes in
    order, since big-endian byte order is code-unit order.
    """
    from pydivsufsort import divsufsort

    if len(units) == 0:
        return np.zeros(0, dtype=np.int32)
    sa = divsufsort(units.astype(">u2", copy=False).tobytes())
    return (sa[(sa & 1) == 0] >> 1).astype(np.int32, copy=False)


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def build_arrays(units: np.ndarray, starts: np.ndarray) -> Dict[str, np.ndarray]:
    """``sa`` and ``da`` for the concatenated text ``units`` split at ``starts``."""
    ndocs = len(starts) - 1
    sa = suffix_array(units)
    dtype = np.uint16 if ndocs <= 0xFFFF else np.int32
    owner = np.repeat(np.arange(ndocs, dtype=dtype), np.diff(starts))
    return {"sa": sa, "da": owner[sa]}


def _table_blob(values: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\x00".join(values).encode("utf-8"), dtype=np.uint8)


def write_file(f, units: np.ndarray, starts: np.ndarray,
               columns: Mapping[str, np.ndarray],
               strings: Mapping[str, Tuple[np.ndarray, Sequence[str]]] = None,
               files: Mapping[str, int] = None) -> None:
    """Write a substring index for the paragraphs ``units[starts[i]:starts[i+1]]``.

    ``f`` is a binary file object; ``columns`` are per-paragraph integer arrays;
    ``strings`` maps a name to per-paragraph codes (-1: none) and the table of
    the values the codes stand for; ``files`` the other files of the segment
    with their sizes, so that opening can tell a damaged segment.
    """
    ndocs = len(starts) - 1
    arrays = {"text": units.astype(">u2", copy=False),
              "starts": starts.astype("<i4", copy=False)}
    arrays.update(build_arrays(units, starts))
    named = dict(columns)
    for name, (codes, table) in (strings or {}).items():
        named[STRING_PREFIX + name] = np.asarray(codes, dtype="<i4")
        arrays[TABLE_PREFIX + name] = _table_blob(table)
    for name, values in named.items():
        if len(values) != ndocs:
            raise ValueError(f"column {name!r} has {len(values)} values for "
                             f"{ndocs} paragraphs")
        arrays[name] = np.asarray(values)
    layout, offset = {}, 0
    for name, arr in arrays.items():
        layout[name] = [offset, arr.dtype.str, int(arr.size)]
        offset = _aligned(offset + arr.nbytes)
    header = json.dumps({"version": VERSION, "docs": int(len(starts) - 1),
                         "chars": int(len(units)), "arrays": layout,
                         "files": dict(files or {})}).encode("utf-8")
    base = _aligned(_HEAD.size + len(header))
    f.write(_HEAD.pack(MAGIC, VERSION, len(header)) + header)
    f.write(b"\0" * (base - _HEAD.size - len(header)))
    written = 0
    for name, arr in arrays.items():
        start = layout[name][0]
        f.write(b"\0" * (start - written))
        f.write(np.ascontiguousarray(arr).tobytes())
        written = start + arr.nbytes


class SubstringIndex:
    """A substring index read in place from its file (memory-mapped)."""

    def __init__(self, buffer, text_offset: int, arrays: Dict[str, np.ndarray], ndocs: int,
                 closer=None):
        self._buffer = buffer          # bytes or mmap: slicing either gives bytes
        self._text_offset = text_offset
        self._closer = closer
        self.ndocs = ndocs
        self.text = arrays.pop("text")
        self.sa = arrays.pop("sa")
        self.da = arrays.pop("da")
        self.starts = arrays.pop("starts")
        self.columns = {k: v for k, v in arrays.items()
                        if not k.startswith((STRING_PREFIX, TABLE_PREFIX))}
        self._codes = {k[len(STRING_PREFIX):]: v for k, v in arrays.items()
                       if k.startswith(STRING_PREFIX)}
        self._blobs = {k[len(TABLE_PREFIX):]: v for k, v in arrays.items()
                       if k.startswith(TABLE_PREFIX)}
        self._tables: Dict[str, List[str]] = {}

    @classmethod
    def open(cls, path) -> "SubstringIndex":
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < _HEAD.size:
                raise SubstringFileError(f"{os.path.basename(path)} is truncated")
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            return cls.from_buffer(mm, closer=mm.close)
        except SubstringFileError:
            mm.close()
            raise

    @classmethod
    def from_buffer(cls, buf, closer=None) -> "SubstringIndex":
        size = len(buf)
        magic, version, hlen = _HEAD.unpack_from(buf, 0)
        if magic != MAGIC or version != VERSION or hlen > MAX_HEADER \
                or _HEAD.size + hlen > size:
            raise SubstringFileError("not a substring index of this version")
        try:
            header = json.loads(bytes(buf[_HEAD.size:_HEAD.size + hlen]).decode("utf-8"))
            ndocs, nchars = int(header["docs"]), int(header["chars"])
            layout = header["arrays"]
            files = {str(k): int(v) for k, v in header.get("files", {}).items()}
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise SubstringFileError(f"unreadable header ({e})") from None
        base = _aligned(_HEAD.size + hlen)
        arrays = {}
        for name, spec in layout.items():
            try:
                offset, dtype, count = int(spec[0]), np.dtype(spec[1]), int(spec[2])
            except (TypeError, ValueError, IndexError):
                raise SubstringFileError(f"bad layout for {name!r}") from None
            if dtype.kind not in "iu" or count < 0 or base + offset + count * dtype.itemsize > size:
                raise SubstringFileError(f"array {name!r} is out of bounds (truncated file?)")
            arrays[name] = np.frombuffer(buf, dtype=dtype, count=count, offset=base + offset)
        for name, count in (("text", nchars), ("sa", nchars), ("da", nchars),
                            ("starts", ndocs + 1)):
            if name not in arrays or arrays[name].size != count:
                raise SubstringFileError(f"array {name!r} is missing or of the wrong size")
        if ndocs and (arrays["starts"][0] != 0 or arrays["starts"][-1] != nchars):
            raise SubstringFileError("paragraph offsets do not cover the text")
        index = cls(buf, base + int(layout["text"][0]), arrays, ndocs, closer)
        index.files = files
        return index

    def codes(self, name: str) -> Optional[np.ndarray]:
        """Per-paragraph codes of string column ``name`` (-1: no value)."""
        return self._codes.get(name)

    def table(self, name: str) -> List[str]:
        """The values the codes of string column ``name`` stand for."""
        if name not in self._tables:
            blob = self._blobs.get(name)
            text = blob.tobytes().decode("utf-8") if blob is not None and len(blob) else ""
            self._tables[name] = text.split("\x00") if blob is not None and len(blob) else []
        return self._tables[name]

    def value(self, name: str, docnum: int) -> Optional[str]:
        codes = self._codes.get(name)
        if codes is None or codes[docnum] < 0:
            return None
        return self.table(name)[codes[docnum]]

    def close(self):
        closer, self._closer = self._closer, None
        self.text = self.sa = self.da = self.starts = None
        self.columns, self._codes, self._blobs, self._tables = {}, {}, {}, {}
        self._buffer = b""
        if closer is not None:
            try:
                closer()
            except BufferError:   # a caller still holds an array view; GC closes it
                pass

    # -- lookups -------------------------------------------------------------
    def range(self, folded: str) -> Tuple[int, int]:
        """The suffix array range ``[lo, hi)`` of suffixes starting with ``folded``."""
        pattern = folded.encode("utf-16-be", "surrogatepass")
        m = len(pattern)
        if not m or self.sa is None or not len(self.sa):
            return 0, 0
        sa, text, base = self.sa, self._buffer, self._text_offset
        lo, hi = 0, len(sa)
        while lo < hi:
            mid = (lo + hi) >> 1
            p = base + (int(sa[mid]) << 1)
            if text[p:p + m] < pattern:
                lo = mid + 1
            else:
                hi = mid
        first, hi = lo, len(sa)
        while lo < hi:
            mid = (lo + hi) >> 1
            p = base + (int(sa[mid]) << 1)
            if text[p:p + m] <= pattern:
                lo = mid + 1
            else:
                hi = mid
        return first, lo

    def counts(self, folded: str) -> np.ndarray:
        """Occurrences of ``folded`` in each paragraph (dense, one per document)."""
        lo, hi = self.range(folded)
        if lo == hi:
            return np.zeros(self.ndocs, dtype=np.int32)
        return np.bincount(self.da[lo:hi], minlength=self.ndocs).astype(np.int32, copy=False)

    def occurrences(self, folded: str) -> int:
        lo, hi = self.range(folded)
        return hi - lo

    def doc_units(self, docnum: int) -> np.ndarray:
        return self.text[self.starts[docnum]:self.starts[docnum + 1] - 1]

    def doc_text(self, docnum: int) -> str:
        """The normalised (folded) text of one paragraph."""
        return self.doc_units(docnum).tobytes().decode("utf-16-be", "surrogatepass")

    def lengths(self) -> np.ndarray:
        """Characters of each paragraph."""
        return np.diff(self.starts) - 1


class _StringColumn:
    def __init__(self):
        self.index: Dict[str, int] = {}
        self.codes: List[np.ndarray] = []

    def extend(self, values: Sequence[Optional[str]]) -> None:
        index = self.index
        self.codes.append(np.array(
            [-1 if v is None else index.setdefault(v, len(index)) for v in values],
            dtype=np.int32))

    def extend_codes(self, codes: np.ndarray, table: Sequence[str]) -> None:
        remap = np.array([self.index.setdefault(v, len(self.index)) for v in table] + [-1],
                         dtype=np.int32)
        self.codes.append(remap[codes])   # code -1 picks the appended -1

    def result(self) -> Tuple[np.ndarray, List[str]]:
        codes = np.concatenate(self.codes) if self.codes else np.zeros(0, dtype=np.int32)
        return codes, list(self.index)


class SubstringBuilder:
    """Collects the paragraphs of a segment being written, in document order."""

    def __init__(self, column_types: Mapping[str, str], string_columns: Sequence[str] = ()):
        self._types = dict(column_types)
        self._parts: List[np.ndarray] = []
        self._lengths: List[np.ndarray] = []
        self._columns: Dict[str, List[np.ndarray]] = {name: [] for name in self._types}
        self._strings = {name: _StringColumn() for name in string_columns}
        self._count = 0

    def __len__(self):
        return self._count

    def add_batch(self, folded: Sequence[str], columns: Mapping[str, np.ndarray],
                  strings: Mapping[str, Sequence[Optional[str]]] = None) -> None:
        """Append paragraphs (their folded texts) with their column values."""
        n = len(folded)
        if not n:
            return
        units = encode(SEPARATOR.join(folded) + SEPARATOR)   # fold() leaves no NUL inside
        ends = np.flatnonzero(units == 0)
        if len(ends) != n:
            raise ValueError("paragraph text holds NUL characters (not folded)")
        self._parts.append(units)
        self._lengths.append(np.diff(ends, prepend=-1).astype(np.int64))
        for name, chunks in self._columns.items():
            values = columns.get(name)
            chunks.append(np.zeros(n, dtype=self._types[name]) if values is None
                          else np.asarray(values, dtype=self._types[name]))
        for name, col in self._strings.items():
            col.extend((strings or {}).get(name) or [None] * n)
        self._count += n

    def add_from(self, source: SubstringIndex, docnums: np.ndarray) -> None:
        """Copy paragraphs of another segment's index (for merges), in order."""
        docnums = np.asarray(docnums, dtype=np.int64)
        if not len(docnums):
            return
        starts = source.starts
        lo, hi = starts[docnums], starts[docnums + 1]
        self._parts.extend(source.text[a:b] for a, b in zip(lo.tolist(), hi.tolist()))
        self._lengths.append((hi - lo).astype(np.int64))
        for name, chunks in self._columns.items():
            col = source.columns.get(name)
            chunks.append(np.zeros(len(docnums), dtype=self._types[name]) if col is None
                          else col[docnums].astype(self._types[name]))
        for name, col in self._strings.items():
            codes = source.codes(name)
            if codes is None:
                col.extend([None] * len(docnums))
            else:
                col.extend_codes(codes[docnums], source.table(name))
        self._count += len(docnums)

    def write(self, f, files: Mapping[str, int] = None) -> None:
        units = np.concatenate(self._parts) if self._parts else np.zeros(0, dtype=">u2")
        lengths = np.concatenate(self._lengths) if self._lengths else np.zeros(0, np.int64)
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        columns = {name: (np.concatenate(chunks) if chunks else np.zeros(0, self._types[name]))
                   for name, chunks in self._columns.items()}
        strings = {name: col.result() for name, col in self._strings.items()}
        write_file(f, units, starts, columns, strings, files)
