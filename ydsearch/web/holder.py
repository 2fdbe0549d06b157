"""One open index per server process, re-opened when it changes on disk.

Each request asks :meth:`IndexHolder.get` for the index.  The check is cheap:
one ``stat`` of the manifest (``ydsearch.json``, rewritten when an index is
created or rebuilt) and the index's commit generation (one directory
listing).  When either moved, a fresh :class:`~ydsearch.engine.index.Index` is
opened for the requests that follow; requests already running keep the object
they were given, so a commit made meanwhile never closes a searcher under them.

A missing, damaged or incompatible index raises the library's
:class:`~ydsearch.errors.IndexError_` subclasses, which the app shows as a
"503 index unavailable" page; the next request tries again.
"""
import os
import threading
from pathlib import Path
from typing import Callable, Optional, Tuple

from ..errors import IndexNotFoundError

MANIFEST_NAME = "ydsearch.json"


def _open_index(path: Path):
    from ..engine.index import Index

    return Index.open(path)


class IndexHolder:
    """Hands out the open index at ``path``; thread-safe."""

    def __init__(self, path, opener: Callable = _open_index, first=None):
        self.path = Path(path)
        self._opener = opener
        self._lock = threading.Lock()
        self._ix = first
        self._key: Optional[Tuple] = self._fingerprint(first) if first is not None else None

    def _manifest_stamp(self) -> Optional[Tuple[int, int, int]]:
        try:
            st = os.stat(self.path / MANIFEST_NAME)
        except OSError:
            return None
        return st.st_ino, st.st_mtime_ns, st.st_size

    def _fingerprint(self, ix) -> Optional[Tuple]:
        stamp = self._manifest_stamp()
        if stamp is None:
            return None
        try:
            generation = ix.generation() if ix is not None else None
        except OSError:        # the folder went away between the two looks
            return None
        return stamp, generation

    def get(self):
        """The open index, re-opened first when the files on disk changed."""
        with self._lock:
            if self._ix is not None and self._fingerprint(self._ix) == self._key:
                return self._ix
            self._ix, self._key = None, None
            if self._manifest_stamp() is None:
                raise IndexNotFoundError(f"no index at {self.path}")
            ix = self._opener(self.path)
            self._ix, self._key = ix, self._fingerprint(ix)
            return ix

    def forget(self, ix=None) -> None:
        """Drop the open index (after it failed), so the next request opens it again."""
        with self._lock:
            if ix is None or ix is self._ix:
                self._ix, self._key = None, None
