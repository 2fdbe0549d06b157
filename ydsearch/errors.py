"""The exception types of ydsearch.

Every error the library raises on purpose derives from :class:`YdsearchError`
and carries the process exit code the command line maps it to.  The library
never imports click; ``cli.py`` turns these into one ``Error: ...`` line.
"""
from typing import ClassVar


class YdsearchError(Exception):
    """Base of every error ydsearch raises on purpose."""

    exit_code: ClassVar[int] = 1


class CorpusError(YdsearchError):
    """An input file or folder could not be read (missing, binary, undecodable, empty)."""

    exit_code: ClassVar[int] = 1


class CalendarError(YdsearchError):
    """A meeting-calendar file (``--calendar``, ``$YDSEARCH_CALENDAR``) is unreadable or malformed."""

    exit_code: ClassVar[int] = 2


class QuerySyntaxError(YdsearchError):
    """A query string (or a filter option) is malformed."""

    exit_code: ClassVar[int] = 2

    def __init__(self, message: str, column: "int | None" = None):
        super().__init__(message)
        self.column = column


class NotFoundError(YdsearchError):
    """No paragraph or document with the id asked for is in the index."""

    exit_code: ClassVar[int] = 1


class IndexError_(YdsearchError):
    """Base for problems with the index directory itself."""

    exit_code: ClassVar[int] = 3


class IndexNotFoundError(IndexError_):
    """There is no ydsearch index at the given location."""


class IndexIncompatibleError(IndexError_):
    """The index was built by another schema, dictionary or segmenter version."""


class IndexCorruptError(IndexError_):
    """The index files are damaged or unreadable."""


class IndexLockedError(YdsearchError):
    """Another process holds the index's write lock and did not release it in time."""

    exit_code: ClassVar[int] = 1


class IndexBuildingError(YdsearchError):
    """The index holds nothing yet because another process is building it."""

    exit_code: ClassVar[int] = 1


__all__ = [
    "YdsearchError",
    "CorpusError",
    "CalendarError",
    "QuerySyntaxError",
    "NotFoundError",
    "IndexError_",
    "IndexNotFoundError",
    "IndexIncompatibleError",
    "IndexCorruptError",
    "IndexLockedError",
    "IndexBuildingError",
]
