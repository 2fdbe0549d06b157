"""The paragraph index: open or create it, add articles, search it.

``Index`` is the library's entry point (``ydsearch.open_index(path)``).  Each
paragraph is a whoosh document in segments written by ydsearch's own codec,
each segment with its substring index beside it (see :mod:`.writer`).  Opening
reads ydsearch's JSON manifest, then the table of contents with the restricted
unpickler of :mod:`.toc`: nothing in the folder can run code.  Commits are
whoosh's (new files first, then the TOC renamed into place) and writers take
whoosh's file lock, which the OS releases when a writer dies.
"""
import os
import threading
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..errors import IndexCorruptError, YdsearchError
from ..models import Document
from .files import (INDEX_NAME, acquire_lock, clear, damaged, interrupted_create,
                    lock_timeout, only_index_files, remove_leftovers, unwritable)
from .report import IndexReport
from .manifest import MANIFEST_NAME, REBUILD_HINT, read_manifest, write_manifest

__all__ = ["Index", "IndexReport", "open_index"]


class Index:
    """A ydsearch index directory.  Use :func:`open_index` or :meth:`Index.create`."""

    def __init__(self, path, *, _storage_index):
        self.path = Path(path)
        self._ix = _storage_index
        self._searcher = None
        self._view = None
        self._segmenter = None
        self._lexicon = None
        self._lexicon_paths = ()
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, path) -> "Index":
        path = Path(path)
        read_manifest(path)
        index = cls(path, _storage_index=_open_toc(path, _file_index))
        index.check()
        return index

    @classmethod
    def create(cls, path, *, lock_timeout: Optional[float] = None) -> "Index":
        """Create an empty index at ``path`` (replacing any ydsearch index there)."""
        from whoosh.filedb.filestore import FileStorage
        from whoosh.index import TOC

        from .schema import build_schema

        path = Path(path)
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"index path {path} is not a directory; "
                                    f"move it away or choose another --index")
        if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST_NAME).exists() \
                and not only_index_files(path):
            raise YdsearchError(f"{path} is not empty and not a ydsearch index; "
                                f"refusing to overwrite it")
        try:
            path.mkdir(parents=True, exist_ok=True)
            # Hold the writer lock while the old files go: a running writer
            # must not see its segments deleted under it, nor we see its new ones.
            lock = acquire_lock(path, _timeout(lock_timeout))
            try:
                manifest = path / MANIFEST_NAME
                if manifest.exists():      # first: a crash below leaves a refused,
                    manifest.unlink()      # never a half-trusted, folder
                clear(path)
                TOC.create(FileStorage(str(path)), build_schema(), INDEX_NAME)
                write_manifest(path)
            finally:
                lock.release()
        except PermissionError as e:
            raise unwritable(path, e) from None
        return cls(path, _storage_index=_file_index(path))

    @classmethod
    def open_or_create(cls, path) -> "Index":
        path = Path(path)
        if not path.exists() or (path.is_dir() and not any(path.iterdir())) \
                or interrupted_create(path):
            return cls.create(path)
        return cls.open(path)

    # -- context management ------------------------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            self._drop_readers()

    def _drop_readers(self):
        if self._view is not None:
            self._view.close()
            self._view = None
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

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

    # -- reading -----------------------------------------------------------------------
    def _committed_searcher(self):
        """A fresh whoosh searcher on the last commit (the caller closes it)."""
        return self._ix.searcher()

    def searcher(self):
        """A whoosh searcher on the last commit (shared; refreshed after writes).

        A commit made meanwhile by another process is picked up; if the files
        of that commit are damaged or gone, :class:`IndexCorruptError` is raised.
        """
        with self._lock:
            try:
                if self._searcher is None:
                    self._searcher = self._ix.searcher()
                else:
                    fresh = self._searcher.refresh()
                    if fresh is not self._searcher:
                        self._searcher = fresh
            except YdsearchError:
                raise
            except Exception as e:  # noqa: BLE001 - whoosh/struct on bad files
                raise damaged(self.path, e) from None
            return self._searcher

    def view(self):
        """The :class:`~ydsearch.engine.view.IndexView` of the last commit."""
        from .files import check_segment_files
        from .view import IndexView, leaf_segments

        with self._lock:
            searcher = self.searcher()
            if self._view is None or self._view.searcher is not searcher:
                self._view = None   # the old view stays with searches in flight on other threads
                try:
                    check_segment_files(self.path, [r.segment() for r, _ in
                                                    leaf_segments(searcher)])
                    self._view = IndexView(searcher, self.path)
                except YdsearchError:
                    raise
                except Exception as e:  # noqa: BLE001 - a damaged substring index
                    raise damaged(self.path, e) from None
            return self._view

    def search(self, query: str, **options):
        """Search paragraphs; see :func:`ydsearch.query.search.run_search` for the options.

        An unexpected failure is checked against the index files: if they are
        damaged it becomes :class:`IndexCorruptError`.
        """
        from ..query.search import run_search

        return self._guarded(run_search, query, **options)

    def count(self, query: str, **filters) -> int:
        """The number of paragraphs matching ``query`` and the filters (as :meth:`search`)."""
        from ..query.search import count_matches

        return self._guarded(count_matches, query, **filters)

    def _guarded(self, fn, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except YdsearchError:
            raise
        except Exception as e:  # noqa: BLE001
            try:
                self.check(deep=True)
            except IndexCorruptError:
                raise damaged(self.path, e) from None
            raise

    def check(self, deep: bool = False) -> int:
        """Check the index files; return the number of paragraphs.

        The quick check (done by :meth:`open`) reads the table of contents and
        opens every segment and its substring index; ``deep=True`` also reads
        every stored field and term.  Raises :class:`IndexCorruptError` when
        something cannot be read.
        """
        _open_toc(self.path, lambda p: self._ix._read_toc())
        self._refresh()
        view = self.view()       # checks every file of every segment of ``toc``
        if not deep:
            return view.live_count
        try:
            n = 0
            for seg in view.segments:
                reader = seg.reader
                for d in range(seg.ndocs):
                    reader.stored_fields(d)
                    n += 1
                for (fieldname, tbytes), _ in reader._terms.items():
                    reader._terms.postings(fieldname, tbytes)
            return n
        except YdsearchError:
            raise
        except Exception as e:  # noqa: BLE001
            raise damaged(self.path, e) from None

    @property
    def lexicon(self):
        """The domain lexicon queries are expanded with: the shipped one, plus the
        file named by ``YDSEARCH_LEXICON`` and those given to :meth:`use_lexicon`."""
        with self._lock:
            if self._lexicon is None:
                from ..query.lexicon import load_lexicon

                self._lexicon = load_lexicon(self._lexicon_paths)
            return self._lexicon

    def use_lexicon(self, *paths) -> "Index":
        """Add the entries of lexicon files (see :mod:`ydsearch.query.lexicon`)."""
        from ..query.lexicon import load_lexicon

        with self._lock:
            self._lexicon_paths = tuple(self._lexicon_paths) + tuple(str(p) for p in paths)
            self._lexicon = load_lexicon(self._lexicon_paths)
        return self

    @property
    def segmenter(self):
        """The segmenter of this index (its dictionary's hash is in the manifest)."""
        with self._lock:
            if self._segmenter is None:
                from .segmenter import Segmenter

                self._segmenter = Segmenter()
            return self._segmenter

    def doc_count(self) -> int:
        return self.view().live_count

    def being_written(self) -> bool:
        """True while another process holds this index's writer lock."""
        from .locks import writer_active

        return writer_active(self.path)

    def generation(self) -> int:
        """A number that changes with every commit on disk (whoosh's TOC generation);
        cheap (one directory listing), for long-running readers to notice new commits."""
        return self._ix.latest_generation()


def _open_toc(path: Path, read):
    """``read(path)``, with a missing, damaged or unreadable TOC as one clear error."""
    from whoosh.index import EmptyIndexError

    from .toc import TocError

    try:
        return read(path)
    except TocError as e:
        raise damaged(path, e) from None
    except (FileNotFoundError, EmptyIndexError):
        raise IndexCorruptError(f"index at {path} has no table of contents "
                                f"(_{INDEX_NAME}_N.toc is missing); {REBUILD_HINT}") from None
    except PermissionError as e:
        raise IndexCorruptError(f"cannot read the index at {path}: {e.strerror}; "
                                f"check its permissions") from None
    except YdsearchError:
        raise
    except Exception as e:  # noqa: BLE001 - whoosh raises many kinds on damaged files
        raise damaged(path, e) from None


def _timeout(value):
    return lock_timeout(value)


def _file_index(path: Path):
    from .schema import build_schema
    from .storage import MappedStorage
    from .toc import SafeFileIndex

    return SafeFileIndex(MappedStorage(str(path)), build_schema(), INDEX_NAME)


def open_index(path, *, create: bool = False, lexicon=None) -> Index:
    """Open the index at ``path``; with ``create=True`` make an empty one if none is
    there; ``lexicon``: a lexicon file (or files) whose entries expand queries."""
    index = Index.open_or_create(path) if create else Index.open(path)
    if lexicon:
        index.use_lexicon(*([lexicon] if isinstance(lexicon, (str, os.PathLike)) else lexicon))
    return index
