"""Documents → what the index writer stores, computed before the writer sees them.

Everything costly about a paragraph -- segmentation, counting words, encoding
the stored fields, folding the text for the suffix array -- happens here, so
that it can run in worker processes (see :mod:`ydsearch.engine.ingest`) while
the writer only appends arrays.  A batch of documents becomes one
:class:`PreparedBatch`: per field a small vocabulary and the postings of the
batch as numpy arrays (term, paragraph, count), already inverted.
"""
from array import array
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

import numpy as np

from ..models import Document
from ..pipeline.normalize import normalize
from .codec import encode_stored
from .schema import COLUMNS, ID_FIELDS, KINDS, STRING_COLUMNS, WORD_FIELDS
from .segmenter import Segmenter
from .substrings import fold

# A paragraph longer than this is not prose (a file without line breaks, a data
# dump): it is refused.
MAX_PARAGRAPH_CHARS = 100_000


@dataclass
class Postings:
    """One field's postings in a batch: ``terms[tids[i]]`` occurs ``freqs[i]``
    times in the batch's paragraph ``docs[i]``."""

    terms: List[bytes]
    tids: np.ndarray
    docs: np.ndarray
    freqs: np.ndarray


@dataclass
class PreparedBatch:
    """The paragraphs of some documents, ready to append to a segment."""

    docs: List[Tuple[str, int]] = field(default_factory=list)      # (doc_id, paragraphs)
    refused: List[Tuple[str, str]] = field(default_factory=list)   # (path or id, reason)
    empty: List[str] = field(default_factory=list)                 # ids with no paragraph
    stored: List[bytes] = field(default_factory=list)
    folded: List[str] = field(default_factory=list)
    lengths: Dict[str, np.ndarray] = field(default_factory=dict)
    columns: Dict[str, np.ndarray] = field(default_factory=dict)
    strings: Dict[str, List[Optional[str]]] = field(default_factory=dict)
    postings: Dict[str, Postings] = field(default_factory=dict)

    @property
    def paragraphs(self) -> int:
        return len(self.stored)


def dochash(doc_id: str, content_hash: Optional[str]) -> str:
    """The term that says "this id with this content is indexed"."""
    return f"{doc_id}\x1f{content_hash or ''}"


def _date_number(date: Optional[str]) -> int:
    if not date or len(date) < 10:
        return 0
    try:
        return int(date[:4]) * 10000 + int(date[5:7]) * 100 + int(date[8:10])
    except ValueError:
        return 0


def where(doc: Document) -> str:
    """How a refusal names an article: its file, and in a JSONL file its line and id."""
    line = getattr(doc, "line", None)
    if line is None:
        return doc.path or doc.doc_id
    return f"{doc.path}:{line} (id {doc.doc_id})"


def unstorable(doc: Document) -> Optional[str]:
    """Why ``doc`` cannot be indexed, or None.

    A file name that is not valid UTF-8 reaches us surrogate-escaped, and a JSON
    string may hold an unpaired surrogate (``"\\ud800"``); a paragraph over
    :data:`MAX_PARAGRAPH_CHARS` is not prose.
    """
    def bad(value) -> bool:
        if not isinstance(value, str):
            return False
        try:
            value.encode("utf-8")
            return False
        except UnicodeEncodeError:
            return True

    if bad(doc.doc_id) or bad(doc.path):
        return "its file name or folder is not valid UTF-8; rename it"
    for name in ("title", "meeting", "meeting_date", "published", "city", "province",
                 "source", "url"):
        if bad(getattr(doc, name)):
            return f"its {name} contains characters that are not valid UTF-8"
    for para in doc.paragraphs:
        if len(para.text) > MAX_PARAGRAPH_CHARS:
            return (f"paragraph {para.index} is {len(para.text)} characters long (the limit is "
                    f"{MAX_PARAGRAPH_CHARS}); is the file missing its line breaks?")
        if bad(para.text) or bad(para.speaker) or bad(para.speaker_role):
            return f"paragraph {para.index} contains unpaired surrogate characters"
    return None


class _Inverter:
    """Accumulates one field's postings for a batch."""

    def __init__(self):
        self.vocab: Dict[bytes, int] = {}
        self.tids = array("i")
        self.docs = array("i")
        self.freqs = array("i")

    def add(self, doc: int, counts: Iterable[Tuple[bytes, int]]) -> int:
        vocab, total = self.vocab, 0
        for term, n in counts:
            tid = vocab.get(term)
            if tid is None:
                tid = vocab[term] = len(vocab)
            self.tids.append(tid)
            self.docs.append(doc)
            self.freqs.append(n)
            total += n
        return total

    def postings(self) -> Postings:
        return Postings(list(self.vocab), np.frombuffer(self.tids, dtype=np.int32),
                        np.frombuffer(self.docs, dtype=np.int32),
                        np.frombuffer(self.freqs, dtype=np.int32))


