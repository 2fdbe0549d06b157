"""The whoosh schema: the only place where field types are decided.

One whoosh document per paragraph.  ``words`` (jieba words, positional) is the
ranking field; ``chars`` (unit bigrams, positional) is the recall safety net
that makes every substring findable.  Filters are exact ``ID`` fields whose
values are Simplified (``speaker``, ``city``…), ``year`` is numeric and
``date`` an ISO string (the meeting date, else the publish date).
"""
from whoosh import fields

from .analysis import bigram_analyzer, word_analyzer

# Bump when the schema or the meaning of a field changes: old indexes are then
# refused with a rebuild hint instead of being misread.
SCHEMA_VERSION = 2

# Fields a Hit carries, in the order the JSON shows them.
STORED_FIELDS = (
    "id", "doc_id", "index", "kind", "text", "speaker", "speaker_role", "title",
    "meeting", "meeting_date", "year", "city", "province", "source", "published", "path",
    "url", "date", "date_kind",
)


def build_schema() -> fields.Schema:
    words = word_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        doc_id=fields.ID(stored=True),
        dochash=fields.ID(),
        index=fields.NUMERIC(int, bits=32, stored=True),
        kind=fields.ID(stored=True),
        text=fields.STORED(),
        words=fields.TEXT(analyzer=words, phrase=True),
        chars=fields.TEXT(analyzer=bigram_analyzer(), phrase=True),
        speaker=fields.ID(stored=True),
        speaker_role=fields.TEXT(analyzer=words, stored=True, phrase=False),
        title=fields.TEXT(analyzer=words, stored=True, phrase=False),
        meeting=fields.TEXT(analyzer=words, stored=True, phrase=False),
        meeting_date=fields.STORED(),
        published=fields.STORED(),
        date=fields.ID(stored=True),
        date_kind=fields.STORED(),
        url=fields.STORED(),
        year=fields.NUMERIC(int, bits=32, stored=True),
        city=fields.ID(stored=True),
        province=fields.ID(stored=True),
        source=fields.ID(stored=True),
        path=fields.STORED(),
    )
