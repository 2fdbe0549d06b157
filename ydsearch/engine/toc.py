"""Reading whoosh's table of contents without running code from it.

A whoosh TOC holds the schema and the list of segments, both pickled.  ydsearch
never unpickles the schema (it is the one :func:`~ydsearch.engine.schema.build_schema`
makes) and unpickles the segments with an allow-list
(:data:`~ydsearch.engine.safepickle.SEGMENTS`), then checks every value.  A
crafted TOC is therefore refused as damaged, whatever it holds.
"""
import re
import struct

from whoosh.codec.whoosh3 import W3Segment
from whoosh.index import _CURRENT_TOC_VERSION, TOC, EmptyIndexError, FileIndex
from whoosh.system import _FLOAT_SIZE, _INT_SIZE, _LONG_SIZE

from . import safepickle
from .codec import YdCodec

_SEGID = re.compile(r"[0-9a-z]{1,64}\Z")


class TocError(Exception):
    """The table of contents is damaged, foreign or crafted."""


def _check_segment(seg, indexname: str) -> None:
    if type(seg) is not W3Segment or not isinstance(getattr(seg, "_codec", None), YdCodec):
        raise TocError("a segment is not a ydsearch segment")
    if seg.indexname != indexname or not isinstance(seg.segid, str) \
            or not _SEGID.match(seg.segid):
        raise TocError("a segment has a malformed name")
    if not isinstance(seg._doccount, int) or seg._doccount < 0:
        raise TocError("a segment has a malformed document count")
    deleted = seg._deleted
    if deleted is not None and not (isinstance(deleted, (set, frozenset)) and all(
            isinstance(d, int) and 0 <= d < seg._doccount for d in deleted)):
        raise TocError("a segment has malformed deletions")
    lengths = getattr(seg, "_fieldlengths", {})
    if not isinstance(lengths, dict) or not all(
            isinstance(k, str) and isinstance(v, int) for k, v in lengths.items()):
        raise TocError("a segment has malformed field lengths")
    if getattr(seg, "compound", False):
        raise TocError("a segment is compound (not written by ydsearch)")


def read_toc(storage, indexname: str, schema, gen=None) -> TOC:
    """The TOC of generation ``gen`` (default: the latest), with ``schema`` as its schema."""
    if gen is None:
        gen = TOC._latest_generation(storage, indexname)
        if gen < 0:
            raise EmptyIndexError(f"Index {indexname!r} does not exist in {storage!r}")
    stream = storage.open_file(TOC._filename(indexname, gen))
    try:
        for expected in (_INT_SIZE, _LONG_SIZE, _FLOAT_SIZE):
            if stream.read_varint() != expected:
                raise TocError("written on a different architecture")
        if stream.read_int() != -12345 or stream.read_int() != _CURRENT_TOC_VERSION:
            raise TocError("not a whoosh 2.7 table of contents")
        for _ in range(3):
            stream.read_varint()
        stream.skip_string()                      # the pickled schema: never read
        if stream.read_int() != gen:
            raise TocError("generation mismatch")
        stream.read_int()
        segments = safepickle.load(stream.file, safepickle.SEGMENTS)
    except safepickle.UnsafePickleError as e:
        raise TocError(str(e)) from None
    except (EOFError, ValueError, TypeError, struct.error) as e:
        raise TocError(f"truncated or unreadable ({type(e).__name__})") from None
    finally:
        stream.close()
    if not isinstance(segments, list):
        raise TocError("the segment list is not a list")
    for seg in segments:
        _check_segment(seg, indexname)
    if len({s.segid for s in segments}) != len(segments):
        raise TocError("a segment is listed twice")
    return TOC(schema, segments, gen)


class SafeFileIndex(FileIndex):
    """whoosh's FileIndex, reading its TOC with :func:`read_toc` (whoosh's own
    constructor reads it with ``pickle``: it is not called)."""

    def __init__(self, storage, schema, indexname: str):  # noqa: super-init-not-called
        self.storage = storage
        self._schema = schema
        self.indexname = indexname
        self._read_toc()          # fails here, safely, on a missing or bad TOC

    def _read_toc(self):
        return read_toc(self.storage, self.indexname, self._schema)
