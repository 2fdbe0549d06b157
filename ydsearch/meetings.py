"""``ydsearch meetings``: the meeting calendar with the documents indexed for each meeting.

Read through ``ix.searcher()`` like the rest of :mod:`ydsearch.browse` (which
re-exports :func:`meetings`); results are dataclasses with ``to_dict()``.
"""
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional

# Speakers that are not people (see browse.COLLECTIVE_SPEAKERS).
COLLECTIVE_SPEAKERS = frozenset({"会议"})


@dataclass
class MeetingDocument:
    """A document indexed as the report of a meeting."""

    doc_id: str
    title: Optional[str]
    date: Optional[str]
    date_kind: Optional[str]
    published: Optional[str]
    source: Optional[str]
    url: Optional[str]
    path: Optional[str]
    paragraphs: int
    speakers: List[str]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class MeetingInfo:
    """A meeting: a calendar entry (``meeting_id``) or one found only in documents
    (``meeting_id`` None), with the documents indexed for it."""

    meeting_id: Optional[str]
    name: str
    series: Optional[str]
    edition: Optional[int]
    date: Optional[str]
    end_date: Optional[str]
    year: Optional[int]
    city: Optional[str]
    province: Optional[str]
    sources: List[str]
    documents: List[MeetingDocument] = field(default_factory=list)

    @property
    def in_calendar(self) -> bool:
        return self.meeting_id is not None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["in_calendar"] = self.in_calendar
        return d


def meetings(ix, calendar=None, indexed_only: bool = False) -> List[MeetingInfo]:
    """The meeting calendar with the documents indexed for each meeting, plus the
    meetings that documents report but the calendar lacks; by date (undated last).

    A document belongs to a meeting when it was indexed as its report (its date
    is the meeting's); news that only mentions a meeting is not listed.
    ``calendar``: see :func:`ydsearch.pipeline.calendar_data.load_calendar`
    (default: the shipped one).  ``indexed_only``: only meetings with documents.
    """
    from .pipeline.calendar_data import shipped_calendar

    calendar = calendar if calendar is not None else shipped_calendar()
    docs: Dict[str, dict] = {}
    counts: Counter = Counter()
    spk: Dict[str, Dict[str, None]] = defaultdict(dict)
    for s in ix.searcher().all_stored_fields():
        if not s.get("meeting") or s.get("date_kind") not in ("meeting", None):
            continue
        d = s.get("doc_id")
        counts[d] += 1
        docs.setdefault(d, s)
        if s.get("speaker") and s["speaker"] not in COLLECTIVE_SPEAKERS:
            spk[d].setdefault(s["speaker"], None)
    out: Dict[str, MeetingInfo] = {
        e.id: MeetingInfo(e.id, e.name, e.series, e.edition, e.date, e.end_date, e.year, e.city,
                          e.province, list(e.sources))
        for e in calendar}
    for d, s in sorted(docs.items()):
        date = s.get("meeting_date")
        entry = calendar.entry_for(s["meeting"], date)
        key = entry.id if entry else f"{s['meeting']}\x1f{date or ''}"
        if key not in out:
            out[key] = MeetingInfo(None, s["meeting"], None, None, date, None,
                                   s.get("year") if date else None, s.get("city"),
                                   s.get("province"), [])
        out[key].documents.append(MeetingDocument(
            doc_id=d, title=s.get("title"), date=s.get("date") or date,
            date_kind=s.get("date_kind"), published=s.get("published"),
            source=s.get("source"), url=s.get("url"), path=s.get("path"),
            paragraphs=counts[d], speakers=list(spk[d])))
    rows = [m for m in out.values() if m.documents or not indexed_only]
    rows.sort(key=lambda m: (m.date is None and m.year is None,
                             m.date or f"{m.year or 0:04d}-99", m.name))
    return rows
