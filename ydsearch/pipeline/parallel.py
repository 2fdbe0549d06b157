"""Parse articles in worker processes while the main process feeds the index.

Reading stays in the main process (so refusals are reported in order and
nothing is read twice); cleaning, metadata extraction, speaker attribution and
normalisation run in a pool, a bounded batch at a time, so memory stays flat
whatever the size of the corpus.  An article whose parsing fails is refused
with its path, never aborting the run.
"""
import multiprocessing
import os
from collections import deque
from functools import partial
from itertools import islice
from typing import Iterable, Iterator, Optional

from ..models import Document
from .article import parse_source
from .calendar import Calendar
from .calendar_data import shipped_calendar
from .reader import ErrorHandler, Source, iter_sources

BATCH = 256


def _parse(src: Source, calendar: Optional[Calendar] = None):
    try:
        return parse_source(src, calendar)
    except Exception as e:  # a bug on one article must not stop the others
        return (src.where, f"could not parse {src.doc_id}: {type(e).__name__}: {e}")


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))


def parse_documents(paths, on_error: ErrorHandler = None,
                    workers: Optional[int] = None,
                    calendar: Optional[Calendar] = None) -> Iterator[Document]:
    """Like ``pipeline.read_documents``, parsing in ``workers`` processes (1: in process)."""
    workers = default_workers() if workers is None else workers
    sources = iter_sources(paths, on_error=on_error)
    parse = partial(_parse, calendar=calendar if calendar is not None else shipped_calendar())
    if workers <= 1:
        yield from _unwrap(map(parse, sources), on_error)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        pending = deque()
        while True:  # keep two batches in flight: workers never wait for the writer
            while len(pending) < 2:
                batch = list(islice(sources, BATCH))
                if not batch:
                    break
                pending.append(pool.map_async(parse, batch, chunksize=16))
            if not pending:
                break
            yield from _unwrap(pending.popleft().get(), on_error)


def _unwrap(results: Iterable, on_error: ErrorHandler) -> Iterator[Document]:
    for r in results:
        if isinstance(r, Document):
            yield r
        elif on_error is not None:
            on_error(*r)
