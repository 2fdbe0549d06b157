"""ydsearch: passage search for reports of the Yangtze River Delta integration meetings.

Library use::

    import ydsearch
    with ydsearch.open_index("index", create=True) as ix:
        ix.add(ydsearch.bundled_seeds())
        for hit in ix.search("生态绿色 speaker:李强").hits:
            print(hit.rank, hit.speaker, hit.meeting, hit.snippet)

Nothing here holds state at import time; heavy dependencies (whoosh, jieba,
OpenCC) load on first use.
"""
__version__ = "0.1.0"

from .errors import (CalendarError, CorpusError, IndexCorruptError,  # noqa: E402
                     IndexIncompatibleError, IndexLockedError, IndexNotFoundError,
                     NotFoundError, QuerySyntaxError, YdsearchError)
from .models import Attendee, Document, Hit, Paragraph  # noqa: E402
from .bundled import bundled_seeds  # noqa: E402


def open_index(path, *, create: bool = False, lexicon=None):
    """Open the index at ``path`` (``create=True``: make an empty one if absent;
    ``lexicon``: extra lexicon file(s) whose entries expand queries)."""
    from .engine.index import open_index as _open

    return _open(path, create=create, lexicon=lexicon)


def parse_article(text: str, **meta):
    """Parse one raw article into a :class:`Document` (see ``ydsearch.pipeline``)."""
    from .pipeline.article import parse_article as _parse

    return _parse(text, **meta)


def read_documents(paths, on_error=None, calendar=None):
    """Read and parse files, folders and JSONL files into :class:`Document` objects."""
    from .pipeline.article import read_documents as _read

    return _read(paths, on_error=on_error, calendar=calendar)


def load_calendar(path=None):
    """The meeting calendar: the shipped one plus the meetings of the JSON file ``path``."""
    from .pipeline.calendar_data import load_calendar as _load

    return _load(path)


def parse_query(query: str):
    """Parse a query string into the query language's AST (raises QuerySyntaxError)."""
    from .query.lang import parse

    return parse(query)


def normalize(text: str):
    """Normalise text for search: see ``ydsearch.normalize.normalize``."""
    from .pipeline.normalize import normalize as _normalize

    return _normalize(text)


__all__ = [
    "__version__", "open_index", "parse_article", "read_documents", "load_calendar",
    "parse_query", "normalize", "bundled_seeds", "Attendee", "Document", "Hit", "Paragraph",
    "YdsearchError", "CorpusError", "CalendarError", "QuerySyntaxError", "IndexNotFoundError",
    "IndexIncompatibleError", "IndexCorruptError", "IndexLockedError", "NotFoundError",
]
