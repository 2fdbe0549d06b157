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
This module reads the file; :mod:`.sabuild` builds and writes it.
"""
import json
import mmap
import os
import struct
from typing import Dict, List, Optional, Tuple

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


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


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
