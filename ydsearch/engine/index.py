"""The paragraph index: open or create it, add articles, search it.

``Index`` is the library's entry point (``ydsearch.open_index(path)``).  Each
paragraph is a whoosh document in segments written by ydsearch's own codec,
each segment with its substring index beside it (see :mod:`.writer`).  Opening
reads ydsearch's JSON manifest, then the table of contents with the restricted
unpickler of :mod:`.toc`: nothing in the folder can run code.  Commits are
whoosh's (new files first, then the TOC renamed into place) and writers take
whoosh's file lock, which the OS releases when a writer dies.

The adding and reading methods of ``Index`` live in :mod:`.adding` and
:mod:`.reading`; this module opens, creates, checks and closes the index.
"""
import os
import threading
from pathlib import Path
from typing import Optional

from ..errors import IndexCorruptError, YdsearchError
from .adding import Adding, _timeout
from .files import (INDEX_NAME, acquire_lock, clear, damaged, interrupted_create,
                    only_index_files, unwritable)
from .reading import Reading
from .report import IndexReport
from .manifest import MANIFEST_NAME, REBUILD_HINT, read_manifest, write_manifest

__all__ = ["Index", "IndexReport", "open_index"]


class Index(Adding, Reading):
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
