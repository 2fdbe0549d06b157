"""The whoosh schema and the per-paragraph columns: where field types are decided.

One whoosh document per paragraph.  ``words`` holds the paragraph's jieba words
(index mode: each word and the dictionary words inside it) with their counts;
``title``, ``heading``, ``meeting`` and ``speaker_role`` hold words too.
Filters are exact ``ID`` fields whose values are Simplified (``speaker``,
``city``…); ``year`` is numeric, ``date`` an ISO string.  Exact substrings
are not in whoosh at all: the suffix array of :mod:`ydsearch.engine.substrings`
answers them.

The analysis is done by ydsearch before whoosh sees a document (see
:mod:`ydsearch.engine.prepare`); the analysers named here only serve code that
goes through whoosh's own API.
"""
from whoosh import fields

from .analysis import word_analyzer

# Bump when the schema or the meaning of a field changes: old indexes are then
# refused with a rebuild hint instead of being misread.
SCHEMA_VERSION = 3

# Fields a Hit carries, in the order the JSON shows them.
STORED_FIELDS = (
    "id", "doc_id", "index", "kind", "text", "speaker", "speaker_role", "title",
    "meeting", "meeting_date", "year", "city", "province", "source", "published", "path",
    "url", "date", "date_kind",
)

#: Fields holding words (analysed by the segmenter), scored by BM25.
WORD_FIELDS = ("words", "title", "heading", "meeting", "speaker_role")
#: Exact-value fields (filters and bookkeeping).  A paragraph is found by its
#: document id and its number (the ``pindex`` column), so ``id`` is only stored;
#: years and paragraph numbers are columns, so numbers are only stored too.
ID_FIELDS = ("doc_id", "dochash", "content", "kind", "speaker", "city", "province",
             "source", "date", "meeting_id")

#: Per-paragraph columns kept beside the suffix array (name -> numpy dtype):
#: filters, facets, ordering and the exact field lengths BM25 needs.
COLUMNS = {
    "year": "<i2", "date": "<i4", "kind": "<u1", "pindex": "<i4",
    "len_words": "<i4", "len_title": "<i4", "len_heading": "<i4", "len_meeting": "<i4",
    "len_speaker_role": "<i4",
}
#: Per-paragraph string columns, stored as codes into a per-segment table.
STRING_COLUMNS = ("doc", "speaker", "meeting")
KINDS = ("body", "heading", "caption")


def build_schema() -> fields.Schema:
    words = word_analyzer()

    def text(stored=False):
        return fields.TEXT(analyzer=words, stored=stored, phrase=False)

    return fields.Schema(
        id=fields.STORED(),
        doc_id=fields.ID(stored=True),
        dochash=fields.ID(),
        content=fields.ID(),
        index=fields.STORED(),
        kind=fields.ID(stored=True),
        text=fields.STORED(),
        words=text(),
        speaker=fields.ID(stored=True),
        speaker_role=text(stored=True),
        title=text(stored=True),
        heading=text(stored=True),
        meeting=text(stored=True),
        meeting_id=fields.ID(stored=True),
        meeting_date=fields.STORED(),
        published=fields.STORED(),
        date=fields.ID(stored=True),
        date_kind=fields.STORED(),
        year=fields.STORED(),
        city=fields.ID(stored=True),
        province=fields.ID(stored=True),
        source=fields.ID(stored=True),
        path=fields.STORED(),
        url=fields.STORED(),
    )
