"""The index folder: its files, its writer lock, leftovers and damage checks."""
import os
import shutil
import time
from pathlib import Path
from typing import Callable, Iterable, Optional

from ..errors import IndexCorruptError, IndexLockedError
from .manifest import MANIFEST_NAME, REBUILD_HINT

INDEX_NAME = "paragraphs"
DEFAULT_LOCK_TIMEOUT = 10.0   # seconds a writer waits for another writer
LOCK_TIMEOUT_ENV = "YDSEARCH_LOCK_TIMEOUT"
LOCK_NAME = f"{INDEX_NAME}_WRITELOCK"
TEMP_DIR = f"{INDEX_NAME}.tmp"
#: The files every segment of ours has (besides per-field length columns).
SEGMENT_FILES = (".trm", ".pst", "._stored.col", ".sub")


def lock_timeout(value: Optional[float]) -> float:
    if value is not None:
        return float(value)
    env = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(env)) if env else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def damaged(path, e) -> IndexCorruptError:
    detail = " ".join(str(e).split())[:200]
    return IndexCorruptError(f"index at {path} is damaged ({type(e).__name__}"
                             f"{': ' + detail if detail else ''}); {REBUILD_HINT}")


def unwritable(path, e: OSError) -> IndexCorruptError:
    return IndexCorruptError(f"cannot write the index at {path}: {e.strerror}; "
                             f"make it writable or choose another --index")


def acquire_lock(path: Path, timeout: float, on_wait: Optional[Callable[[], None]] = None):
    """whoosh's writer lock on ``path`` (an fcntl lock the OS drops when its
    process dies), tried without blocking every 0.1 s (so Ctrl-C works while it
    waits); ``on_wait`` is called once if another writer holds it."""
    from whoosh.filedb.filestore import FileStorage

    lock = FileStorage(str(path)).lock(LOCK_NAME)
    deadline = time.monotonic() + max(0.0, timeout)
    while not lock.acquire():
        if time.monotonic() >= deadline:
            raise IndexLockedError(f"index at {path} is locked by another writer "
                                   f"(waited {timeout:g} s); try again when it has finished")
        if on_wait is not None:
            on_wait()
            on_wait = None
        time.sleep(0.1)
    return lock


def remove_leftovers(path: Path, live_segments: Iterable[str]) -> None:
    """Delete what dead writers left: temporary TOCs and folders, and the files
    of segments no commit refers to.  Call with the writer lock held."""
    live = set(live_segments)
    prefix = f"{INDEX_NAME}_"
    for name in os.listdir(path):
        full = os.path.join(path, name)
        if name == TEMP_DIR:
            shutil.rmtree(full, ignore_errors=True)
        elif name.startswith("_" + prefix) and ".toc." in name:
            _unlink(full)
        elif name.startswith(prefix) and name != LOCK_NAME:
            segid = name[len(prefix):].split(".", 1)[0]
            if segid not in live:
                _unlink(full)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def is_index_file(p: Path) -> bool:
    """A file ydsearch or whoosh makes in an index folder (incl. crash leftovers)."""
    name = p.name
    return (name in (MANIFEST_NAME, MANIFEST_NAME + ".tmp", TEMP_DIR, "bundled.json")
            or name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_"))
            or p.suffix in (".toc", ".seg", ".lock"))


def only_index_files(path: Path) -> bool:
    return all(is_index_file(p) or p.name.startswith(".") for p in path.iterdir())


def interrupted_create(path: Path) -> bool:
    """True for the leftovers of a first ``create`` killed before its manifest was
    written: no manifest, no segment, at most the empty generation-0 TOC."""
    if not path.is_dir() or (path / MANIFEST_NAME).exists() or not only_index_files(path):
        return False
    names = [p.name for p in path.iterdir()]
    return not any(n.endswith(".sub") or n.endswith(".seg") for n in names) and \
        all(n == f"_{INDEX_NAME}_0.toc" for n in names if n.endswith(".toc"))


def clear(path: Path) -> None:
    """Remove the index files, except the writer lock file (which the caller holds)."""
    for p in path.iterdir():
        if p.name == LOCK_NAME or p.name == "bundled.json":
            continue
        if p.is_dir() and p.name == TEMP_DIR:
            shutil.rmtree(p, ignore_errors=True)
        elif p.is_file() and is_index_file(p):
            p.unlink()


def check_segment_files(path: Path, segments) -> None:
    """Every file of every segment of the commit is there and whole.

    The substring index, written last, records the size of each other file of
    its segment; a file missing, truncated or grown is damage.
    """
    from .substrings import SubstringFileError, SubstringIndex

    for seg in segments:
        for ext in SEGMENT_FILES:
            name = seg.make_filename(ext)
            if not os.path.exists(os.path.join(path, name)):
                raise IndexCorruptError(f"index at {path} is damaged (segment file {name} "
                                        f"is missing); {REBUILD_HINT}")
        try:
            sub = SubstringIndex.open(os.path.join(path, seg.make_filename(".sub")))
        except (SubstringFileError, ValueError, OSError) as e:
            raise IndexCorruptError(f"index at {path} is damaged (segment file "
                                    f"{seg.make_filename('.sub')}: {e}); {REBUILD_HINT}") from None
        files = sub.files
        sub.close()
        for name, size in files.items():
            full = os.path.join(path, name)
            actual = os.path.getsize(full) if os.path.exists(full) else None
            if actual != size:
                what = "is missing" if actual is None else \
                    f"has {actual} bytes, not {size} (truncated or overwritten)"
                raise IndexCorruptError(f"index at {path} is damaged (segment file {name} "
                                        f"{what}); {REBUILD_HINT}")
