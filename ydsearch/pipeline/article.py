"""Raw text → :class:`~ydsearch.models.Document`: clean → extract → speakers.

``parse_article`` is pure (no I/O); ``read_documents`` reads files with
:func:`ydsearch.reader.iter_sources` and parses each article.  Both take the
meeting ``calendar`` to resolve meetings against (default: the shipped one,
see :func:`ydsearch.pipeline.calendar.load_calendar`).
"""
import re
from typing import Iterable, Iterator, Optional, Union

from ..models import Document, Paragraph
from .calendar import Calendar
from .clean import clean, simple
from .extract import deck_names, extract, find_people, gazetteer
from .normalize import normalize
from .reader import ErrorHandler, Source, iter_sources
from .speakers import assign

# Share of Han characters t2s must change for a text to count as Traditional.
TRADITIONAL_SHARE = 0.05


_HAN_RE = re.compile("[\u4e00-\u9fff]+")


def detect_script(text: str) -> str:
    """``traditional`` when t2s changes a noticeable share of the Han characters."""
    sample = "".join(_HAN_RE.findall(text, 0, 12000))[:4000]
    if not sample:
        return "simplified"
    changed = sum(1 for a, b in zip(sample, simple(sample)) if a != b)
    return "traditional" if changed >= max(2, TRADITIONAL_SHARE * len(sample)) else "simplified"


def parse_article(text: str, *, doc_id: Optional[str] = None, path: Optional[str] = None,
                  content_hash: Optional[str] = None, calendar: Optional[Calendar] = None,
                  line: Optional[int] = None, **meta) -> Document:
    """Parse one raw article; keyword metadata (``title``, ``year``…) wins."""
    given_title = meta.get("title") if isinstance(meta.get("title"), str) else None
    cleaned = clean(text, find_title=not (given_title and given_title.strip()))
    simplified = [(kind, normalize(t).text) for kind, t in cleaned.paragraphs]
    title = given_title if given_title and given_title.strip() else cleaned.title
    title_s = normalize(title).text if title else None
    header_s = [normalize(h).text for h in cleaned.header]
    info = extract(title_s, simplified, header_s, meta, calendar)
    info["title"] = title
    people = find_people(t for _, t in simplified)
    for a in info["attendees"]:
        people.setdefault(a.name, a.role)
    headings = [t for k, t in simplified if k == "heading"] + ([title_s] if title_s else [])
    extra = deck_names(headings, set(people) | gazetteer())
    speakers = assign(simplified, people, extra)
    doc_id = doc_id or "doc"
    paragraphs = tuple(
        Paragraph(f"{doc_id}#{n}", n, kind, t, s, who, role)
        for n, ((kind, t), (_, s), (who, role)) in enumerate(
            zip(cleaned.paragraphs, simplified, speakers))
    )
    return Document(
        doc_id=doc_id, title=info["title"], published=info["published"],
        source=info["source"], url=meta.get("url") or None, meeting=info["meeting"],
        meeting_date=info["meeting_date"], meeting_end_date=info["meeting_end_date"],
        year=info["year"], city=info["city"], province=info["province"],
        script=detect_script(text), attendees=info["attendees"], paragraphs=paragraphs,
        path=path, content_hash=content_hash, date=info["date"], date_kind=info["date_kind"],
        meeting_id=info["meeting_id"], line=line,
    )


def parse_source(src: Source, calendar: Optional[Calendar] = None) -> Document:
    """Parse one article read by ``iter_sources``; its metadata wins."""
    return parse_article(src.text, doc_id=src.doc_id, path=src.path,
                         content_hash=src.content_hash, calendar=calendar, line=src.line,
                         **src.meta)


def read_documents(paths: Union[str, Iterable[str]], on_error: ErrorHandler = None,
                   calendar: Optional[Calendar] = None) -> Iterator[Document]:
    """Read every article under ``paths`` and parse it (see ``iter_sources``)."""
    for src in iter_sources(paths, on_error=on_error):
        yield parse_source(src, calendar)
