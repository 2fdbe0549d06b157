"""Building and writing the substring index of a segment: its paragraphs collected
in document order (or copied from other segments' indexes for merges), their suffix
array sorted, all laid out in the file format of :mod:`.substrings`."""
import json
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import numpy as np

from .substrings import (_HEAD, MAGIC, SEPARATOR, STRING_PREFIX, TABLE_PREFIX, VERSION,
                         SubstringIndex, _aligned)


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
