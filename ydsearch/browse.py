"""Browsing an index: speakers, meetings, statistics, trends and single paragraphs.

Every function takes an open :class:`ydsearch.index.Index` and reads the
stored fields through ``ix.searcher()``; results are plain dataclasses with
``to_dict()`` for JSON.  whoosh is imported only inside the functions.
"""
import os
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

from .errors import NotFoundError, YdsearchError

# Speakers that are not people: "会议指出…" attributes a paragraph to the meeting.
COLLECTIVE_SPEAKERS = frozenset({"会议"})
PARAGRAPH_FIELDS = ("id", "doc_id", "index", "kind", "text", "speaker", "speaker_role")
DOCUMENT_FIELDS = ("doc_id", "title", "meeting", "meeting_date", "published", "year", "city",
                   "province", "source", "path", "url", "date", "date_kind")


def _stored(ix):
    """All stored field dicts of live paragraphs."""
    return ix.searcher().all_stored_fields()


def paragraph_dict(stored: dict) -> dict:
    return {k: stored.get(k) for k in PARAGRAPH_FIELDS}


def document_dict(stored: dict) -> dict:
    return {k: stored.get(k) for k in DOCUMENT_FIELDS}


# -- speakers -------------------------------------------------------------------
@dataclass
class SpeakerInfo:
    name: str
    roles: List[str]
    paragraphs: int
    years: List[int]
    meetings: List[str]
    documents: int

    def to_dict(self) -> dict:
        return asdict(self)


def speakers(ix, include_collective: bool = False, query: Optional[str] = None,
             **filters) -> List[SpeakerInfo]:
    """Speakers with their roles (most frequent first), paragraph count, years and
    meetings; sorted by paragraphs, most first (ties by name).

    With a ``query`` and/or filters (the options of :meth:`Index.search`:
    ``year``, ``meeting``, ``city``…), only the matching paragraphs are counted:
    who speaks of this, there, then.
    """
    paras: Counter = Counter()
    roles: Dict[str, Counter] = defaultdict(Counter)
    years: Dict[str, set] = defaultdict(set)
    meetings: Dict[str, Dict[str, None]] = defaultdict(dict)
    docs: Dict[str, set] = defaultdict(set)
    active = {k: v for k, v in filters.items() if v not in (None, "")}
    rows = _matching(ix, query or "", **active) if (query or "").strip() or active \
        else _stored(ix)
    for s in rows:
        name = s.get("speaker")
        if not name or (name in COLLECTIVE_SPEAKERS and not include_collective):
            continue
        paras[name] += 1
        if s.get("speaker_role"):
            roles[name][s["speaker_role"]] += 1
        if s.get("year") is not None:
            years[name].add(s["year"])
        label = s.get("meeting") or s.get("title")
        if label:
            meetings[name].setdefault(label, None)
        docs[name].add(s.get("doc_id"))
    out = [SpeakerInfo(name=n, roles=[r for r, _ in sorted(roles[n].items(),
                                                           key=lambda kv: (-kv[1], kv[0]))],
                       paragraphs=c, years=sorted(years[n]), meetings=sorted(meetings[n]),
                       documents=len(docs[n]))
           for n, c in paras.items()]
    out.sort(key=lambda s: (-s.paragraphs, s.name))
    return out


# -- meetings: the calendar with the documents indexed for each (ydsearch/meetings.py)
from .meetings import MeetingDocument, MeetingInfo, meetings  # noqa: E402,F401


