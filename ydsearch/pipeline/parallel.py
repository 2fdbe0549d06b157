"""Parse articles in worker processes while the main process feeds the index.

Reading stays in the main process (so refusals are reported in order and
nothing is read twice); cleaning, metadata extraction, speaker attribution and
normalisation run in ``workers`` processes, one chunk of articles each at a
time, so memory stays flat whatever the size of the corpus.  An article whose
parsing fails is refused with its path, never aborting the run.

The workers are plain processes, each with its own pipe, rather than a
``multiprocessing.Pool``: they ignore SIGINT (Ctrl-C reaches the whole
process group, and only the main process should act on it), and they share
no lock, so the main process can always stop them at once.  A pool whose
worker died on Ctrl-C while holding the pool's queue lock made
``Pool.terminate()`` wait forever.  Whatever ends the parsing (the end of the
input, an exception, Ctrl-C in the main process, the generator being closed),
the workers are killed and reaped before :func:`parse_documents` returns.
"""
import multiprocessing
import os
import signal
from collections import deque
from contextlib import contextmanager
from itertools import islice
from typing import Callable, Iterable, Iterator, Optional

from ..errors import YdsearchError
from ..models import Document
from .article import parse_source
from .reader import ErrorHandler, Source, iter_sources

CHUNK = 32          # articles sent to a worker at a time


def _parse(src: Source):
    try:
        return parse_source(src)
    except Exception as e:  # a bug on one article must not stop the others
        return (src.path, f"could not parse {src.doc_id}: {type(e).__name__}: {e}")


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


def parse_documents(paths, on_error: ErrorHandler = None, workers: Optional[int] = None,
                    on_read: Optional[Callable[[int], None]] = None) -> Iterator[Document]:
    """Like ``pipeline.read_documents``, parsing in ``workers`` processes (1: in process).

    ``on_read(n)`` is called before each article is handed on (or refused) with
    the number of input bytes it was read from (``Source.size``), for progress.
    """
    workers = default_workers() if workers is None else workers
    sources = iter_sources(paths, on_error=on_error)
    if workers <= 1:
        results = ((src.size, _parse(src)) for src in sources)
    else:
        results = _in_workers(sources, workers)
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


def _serve(conn) -> None:
    """A worker: parse each chunk it receives and send the results back."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    try:
        while True:
            chunk = conn.recv()
            if chunk is None:
                return
            conn.send([_parse(src) for src in chunk])
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
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True,
                                   name="ydsearch-parse")
        self.process.start()
        child.close()
        self.sizes = []

    def send(self, chunk) -> None:
        self.sizes = [src.size for src in chunk]
        self.conn.send(chunk)

    def receive(self) -> list:
        try:
            results = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise YdsearchError(
                f"a parsing process stopped unexpectedly (exit code "
                f"{self.process.exitcode}); the index keeps its last commit; "
                f"run again, or with --workers 1") from None
        return list(zip(self.sizes, results))

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


def _in_workers(sources: Iterable[Source], n: int):
    """(size, Document or (path, reason)) for each source, in input order.

    Each worker has one chunk in flight; results are collected in the order the
    chunks were sent, and a worker gets its next chunk as soon as its results
    are in, before they are handed on, so parsing overlaps indexing.
    """
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    pool = []
    try:
        with _sigint_blocked():
            for _ in range(n):
                pool.append(_Worker(ctx))
        busy = deque()
        for w in pool:
            chunk = list(islice(sources, CHUNK))
            if not chunk:
                break
            w.send(chunk)
            busy.append(w)
        while busy:
            w = busy.popleft()
            results = w.receive()
            chunk = list(islice(sources, CHUNK))
            if chunk:
                w.send(chunk)
                busy.append(w)
            yield from results
    finally:
        for w in pool:
            w.stop()
