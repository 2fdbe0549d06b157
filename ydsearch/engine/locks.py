"""Is another process writing this index?  A non-blocking probe of the writer lock.

The writer lock is whoosh's: an OS file lock (``flock``) on
``<index>/paragraphs_WRITELOCK``, released by the OS when its holder dies.
Probing takes a *shared* lock for an instant and drops it; a writer that tries
at that very moment simply retries (whoosh polls every 0.1 s).

Used by the command line (and the web page) to tell a reader that an index
holding no document yet is being built, rather than "no passage matches", and
by :meth:`Index.add` to say that a writer waits.
"""
import os
from pathlib import Path

LOCK_NAME = "paragraphs_WRITELOCK"   # whoosh: <indexname>_WRITELOCK


def writer_active(path) -> bool:
    """True when a process holds the writer lock of the index at ``path``."""
    try:
        import fcntl
    except ImportError:          # not POSIX: no cheap probe; say nothing
        return False
    lock = Path(path) / LOCK_NAME
    try:
        fd = os.open(lock, os.O_RDONLY)
    except OSError:              # no lock file: nobody ever wrote here
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def being_built(index) -> bool:
    """True when ``index`` (an open Index) holds no paragraph yet and a writer is
    at work on it: a first build whose first batch is not committed."""
    return index.doc_count() == 0 and writer_active(index.path)