# -- stats ----------------------------------------------------------------------
def _size(path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def stats(ix) -> dict:
    """Location, counts, size on disk and the manifest's compatibility record."""
    from .engine.manifest import read_manifest

    manifest = read_manifest(ix.path)
    docs = set()
    paragraphs = 0
    for s in _stored(ix):
        paragraphs += 1
        docs.add(s.get("doc_id"))
    return {
        "path": str(ix.path.resolve()),
        "documents": len(docs),
        "paragraphs": paragraphs,
        "size_bytes": _size(ix.path),
        "dictionary_hash": manifest.get("dictionary_hash"),
        "segmenter": manifest.get("segmenter"),
        "schema_version": manifest.get("schema_version"),
        "format_version": manifest.get("format_version"),
        "normalizer_version": manifest.get("normalizer_version"),
        "created": manifest.get("created"),
        "opencc": manifest.get("opencc"),
        "whoosh": manifest.get("whoosh"),
    }


# -- trend ----------------------------------------------------------------------
@dataclass
class Trend:
    query: str
    parsed: str
    by: str
    total: int
    buckets: List[dict] = field(default_factory=list)   # [{"key": 2019, "count": 12}]
    unattributed: int = 0     # matching paragraphs without a year / speaker

    def to_dict(self) -> dict:
        return asdict(self)


def _matching(ix, query: str, **filters):
    """The stored fields of every paragraph matching ``query`` and the filters."""
    import numpy as np

    from .query.search import Matches

    matches = Matches(ix, query, filters)
    for s, mask in zip(matches.view.segments, matches.masks):
        for d in np.flatnonzero(mask).tolist():
            yield s.stored(d)


def trend(ix, query: str, by: str = "year", **filters) -> Trend:
    """Count ALL paragraphs matching ``query`` (and the filters) per year or speaker.

    ``by="year"`` lists every year from the first to the last with a match (zero
    counts included), ascending; ``by="speaker"`` lists speakers by count, most
    first.  Paragraphs without a year/speaker are counted in ``unattributed``.
    """
    from .query.search import Matches
    from .query import lang as ql

    if by not in ("year", "speaker"):
        raise YdsearchError(f"trend by {by!r}: expected 'year' or 'speaker'")
    matches = Matches(ix, query, filters)
    total = matches.total
    counts = {c.value: c.count for c in matches.facets((by,))[by]}
    missing = total - sum(counts.values())
    if by == "year" and counts:
        lo, hi = min(counts), max(counts)
        buckets = [{"key": y, "count": counts.get(y, 0)} for y in range(lo, hi + 1)]
    else:
        buckets = [{"key": k, "count": c}
                   for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    return Trend(query=query, parsed=ql.describe(matches.node), by=by, total=total,
                 buckets=buckets, unattributed=missing)


# -- show -----------------------------------------------------------------------
@dataclass
class Shown:
    """A paragraph with its neighbours (``focus`` set), or a whole document."""

    document: dict
    paragraphs: List[dict]
    focus: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


def _doc_paragraphs(searcher, doc_id: str) -> List[dict]:
    rows = list(searcher.documents(doc_id=doc_id))
    rows.sort(key=lambda s: s.get("index", 0))
    return rows


def show(ix, id: str, context: int = 2) -> Shown:
    """Paragraph ``<doc_id>#<n>`` with ``context`` neighbours each side, or a whole
    document by its doc id.  Raises :class:`YdsearchError` for an unknown id."""
    if context < 0:
        raise YdsearchError("--context must be 0 or more")
    searcher = ix.searcher()
    id = id.strip()
    if "#" in id:
        doc_id = id.rsplit("#", 1)[0]
        rows = _doc_paragraphs(searcher, doc_id)
        hit = next((r for r in rows if r.get("id") == id), None)
        if hit is None:
            if rows:
                raise NotFoundError(f"document {doc_id} has no paragraph {id!r}; "
                                    f"try 'ydsearch show {doc_id}'")
            raise NotFoundError(f"no paragraph with id {id!r} in the index")
        at = hit.get("index", 0)
        near = [r for r in rows if abs(r.get("index", 0) - at) <= context]
        return Shown(document=document_dict(hit), paragraphs=[paragraph_dict(r) for r in near],
                     focus=id)
    rows = _doc_paragraphs(searcher, id)
    if not rows:
        raise NotFoundError(f"no document or paragraph with id {id!r} in the index "
                            f"(paragraph ids look like <doc_id>#<n>)")
    return Shown(document=document_dict(rows[0]), paragraphs=[paragraph_dict(r) for r in rows])


def neighbours(ix, doc_id: str, index: int, context: int):
    """(before, after): up to ``context`` paragraph dicts each side of ``index``."""
    if context <= 0:
        return [], []
    rows = _doc_paragraphs(ix.searcher(), doc_id)
    before = [paragraph_dict(r) for r in rows if index - context <= r.get("index", 0) < index]
    after = [paragraph_dict(r) for r in rows if index < r.get("index", 0) <= index + context]
    return before, after