class Preparer:
    """Turns documents into :class:`PreparedBatch` objects (one per call)."""

    def __init__(self, segmenter: Optional[Segmenter] = None):
        self.segmenter = segmenter or Segmenter()

    def word_counts(self, simplified: Optional[str]) -> List[Tuple[bytes, int]]:
        if not simplified:
            return []
        return [(t.encode("utf-8"), n)
                for t, n in self.segmenter.index_counts(simplified).items()]

    def _normalized_words(self, text: Optional[str]) -> List[Tuple[bytes, int]]:
        return self.word_counts(normalize(text).text) if text else []

    def batch(self, docs: Iterable[Document]) -> PreparedBatch:
        out = PreparedBatch()
        inverters = {name: _Inverter() for name in WORD_FIELDS + ID_FIELDS}
        lengths = {name: array("i") for name in WORD_FIELDS}
        columns = {name: array("i") for name in COLUMNS}
        strings = {name: [] for name in STRING_COLUMNS}
        for doc in docs:
            if not doc.paragraphs:           # nothing but page chrome, or no text at all
                out.empty.append(doc.doc_id)
                continue
            problem = unstorable(doc)
            if problem:
                out.refused.append((where(doc), problem))
                continue
            self._add_document(doc, out, inverters, lengths, columns, strings)
        out.lengths = {k: np.frombuffer(v, dtype=np.int32) for k, v in lengths.items()}
        out.columns = {k: np.frombuffer(v, dtype=np.int32) for k, v in columns.items()}
        out.strings = strings
        out.postings = {name: inv.postings() for name, inv in inverters.items()}
        return out

    def _add_document(self, doc: Document, out: PreparedBatch, inverters, lengths, columns,
                      strings) -> None:
        date = doc.date or doc.meeting_date or doc.published
        date_kind = doc.date_kind or ("meeting" if doc.meeting_date else
                                      "published" if date else None)
        year = doc.year if doc.year is not None else (int(date[:4]) if date else None)
        per_doc = {
            "title": self._normalized_words(doc.title),
            "meeting": self._normalized_words(doc.meeting),
        }
        doc_values = {
            "doc_id": doc.doc_id, "dochash": dochash(doc.doc_id, doc.content_hash),
            "content": doc.content_hash, "city": doc.city, "province": doc.province,
            "source": doc.source, "date": date, "meeting_id": doc.meeting_id,
        }
        heading_text, heading_words = None, []
        for para in doc.paragraphs:
            n = len(out.stored)
            stored = {
                "id": para.id, "doc_id": doc.doc_id, "index": para.index, "kind": para.kind,
                "text": para.text, "speaker": para.speaker, "speaker_role": para.speaker_role,
                "title": doc.title, "heading": heading_text if para.kind != "heading" else None,
                "meeting": doc.meeting, "meeting_id": doc.meeting_id,
                "meeting_date": doc.meeting_date, "published": doc.published, "date": date,
                "date_kind": date_kind, "year": year, "city": doc.city,
                "province": doc.province, "source": doc.source, "path": doc.path,
                "url": doc.url,
            }
            out.stored.append(encode_stored({k: v for k, v in stored.items() if v is not None}))
            out.folded.append(fold(para.text_simplified))
            words = self.word_counts(para.text_simplified)
            role = self._normalized_words(para.speaker_role)
            under = heading_words if para.kind != "heading" else []
            field_counts = dict(per_doc, words=words, heading=under, speaker_role=role)
            for name in WORD_FIELDS:
                lengths[name].append(inverters[name].add(n, field_counts[name]))
            values = dict(doc_values, id=para.id, kind=para.kind, speaker=para.speaker)
            for name in ID_FIELDS:
                value = values.get(name)
                if value:
                    inverters[name].add(n, ((value.encode("utf-8"), 1),))
            for name, value in (("year", year or 0), ("date", _date_number(date)),
                                ("kind", KINDS.index(para.kind) if para.kind in KINDS else 0),
                                ("pindex", para.index)):
                columns[name].append(value)
            for name in WORD_FIELDS:
                columns["len_" + name].append(lengths[name][-1])
            strings["doc"].append(doc.doc_id)
            strings["speaker"].append(para.speaker)
            strings["meeting"].append(doc.meeting)
            if para.kind == "heading":
                heading_text = para.text
                heading_words = self.word_counts(para.text_simplified)
        out.docs.append((doc.doc_id, len(doc.paragraphs)))
