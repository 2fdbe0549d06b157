"""Files in an index folder that no commit refers to, and their removal.

A whoosh writer writes its new segment's files as it goes and makes them part
of the index only when it renames the new table of contents (TOC) into place.
A writer that is cancelled or fails before that (Ctrl-C, a full disk, a bug)
leaves those files behind: whoosh's ``SegmentWriter.cancel()`` closes them but
deletes them only at the next successful commit, and a killed process cannot
delete anything.  They can be large (tens of MB per batch), and a full disk
stays full.

Two entry points, both called with the writer lock held (so no live writer
owns any file they delete):

* :func:`discard_writer` -- instead of ``writer.cancel()``: closes the
  writer's files, deletes every file the latest TOC does not refer to, then
  releases the lock.  If the writer's commit did land (the interrupt came
  after the TOC was renamed), its segment is referred to and kept.
* :func:`remove_unreferenced` -- the sweep itself; also run when a writer
  starts, keeping that writer's own new segment, so the leftovers of a
  process killed with SIGKILL go at the next run.

:func:`interrupts_held` holds Ctrl-C back for the few milliseconds in which a
writer is set up (lock taken, files created, the writer not yet in the hands
of the code that would clean it up) and while it is discarded.

What counts as unreferenced mirrors whoosh's own post-commit cleanup
(``whoosh.index.clean_files``): segment files of segments not in the latest
TOC, TOCs of other generations, and TOC temp files (``_NAME_N.toc.<time>``).
The manifest, the stamp, the lock file and anything else are never touched.
"""
import os
import re
import signal
import threading
from contextlib import contextmanager
from typing import Iterable, List


def _patterns(indexname: str):
    toc = re.compile(r"^_%s_([0-9]+)\.toc$" % re.escape(indexname))
    toc_temp = re.compile(r"^_%s_[0-9]+\.toc\..+$" % re.escape(indexname))
    segment = re.compile(r"^(%s_[0-9a-z]+)\.[A-Za-z0-9_.]+$" % re.escape(indexname))
    return toc, toc_temp, segment


def remove_unreferenced(storage, indexname: str, keep: Iterable[str] = ()) -> List[str]:
    """Delete the files of ``storage`` (a whoosh ``FileStorage``) that the latest TOC
    of ``indexname`` does not refer to; segment ids in ``keep`` are kept too.

    Must be called with the writer lock held.  Returns the names deleted.  When
    the latest TOC cannot be read, nothing is deleted (a damaged index is
    reported elsewhere; guessing here could delete committed data).
    """
    from whoosh.index import TOC

    try:
        toc = TOC.read(storage, indexname)
    except Exception:  # noqa: BLE001 - no or damaged TOC: delete nothing
        return []
    wanted = {s.segment_id() for s in toc.segments} | set(keep)
    toc_re, toc_temp_re, seg_re = _patterns(indexname)
    doomed = []
    for name in os.listdir(storage.folder):
        m = toc_re.match(name)
        if m:
            if int(m.group(1)) != toc.generation:
                doomed.append(name)
        elif toc_temp_re.match(name):
            doomed.append(name)
        else:
            m = seg_re.match(name)
            if m and m.group(1) not in wanted:
                doomed.append(name)
    deleted = []
    for name in doomed:
        try:
            os.unlink(os.path.join(storage.folder, name))
            deleted.append(name)
        except FileNotFoundError:
            pass
        except OSError:
            pass   # still open elsewhere (Windows); the next sweep retries
    return deleted


def discard_writer(writer) -> None:
    """Cancel a whoosh ``SegmentWriter`` and delete its uncommitted files.

    Like ``writer.cancel()``, but the files of the segment it was writing (and
    any other file no commit refers to) are deleted before the writer lock is
    released.  Safe to call on a writer whose commit failed half-way, or
    finished: a closed writer is left alone.
    """
    if getattr(writer, "is_closed", True):
        return
    with interrupts_held():
        _discard(writer)


def _discard(writer) -> None:
    try:
        try:
            writer._close_segment()       # close the files it has open
        except Exception:  # noqa: BLE001 - e.g. the disk filled up: delete anyway
            pass
        remove_unreferenced(writer.storage, writer.indexname)
    finally:
        _quiet_pool(writer)
        try:
            writer._tempstorage.destroy()   # the posting pool's spill files
        except OSError:
            pass
        writer.is_closed = True
        if writer.writelock:
            writer.writelock.release()


def _quiet_pool(writer) -> None:
    """A commit interrupted while merging the posting pool's sorted runs leaves
    suspended generators that delete their run file when garbage-collected
    (whoosh ``SortingPool._read_run``); the temp folder is deleted here first,
    so let them find nothing quietly (else Python prints "Exception ignored"
    with a traceback as the process ends)."""
    pool = getattr(writer, "pool", None)
    remove = getattr(pool, "_remove_run", None)
    if remove is None:
        return

    def remove_if_there(path):
        try:
            remove(path)
        except FileNotFoundError:
            pass

    pool._remove_run = remove_if_there


@contextmanager
def interrupts_held():
    """Hold SIGINT back in the block; if one came, raise it (KeyboardInterrupt) at the end.

    Only in the main thread (the only one Python delivers signals to) and only
    over a Python-level handler; otherwise the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    pending = []
    signal.signal(signal.SIGINT, lambda signum, frame: pending.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            previous(*pending[0])
