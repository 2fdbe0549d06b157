"""Raw text → :class:`~ydsearch.models.Document`: clean → extract → speakers.

``parse_article`` is pure (no I/O); ``read_documents`` reads files with
:func:`ydsearch.reader.iter_sources` and parses each article.
"""
from typing import Iterable, Iterator, Optional, Union

from .clean import clean, simple
from .extract import deck_names, extract, find_people, gazetteer
from ..models import Document, Paragraph
from .normalize import normalize
from .reader import ErrorHandler, Source, iter_sources
from .speakers import assign

# Share of Han characters t2s must change for a text to count as Traditional.
TRADITIONAL_SHARE = 0.05


def detect_script(text: str) -> str:
    """``traditional`` when t2s changes a noticeable share of the Han characters."""
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    if not han:
        return "simplified"
    sample = "".join(han[:4000])
    changed = sum(1 for a, b in zip(sample, simple(sample)) if a != b)
    return "traditional" if changed >= max(2, TRADITIONAL_SHARE * len(sample)) else "simplified"


def parse_article(text: str, *, doc_id: Optional[str] = None, path: Optional[str] = None,
                  content_hash: Optional[str] = None, **meta) -> Document:
    """Parse one raw article; keyword metadata (``title``, ``year``…) wins."""
    cleaned = clean(text)
    simplified = [(kind, normalize(t).text) for kind, t in cleaned.paragraphs]
    title_s = normalize(cleaned.title).text if cleaned.title else None
    header_s = [normalize(h).text for h in cleaned.header]
    info = extract(title_s, simplified, header_s, meta)
    if meta.get("title"):
        info["title"] = meta["title"]
    elif cleaned.title:
        info["title"] = cleaned.title
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
        path=path, content_hash=content_hash,
        date=info["meeting_date"] or info["published"],
        date_kind="meeting" if info["meeting_date"] else ("published" if info["published"] else None),
    )


def parse_source(src: Source) -> Document:
    """Parse one article read by ``iter_sources``; its metadata wins."""
    return parse_article(src.text, doc_id=src.doc_id, path=src.path,
                         content_hash=src.content_hash, **src.meta)


def read_documents(paths: Union[str, Iterable[str]], on_error: ErrorHandler = None
                   ) -> Iterator[Document]:
    """Read every article under ``paths`` and parse it (see ``iter_sources``)."""
    for src in iter_sources(paths, on_error=on_error):
        yield parse_source(src)
