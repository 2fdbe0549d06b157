"""Adding articles to an index: decide, prepare (in worker processes), write.

For each article the main process decides first, from its id and content hash
and before any parsing: *unchanged* (the same id and content are indexed:
skipped), *a copy* (the same content is indexed under another id: skipped),
*changed* (the id is indexed with other content: its old paragraphs are
deleted in the same commit that adds the new ones) or *new*.  The articles to
add are parsed and prepared (:mod:`ydsearch.engine.prepare`) in jobs of a few
hundred kilobytes of text, in worker processes when ``workers > 1``, and the
prepared batches are appended to a :class:`~ydsearch.engine.writer.BulkWriter`
in input order.  A commit is made every :data:`BATCH_PARAGRAPHS` paragraphs (or
``batch_size`` articles), so an interrupted run keeps every commit it made, and
the next run skips what they hold.

On any failure or interrupt the uncommitted segment is discarded (its files
deleted, the lock released) and the worker processes are terminated; the
exception then goes on to the caller.
"""
import functools
import time
from typing import Iterable, Optional

from ..models import Document
from .prepare import PreparedBatch, Preparer, dochash
from .report import IndexReport

BATCH_PARAGRAPHS = 20_000     # paragraphs per commit
JOB_CHARS = 300_000           # characters of article text per worker job
JOB_DOCS = 256                # articles per worker job at most


# -- worker side --------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _worker_preparer() -> Preparer:
    return Preparer()


def prepare_job(items, preparer: Optional[Preparer] = None, calendar=None) -> PreparedBatch:
    """Parse (when needed) and prepare a job's articles; failures become refusals."""
    from ..pipeline.parallel import parse_or_refuse

    preparer = preparer or _worker_preparer()
    docs, refused = [], []
    for item in items:
        parsed = item if isinstance(item, Document) else parse_or_refuse(item, calendar)
        if isinstance(parsed, Document):
            docs.append(parsed)
        else:
            refused.append(parsed)
    batch = preparer.batch(docs)
    batch.refused[:0] = refused
    return batch


# -- main side ----------------------------------------------------------------------
class _Known:
    """What the index held when the run began, and what this run added."""

    def __init__(self, searcher):
        self._s = searcher if searcher is not None and searcher.doc_count() else None
        self.ids = {}         # doc_id -> (path, content_hash) seen in this run
        self.contents = {}    # content_hash -> doc_id seen in this run

    def _first(self, field: str, value: Optional[str]) -> Optional[int]:
        if self._s is None or not value:
            return None
        reader = self._s.reader()
        matcher = reader.postings(field, value) if (field, value) in reader else None
        while matcher is not None and matcher.is_active():
            if not reader.is_deleted(matcher.id()):
                return matcher.id()
            matcher.next()
        return None

    def indexed(self, doc_id, content_hash) -> bool:
        return self._first("dochash", dochash(doc_id, content_hash)) is not None

    def indexed_id(self, doc_id) -> bool:
        return self._first("doc_id", doc_id) is not None

    def copy_of(self, doc_id, content_hash) -> Optional[str]:
        if not content_hash:
            return None
        other = self.contents.get(content_hash)
        if other is None:
            n = self._first("content", content_hash)
            other = self._s.stored_fields(n).get("doc_id") if n is not None else None
        return other if other != doc_id else None


