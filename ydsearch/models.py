"""Result and record types: plain frozen dataclasses, JSON-ready via ``to_dict``."""
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Tuple

PARAGRAPH_KINDS = ("body", "heading", "caption")


@dataclass(frozen=True)
class Attendee:
    """A person the document names, with the role it gives them (Simplified script)."""

    name: str
    role: Optional[str] = None


@dataclass(frozen=True)
class Paragraph:
    """One cleaned paragraph of a document.

    ``text`` is the cleaned paragraph in the script of the source (pinyin glosses,
    ``?`` damage and boilerplate removed); ``text_simplified`` is its normalised
    Simplified form, which is what is segmented and searched.
    """

    id: str
    index: int
    kind: str
    text: str
    text_simplified: str
    speaker: Optional[str] = None
    speaker_role: Optional[str] = None


@dataclass(frozen=True)
class Document:
    """One article: its metadata and its paragraphs."""

    doc_id: str
    title: Optional[str]
    published: Optional[str]
    source: Optional[str]
    url: Optional[str]
    meeting: Optional[str]
    meeting_date: Optional[str]
    meeting_end_date: Optional[str]
    year: Optional[int]
    city: Optional[str]
    province: Optional[str]
    script: str
    attendees: Tuple[Attendee, ...] = ()
    paragraphs: Tuple[Paragraph, ...] = ()
    path: Optional[str] = None
    content_hash: Optional[str] = None
    #: The date the document is filed under: the meeting's date for a report of
    #: a meeting, else the publication date; ``date_kind`` says which
    #: (``"meeting"`` or ``"published"``, None when there is no date).
    date: Optional[str] = None
    date_kind: Optional[str] = None
    #: The id of the meeting-calendar entry the document reports, if any.
    meeting_id: Optional[str] = None
    #: The line of a JSONL file the document was read from (None for a ``.txt``);
    #: with ``path`` it locates the item.
    line: Optional[int] = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """One ranked passage returned by a search."""

    rank: int
    score: float
    id: str
    doc_id: str
    index: int
    kind: str
    text: str
    text_simplified: str
    speaker: Optional[str]
    speaker_role: Optional[str]
    title: Optional[str]
    meeting: Optional[str]
    meeting_date: Optional[str]
    year: Optional[int]
    city: Optional[str]
    province: Optional[str]
    source: Optional[str]
    published: Optional[str]
    path: Optional[str] = None
    url: Optional[str] = None
    date: Optional[str] = None
    date_kind: Optional[str] = None
    highlights: List[Tuple[int, int]] = field(default_factory=list)
    snippet: str = ""
    snippet_highlights: List[Tuple[int, int]] = field(default_factory=list)
    #: With ``explain=True``: the contribution of each ranking signal to ``score``.
    explain: Dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = asdict(self)
        if not self.explain:
            d.pop("explain")
        d["highlights"] = [list(s) for s in self.highlights]
        d["snippet_highlights"] = [list(s) for s in self.snippet_highlights]
        return d
