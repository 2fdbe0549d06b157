"""Work on articles in worker processes while the main process writes the index.

:class:`Workers` runs a function over chunks of work in ``n`` processes and
yields the results in the order the chunks were given, keeping every worker
busy: a worker gets its next chunk as soon as its results are in, before they
are handed on, so the workers run while the main process writes.

The workers are plain processes, each with its own pipe, rather than a
``multiprocessing.Pool``: they ignore SIGINT (Ctrl-C reaches the whole process
group, and only the main process should act on it), and they share no lock,
so the main process can always stop them at once.  (A pool whose worker died
on Ctrl-C while holding the pool's queue lock made ``Pool.terminate()`` wait
forever.)  Whatever ends the work -- the end of the input, an exception,
Ctrl-C in the main process, the generator being closed -- the workers are
killed and reaped before the generator returns.

:func:`parse_documents` is the simplest use: parse articles in workers.
"""
import multiprocessing
import os
import signal
from collections import deque
from contextlib import contextmanager
from functools import partial
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional

from ..errors import YdsearchError
from ..models import Document
from .article import parse_source
from .calendar import Calendar
from .calendar_data import shipped_calendar
from .reader import ErrorHandler, Source, iter_sources

CHUNK = 32          # articles sent to a worker at a time by parse_documents


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


def _serve(conn, func) -> None:
    """A worker: apply ``func`` to each chunk it receives and send the result back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            conn.send(func(chunk))
    except (EOFError, OSError):      # the main process has gone
        return


@contextmanager
def _sigint_blocked():
    """Hold SIGINT back while processes are forked (delivered right after, not lost),
    so no worker can be interrupted before it has set SIGINT aside."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _Worker:
    def __init__(self, ctx, func):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child, func), daemon=True,
                                   name="ydsearch-worker")
        self.process.start()
        child.close()
        self.tag = None

    def send(self, chunk, tag) -> None:
        self.tag = tag
        self.conn.send(chunk)

    def receive(self):
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise YdsearchError(
                f"a worker process stopped unexpectedly (exit code "
                f"{self.process.exitcode}); the index keeps its last commit; "
                f"run again, or with --workers 1") from None

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def in_workers(func: Callable, chunks: Iterable, n: int) -> Iterator[tuple]:
    """``(tag, func(chunk))`` for each ``(tag, chunk)`` of ``chunks``, in order, computed
    in ``n`` worker processes (see the module docstring)."""
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    chunks = iter(chunks)
    pool = []
    try:
        with _sigint_blocked():
            for _ in range(n):
                pool.append(_Worker(ctx, func))
        busy = deque()
        for w in pool:
            item = next(chunks, None)
            if item is None:
                break
            w.send(item[1], item[0])
            busy.append(w)
        while busy:
            w = busy.popleft()
            tag, result = w.tag, w.receive()
            item = next(chunks, None)
            if item is not None:
                w.send(item[1], item[0])
                busy.append(w)
            yield tag, result
    finally:
        for w in pool:
            w.stop()


def parse_or_refuse(src: Source, calendar: Optional[Calendar] = None):
    """The article's Document, or ``(where, reason)`` when parsing it failed (a bug
    on one article must not stop the others)."""
    try:
        return parse_source(src, calendar)
    except Exception as e:  # noqa: BLE001
        return (src.where, f"could not parse {src.doc_id}: {type(e).__name__}: {e}")


def _parse_chunk(chunk, calendar=None):
    return [parse_or_refuse(src, calendar) for src in chunk]


def parse_documents(paths, on_error: ErrorHandler = None, workers: Optional[int] = None,
                    on_read: Optional[Callable[[int], None]] = None,
                    calendar: Optional[Calendar] = None) -> Iterator[Document]:
    """Like ``pipeline.read_documents``, parsing in ``workers`` processes (1: in process).

    ``on_read(n)`` is called before each article is handed on (or refused) with
    the number of input bytes it was read from (``Source.size``), for progress;
    ``calendar`` resolves meetings (default: the shipped one).
    """
    workers = default_workers() if workers is None else workers
    calendar = calendar if calendar is not None else shipped_calendar()
    sources = iter_sources(paths, on_error=on_error)
    if workers <= 1:
        results = ((src.size, parse_or_refuse(src, calendar)) for src in sources)
    else:
        def chunks():
            while True:
                chunk = list(islice(sources, CHUNK))
                if not chunk:
                    return
                yield [s.size for s in chunk], chunk

        work = partial(_parse_chunk, calendar=calendar)
        results = ((size, r) for sizes, rs in in_workers(work, chunks(), workers)
                   for size, r in zip(sizes, rs))
    try:
        for size, result in results:
            if on_read is not None:
                on_read(size)
            if isinstance(result, Document):
                yield result
            elif on_error is not None:
                on_error(*result)
    finally:
        results.close()       # stops the workers now, not when garbage-collected