class Ingest:
    """One run of ``Index.add`` / ``Index.add_documents``."""

    def __init__(self, index, *, report: IndexReport, on_error, progress=None,
                 on_commit=None, on_wait=None, on_read=None, batch_size=None,
                 lock_timeout=None, workers=1, calendar=None):
        self.index = index
        self.report = report
        self.on_error = on_error
        self.progress = progress
        self.on_commit = on_commit
        self.on_wait = on_wait
        self.on_read = on_read
        if calendar is None:
            from ..pipeline.calendar_data import shipped_calendar

            calendar = shipped_calendar()
        self.calendar = calendar
        self.batch_docs = max(1, int(batch_size)) if batch_size else None
        self.lock_timeout = lock_timeout
        self.workers = max(1, int(workers or 1))
        self.writer = None
        self.writers = []     # every writer opened: on failure, those not committed go
        self.pending_docs = self.pending_paragraphs = 0
        self.commits = []     # (generation, documents of this run up to it), before it starts

    # -- deciding --------------------------------------------------------------
    def _decide(self, item, known: _Known) -> Optional[bool]:
        """None: skip; True: add, replacing an indexed version; False: add."""
        doc_id, path, chash = item.doc_id, item.path, item.content_hash
        first = known.ids.get(doc_id)
        if first is not None:
            if first == (path, chash):
                self.report.skipped_unchanged += 1
            else:
                self.on_error(getattr(item, "where", None) or path or doc_id,
                              f"duplicate document id {doc_id!r}: already indexed from "
                              f"{first[0] or '(no path)'} in this run; rename one of them")
            return None
        known.ids[doc_id] = (path, chash)
        if known.indexed(doc_id, chash):
            self.report.skipped_unchanged += 1
            return None
        other = known.copy_of(doc_id, chash)
        if other is not None:
            self.report.skipped_duplicates += 1
            return None
        if chash:
            known.contents[chash] = doc_id
        return known.indexed_id(doc_id)

    # -- running ----------------------------------------------------------------
    def run(self, items: Iterable) -> IndexReport:
        started = time.perf_counter()
        searcher = self.index._committed_searcher()
        known = _Known(searcher)
        results = None
        try:
            jobs = self._jobs(items, known)
            if self.workers > 1:
                from ..pipeline.parallel import in_workers

                work = functools.partial(prepare_job, calendar=self.calendar)
                results = in_workers(work, jobs, self.workers)
            else:
                preparer = Preparer(self.index.segmenter)
                results = ((replacing, prepare_job(job, preparer, self.calendar))
                           for replacing, job in jobs)
            for replacing, batch in results:
                self._write(batch, replacing)
            self._commit()
        except BaseException:
            for writer in self.writers:
                if not writer.is_closed:
                    writer.discard()
            self.writer = None
            self.report.committed = max(self.report.committed, self._landed())
            raise
        finally:
            if results is not None:
                results.close()           # stops the worker processes now
            known._s = None
            searcher.close()
        self.report.seconds = time.perf_counter() - started
        self.report.committed = self.report.documents
        return self.report

    def _landed(self) -> int:
        """Documents of this run whose commit reached its table of contents.

        Read from the index folder, not from a counter updated after
        ``commit()`` returns: an interrupt can fall between the two.
        """
        if not self.commits:
            return 0
        latest = self.index.generation()
        return max((docs for gen, docs in self.commits if gen <= latest), default=0)

    def _jobs(self, items, known):
        """``(ids that replace an indexed version, articles)`` of each job."""
        limit = min(JOB_DOCS, self.batch_docs or JOB_DOCS)
        job, replacing, chars = [], set(), 0
        for item in items:
            if self.on_read is not None:
                self.on_read(getattr(item, "size", 0))
            decision = self._decide(item, known)
            if decision is None:
                continue
            job.append(item)
            if decision:
                replacing.add(item.doc_id)
            chars += len(getattr(item, "text", "") or "") or 1000
            if len(job) >= limit or chars >= JOB_CHARS:
                yield replacing, job
                job, replacing, chars = [], set(), 0
        if job:
            yield replacing, job

    def _write(self, batch: PreparedBatch, replacing) -> None:
        for path, reason in batch.refused:
            self.on_error(path, reason)
        self.report.skipped_empty += len(batch.empty)
        if not batch.docs:
            return
        if self.writer is None:
            self.writer = self.index._writer(self.lock_timeout, self.on_wait, self.writers)
        for doc_id, _ in batch.docs:
            if doc_id in replacing:
                self.writer.delete_by_term("doc_id", doc_id)
                self.report.replaced += 1
        self.writer.add_batch(batch)
        report = self.report
        for _, paragraphs in batch.docs:
            report.documents += 1
            report.paragraphs += paragraphs
            if self.progress:
                self.progress(report.documents + report.skipped_unchanged, report.paragraphs)
        self.pending_docs += len(batch.docs)
        self.pending_paragraphs += batch.paragraphs
        if self.pending_paragraphs >= BATCH_PARAGRAPHS or (
                self.batch_docs and self.pending_docs >= self.batch_docs):
            self._commit()

    def _commit(self) -> None:
        if self.writer is None:
            return
        from .writer import merge_policy

        if self.on_commit:
            self.on_commit("start")
        writer, self.writer = self.writer, None
        self.commits.append((writer.generation, self.report.documents))
        writer.commit(mergetype=merge_policy)       # on failure, run() discards it
        # counted as soon as it returns: an interrupt later on (while the workers
        # stop, say) must not make the report forget it
        self.report.committed = self.commits[-1][1]
        self.writers.remove(writer)
        self.pending_docs = self.pending_paragraphs = 0
        if self.on_commit:
            self.on_commit("end")
