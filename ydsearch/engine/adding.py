"""Adding documents to an index: the methods of :class:`~.index.Index` that take
files or parsed documents to :mod:`.ingest`, and the writer (holding the lock) it
writes with."""
import os
from typing import Callable, Iterable, Optional

from ..models import Document
from .files import acquire_lock, lock_timeout, remove_leftovers, unwritable
from .report import IndexReport


class Adding:
    """The adding half of :class:`~ydsearch.engine.index.Index` (a mixin)."""

    # -- writing -----------------------------------------------------------------------
    def add(self, paths, *, on_error: Optional[Callable[[str, str], None]] = None,
            progress: Optional[Callable[[int, int], None]] = None,
            batch_size: Optional[int] = None, lock_timeout: Optional[float] = None,
            workers: int = 1, on_commit=None, on_wait=None, on_read=None,
            report: Optional[IndexReport] = None, calendar=None) -> IndexReport:
        """Index files, folders and JSONL files; see :meth:`add_documents`.

        ``workers`` > 1 parses and prepares articles in that many processes
        while this one writes the index.  ``on_read(n)`` is called with the
        input bytes of each article read (for progress); ``calendar``: the meeting
        calendar documents are resolved against (default: the shipped one).
        """
        from ..pipeline.reader import iter_sources

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        report = report or IndexReport()
        refused = self._refusal_handler(report, on_error)
        sources = iter_sources([str(p) for p in paths], on_error=refused)
        return self._ingest(sources, report, refused, progress=progress, on_commit=on_commit,
                            on_wait=on_wait, on_read=on_read, batch_size=batch_size,
                            lock_timeout=lock_timeout, workers=workers, calendar=calendar)

    def add_documents(self, docs: Iterable[Document], *, report: Optional[IndexReport] = None,
                      progress=None, batch_size: Optional[int] = None,
                      lock_timeout: Optional[float] = None,
                      on_error: Optional[Callable[[str, str], None]] = None,
                      on_commit=None, on_wait=None, workers: int = 1) -> IndexReport:
        """Add parsed documents, committing every 20,000 paragraphs (or
        ``batch_size`` documents).  ``on_wait()`` is called once before waiting
        for another process's writer lock; ``on_commit("start")`` and
        ``on_commit("end")`` around each commit.

        Each document's paragraphs (and the deletion of its older version) go
        into one commit, so a crash leaves whole documents only.  A second
        document with a ``doc_id`` already seen in this run is refused --
        reported through ``on_error`` (or ``report.refused``) -- and not indexed;
        a document whose content is already indexed (under any id) is skipped.
        """
        report = report or IndexReport()
        refused = self._refusal_handler(report, on_error)
        return self._ingest(docs, report, refused, progress=progress, on_commit=on_commit,
                            on_wait=on_wait, batch_size=batch_size,
                            lock_timeout=lock_timeout, workers=workers)

    @staticmethod
    def _refusal_handler(report, on_error):
        def refused(p, msg):
            report.refused.append((str(p), msg))
            if on_error:
                on_error(str(p), msg)
        return refused

    def _ingest(self, items, report, refused, **options) -> IndexReport:
        from .ingest import Ingest

        try:
            Ingest(self, report=report, on_error=refused, **options).run(items)
        except PermissionError as e:
            raise unwritable(self.path, e) from None
        finally:
            self._refresh()
        return report

    def _writer(self, timeout: Optional[float], on_wait=None, into: Optional[list] = None):
        """A writer holding the lock (waiting up to ``timeout`` seconds for it),
        also appended to ``into`` before a Ctrl-C held back meanwhile strikes, so
        that the caller can discard it.

        What writers killed before their commit left is removed first."""
        from .signals import interrupts_held
        from .writer import BulkWriter

        timeout = _timeout(timeout)
        try:
            lock = acquire_lock(self.path, timeout, on_wait)   # raises IndexLockedError
            with interrupts_held():
                try:
                    remove_leftovers(self.path,
                                     [s.segid for s in self._ix._read_toc().segments])
                    writer = BulkWriter(self._ix, lock)
                except BaseException:
                    lock.release()
                    raise
                if into is not None:
                    into.append(writer)
                return writer
        except PermissionError as e:
            raise unwritable(self.path, e) from None

    def _refresh(self):
        with self._lock:
            self._drop_readers()


def _timeout(value):
    return lock_timeout(value)
