"""The paragraph index: open or create it, add documents incrementally, search it.

``Index`` is the library's entry point (``ydsearch.open_index(path)``).  Each
document's paragraphs are whoosh documents; a document whose content hash is
already indexed is skipped, a changed one has its old paragraphs deleted and
the new ones added in the same commit, so nothing is ever duplicated.  whoosh
commits are atomic (segments first, then the table of contents is renamed into
place), and writers take whoosh's file lock, which the OS releases when a
writer dies.
"""
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Tuple

from ..errors import IndexCorruptError, IndexLockedError, YdsearchError
from .manifest import MANIFEST_NAME, REBUILD_HINT, read_manifest, write_manifest
from ..models import Document

INDEX_NAME = "paragraphs"
DEFAULT_BATCH = 2000          # documents per commit
DEFAULT_LOCK_TIMEOUT = 10.0   # seconds a writer waits for another writer
# A paragraph longer than this is not prose (a file without line breaks, a data
# dump): indexing it costs ~4 s and ~100 MB of memory per MB, so it is refused.
MAX_PARAGRAPH_CHARS = 100_000
LOCK_TIMEOUT_ENV = "YDSEARCH_LOCK_TIMEOUT"   # overrides the default (e.g. for scripts, tests)
# Memory whoosh's writer may use for its posting pool before spilling to disk
# (its accounting is low: the process grows by a few times this).
WRITER_MB = 96
# Headings and captions match many queries in few words; rank the passages first.
KIND_BOOST = {"body": 1.0, "heading": 0.6, "caption": 0.5}


@dataclass
class IndexReport:
    """What one ``Index.add`` did."""

    documents: int = 0
    paragraphs: int = 0
    skipped_unchanged: int = 0
    #: items with no text (nothing left after cleaning): skipped and counted, not refused
    skipped_empty: int = 0
    replaced: int = 0
    refused: List[Tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "paragraphs": self.paragraphs,
                "skipped_unchanged": self.skipped_unchanged,
                "skipped_empty": self.skipped_empty, "replaced": self.replaced,
                "refused": [{"path": p, "reason": r} for p, r in self.refused],
                "seconds": round(self.seconds, 3)}


def _where(doc: Document) -> str:
    """How a refusal names a document: its file, and for a JSONL item its line and id."""
    if doc.line is not None:
        return f"{doc.path}:{doc.line} (id {doc.doc_id})"
    return doc.path or doc.doc_id


def _dochash(doc: Document) -> str:
    return f"{doc.doc_id}\x1f{doc.content_hash or ''}"


def paragraph_fields(doc: Document, para) -> dict:
    """The whoosh fields of one paragraph (values must not be None)."""
    date = doc.date or doc.meeting_date or doc.published
    date_kind = doc.date_kind or ("meeting" if doc.meeting_date else "published" if date else None)
    year = doc.year if doc.year is not None else (int(doc.published[:4]) if doc.published else None)
    values = {
        "id": para.id, "doc_id": doc.doc_id, "dochash": _dochash(doc),
        "index": para.index, "kind": para.kind, "text": para.text,
        "words": para.text, "chars": para.text,
        "speaker": para.speaker, "speaker_role": para.speaker_role,
        "title": doc.title, "meeting": doc.meeting, "meeting_date": doc.meeting_date,
        "published": doc.published, "date": date, "date_kind": date_kind, "url": doc.url,
        "year": year, "city": doc.city,
        "province": doc.province, "source": doc.source, "path": doc.path,
    }
    return {k: v for k, v in values.items() if v is not None}


class Index:
    """A ydsearch index directory.  Use :func:`open_index` or :meth:`Index.create`."""

    def __init__(self, path, *, _storage_index):
        self.path = Path(path)
        self._ix = _storage_index
        self._searcher = None
        self._checked_reader = None
        self._segmenter = None
        self._lock = threading.Lock()

    # -- opening ---------------------------------------------------------
    @classmethod
    def open(cls, path) -> "Index":
        path = Path(path)
        read_manifest(path)
        from whoosh import index as wix

        try:
            ix = wix.open_dir(str(path), indexname=INDEX_NAME)
        except wix.EmptyIndexError:
            raise IndexCorruptError(f"index at {path} has no table of contents "
                                    f"(_{INDEX_NAME}_N.toc is missing); {REBUILD_HINT}")
        except PermissionError as e:
            raise IndexCorruptError(f"cannot read the index at {path}: {e.strerror}; "
                                    f"check its permissions")
        except Exception as e:  # whoosh raises many kinds on damaged files
            raise _damaged(path, e)
        reader = _check_segments(path, ix)
        index = cls(path, _storage_index=ix)
        index._checked_reader = reader   # the first searcher reuses it: opening costs
        return index

    @classmethod
    def create(cls, path, *, lock_timeout: Optional[float] = None) -> "Index":
        """Create an empty index at ``path`` (replacing any ydsearch index there)."""
        from whoosh import index as wix
        from .schema import build_schema

        path = Path(path)
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"index path {path} is not a directory; "
                                    f"move it away or choose another --index")
        if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST_NAME).exists() \
                and not _only_ydsearch_files(path):
            raise YdsearchError(f"{path} is not empty and not a ydsearch index; "
                                f"refusing to overwrite it")
        try:
            path.mkdir(parents=True, exist_ok=True)
            # Hold the writer lock while the old files go: a running writer
            # must not see its segments deleted under it, nor we see its new ones.
            lock = _acquire_lock(path, _lock_timeout(lock_timeout))
            try:
                manifest = path / MANIFEST_NAME
                if manifest.exists():      # first: a crash below leaves a refused,
                    manifest.unlink()      # never a half-trusted, folder
                _clear(path)
                ix = wix.create_in(str(path), build_schema(), indexname=INDEX_NAME)
                write_manifest(path)
            finally:
                lock.release()
        except PermissionError as e:
            raise IndexCorruptError(f"cannot write the index at {path}: {e.strerror}; "
                                    f"make it writable or choose another --index")
        return cls(path, _storage_index=ix)

    @classmethod
    def open_or_create(cls, path) -> "Index":
        path = Path(path)
        if not path.exists() or (path.is_dir() and not any(path.iterdir())) \
                or _interrupted_create(path):
            return cls.create(path)
        return cls.open(path)

    # -- context management ----------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            self._drop_readers()

    def _drop_readers(self):
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        if self._checked_reader is not None:
            self._checked_reader.close()
            self._checked_reader = None

    # -- writing -----------------------------------------------------------
    def add(self, paths, *, on_error: Optional[Callable[[str, str], None]] = None,
            progress: Optional[Callable[[int, int], None]] = None,
            batch_size: int = DEFAULT_BATCH, lock_timeout: Optional[float] = None,
            workers: int = 1, calendar=None) -> IndexReport:
        """Index files, folders and JSONL files; see :meth:`add_documents`.

        ``workers`` > 1 parses articles in that many processes while this one
        writes the index (see :mod:`ydsearch.parallel`); ``calendar`` is the
        meeting calendar to resolve meetings against (default: the shipped one).
        """
        from ..pipeline.parallel import parse_documents

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        report = IndexReport()

        def refused(p, msg):
            report.refused.append((str(p), msg))
            if on_error:
                on_error(str(p), msg)

        docs = parse_documents([str(p) for p in paths], on_error=refused, workers=workers,
                               calendar=calendar)
        return self.add_documents(docs, report=report, progress=progress,
                                  batch_size=batch_size, lock_timeout=lock_timeout,
                                  on_error=refused)

    def add_documents(self, docs: Iterable[Document], *, report: Optional[IndexReport] = None,
                      progress=None, batch_size: int = DEFAULT_BATCH,
                      lock_timeout: Optional[float] = None,
                      on_error: Optional[Callable[[str, str], None]] = None) -> IndexReport:
        """Add parsed documents, committing every ``batch_size`` documents.

        Each document's paragraphs (and the deletion of its older version) go
        into one commit, so a crash leaves whole documents only.  A second
        document with a ``doc_id`` already seen in this run (another file with
        the same name, a repeated JSONL id) is refused -- reported through
        ``on_error`` (or ``report.refused``) with both paths -- and not indexed.
        """
        report = report or IndexReport()
        if on_error is None:
            def on_error(p, msg):
                report.refused.append((str(p), msg))
        batch_size = max(1, int(batch_size))
        lock_timeout = _lock_timeout(lock_timeout)
        started = time.perf_counter()
        writer = searcher = None
        pending = 0
        seen = {}      # doc_id -> (path, content_hash) of its first occurrence in this run
        try:
            for doc in docs:
                first = seen.get(doc.doc_id)
                if first is not None:
                    if first != (doc.path, doc.content_hash):
                        on_error(_where(doc),
                                 f"duplicate document id {doc.doc_id!r}: already indexed "
                                 f"from {first[0] or '(no path)'} in this run; "
                                 f"rename one of them")
                    else:
                        report.skipped_unchanged += 1
                    continue
                seen[doc.doc_id] = (doc.path, doc.content_hash)
                problem = _unstorable(doc)
                if problem:
                    on_error(_where(doc), problem)
                    continue
                if not doc.paragraphs:
                    # An item with no text: nothing to store; counted, not refused.
                    report.skipped_empty += 1
                    continue
                if writer is None:
                    writer = self._writer(lock_timeout)
                    searcher = self._ix.searcher()
                action = _add_one(writer, searcher, doc)
                _count(report, action, doc)
                pending += 1
                if progress:
                    progress(report.documents + report.skipped_unchanged, report.paragraphs)
                if pending >= batch_size:
                    searcher.close()
                    searcher = None
                    writer.commit(mergetype=bounded_merge)
                    writer, pending = None, 0
                    _return_freed_memory()
            if writer is not None:
                searcher.close()
                searcher = None
                writer.commit(mergetype=bounded_merge)
                writer = None
        except PermissionError as e:
            raise IndexCorruptError(f"cannot write the index at {self.path}: {e.strerror}; "
                                    f"make it writable or choose another --index") from None
        finally:
            if searcher is not None:
                searcher.close()
            if writer is not None:
                writer.cancel()
        self._refresh()
        report.seconds = time.perf_counter() - started
        return report

    def _writer(self, timeout: float):
        from whoosh.index import LockError

        try:
            from .codec import InliningCodec

            writer = self._ix.writer(timeout=timeout, limitmb=WRITER_MB, codec=InliningCodec())
            _remove_toc_leftovers(self.path)
            return writer
        except LockError:
            raise IndexLockedError(f"index at {self.path} is locked by another writer "
                                   f"(waited {timeout:g} s); try again when it has finished")
        except PermissionError as e:
            raise IndexCorruptError(f"cannot write the index at {self.path}: {e.strerror}; "
                                    f"make it writable or choose another --index")

    def _refresh(self):
        with self._lock:
            self._drop_readers()

    # -- reading -----------------------------------------------------------
    def searcher(self):
        """A whoosh searcher on the last commit (shared; refreshed after writes).

        A commit made meanwhile by another process is picked up; if the files
        of that commit are damaged or gone, :class:`IndexCorruptError` is raised.
        """
        with self._lock:
            try:
                if self._searcher is None and self._checked_reader is not None:
                    from whoosh.searching import Searcher

                    reader, self._checked_reader = self._checked_reader, None
                    self._searcher = Searcher(reader, fromindex=self._ix).refresh()
                elif self._searcher is None:
                    self._searcher = self._ix.searcher()
                else:
                    self._searcher = self._searcher.refresh()
            except YdsearchError:
                raise
            except Exception as e:  # noqa: BLE001 - whoosh/zlib/struct/pickle on bad files
                raise _damaged(self.path, e) from None
            return self._searcher

    def search(self, query: str, **options):
        """Search paragraphs; see :func:`ydsearch.search.run_search` for the options.

        An unexpected failure inside whoosh is checked against the index files:
        if they are damaged it becomes :class:`IndexCorruptError`.
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
                raise _damaged(self.path, e) from None
            raise

    def check(self, deep: bool = False) -> int:
        """Check the index files; return the number of paragraphs.

        The quick check (done by :meth:`open`) reads every segment's directory
        and bounds; ``deep=True`` also reads every stored field and term.
        Raises :class:`IndexCorruptError` when something cannot be read.
        """
        _check_segments(self.path, self._ix).close()
        if not deep:
            return self._ix.doc_count()
        try:
            with self._ix.reader() as r:
                n = 0
                for _ in r.all_stored_fields():
                    n += 1
                for fieldname in r.indexed_field_names():
                    for _ in r.lexicon(fieldname):
                        pass
                for docnum in r.all_doc_ids():
                    pass
                return n
        except YdsearchError:
            raise
        except Exception as e:  # noqa: BLE001
            raise _damaged(self.path, e) from None

    @property
    def segmenter(self):
        """The segmenter pickled with the schema: queries are cut by the same code as the index.

        Read once per Index: whoosh's ``FileIndex.schema`` unpickles the table of
        contents on every access, which here means a fresh segmenter and a fresh
        dictionary load (~0.1 s) per query.
        """
        with self._lock:
            if self._segmenter is None:
                self._segmenter = self._ix.schema["words"].analyzer.segmenter
            return self._segmenter

    def doc_count(self) -> int:
        return self._ix.doc_count()


def _lock_timeout(value: Optional[float]) -> float:
    if value is not None:
        return float(value)
    env = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    try:
        return max(0.0, float(env)) if env else DEFAULT_LOCK_TIMEOUT
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _damaged(path, e) -> IndexCorruptError:
    detail = " ".join(str(e).split())[:200]
    return IndexCorruptError(f"index at {path} is damaged ({type(e).__name__}"
                             f"{': ' + detail if detail else ''}); {REBUILD_HINT}")


def _check_segments(path, ix) -> None:
    """Open every segment of the last commit and check its files are whole.

    Catches missing or truncated segment files at open (whoosh would otherwise
    fail at the first search with a raw struct/zlib/pickle error).  A writer in
    another process may commit and delete merged segments meanwhile: when the
    generation moved on, the check is retried on the new one, as whoosh does.
    """
    for attempt in range(10):
        gen = None
        try:
            toc = ix._read_toc()
            gen = toc.generation
            _check_toc(path, ix.storage, toc)
            r = ix.reader()
            try:
                r.doc_count()
                if r.doc_count_all():
                    r.stored_fields(0)
            except BaseException:
                r.close()
                raise
            return r
        except Exception as e:  # noqa: BLE001 - whoosh raises many kinds on damaged files
            if attempt < 9 and gen is not None and ix.latest_generation() != gen:
                time.sleep(0.05)
                continue
            if isinstance(e, YdsearchError):
                raise
            raise _damaged(path, e) from None


def _check_toc(path, storage, toc) -> None:
    for seg in toc.segments:
        if not seg.is_compound():
            continue
        name = seg.make_filename(seg.COMPOUND_EXT)
        if not storage.file_exists(name):
            raise IndexCorruptError(f"index at {path} is damaged (segment file {name} "
                                    f"is missing); {REBUILD_HINT}")
        size = storage.file_length(name)
        cfile = seg.open_compound_file(storage)
        try:
            for sub, info in cfile._dir.items():
                if info["offset"] < 0 or info["offset"] + info["length"] > size:
                    raise IndexCorruptError(
                        f"index at {path} is damaged (segment file {name} is truncated: "
                        f"{sub} ends beyond its {size} bytes); {REBUILD_HINT}")
        finally:
            cfile.close()


def _remove_toc_leftovers(path: Path) -> None:
    """Delete the temporary TOC files of writers that died before renaming them.

    Called with the writer lock held, so no live writer owns one.  (whoosh's
    own cleanup after a commit leaves them.)
    """
    prefix = f"_{INDEX_NAME}_"
    for name in os.listdir(path):
        if name.startswith(prefix) and ".toc." in name:
            try:
                os.unlink(os.path.join(path, name))
            except OSError:
                pass


def _acquire_lock(path: Path, timeout: float):
    """whoosh's own writer lock on ``path`` (an fcntl/msvcrt lock the OS drops on exit)."""
    from whoosh.filedb.filestore import FileStorage
    from whoosh.util import now

    lock = FileStorage(str(path)).lock(INDEX_NAME + "_WRITELOCK")
    deadline = now() + max(0.0, timeout)
    while not lock.acquire():
        if now() >= deadline:
            raise IndexLockedError(f"index at {path} is locked by another writer "
                                   f"(waited {timeout:g} s); try again when it has finished")
        time.sleep(0.1)
    return lock


def _unstorable(doc: Document) -> Optional[str]:
    """Why ``doc`` is not indexed (a paragraph too long to be prose, text whoosh
    cannot encode as UTF-8), or None.

    A file name that is not valid UTF-8 reaches us surrogate-escaped, and a JSON
    string may hold an unpaired surrogate (``"\\ud800"``); whoosh would fail
    with a UnicodeEncodeError in the middle of a batch.
    """
    def bad(value) -> bool:
        if not isinstance(value, str):
            return False
        try:
            value.encode("utf-8")
            return False
        except UnicodeEncodeError:
            return True

    if bad(doc.doc_id) or bad(doc.path):
        return "its file name or folder is not valid UTF-8; rename it"
    for name in ("title", "meeting", "meeting_date", "published", "city", "province",
                 "source"):
        if bad(getattr(doc, name)):
            return f"its {name} contains characters that are not valid UTF-8"
    for para in doc.paragraphs:
        if len(para.text) > MAX_PARAGRAPH_CHARS:
            return (f"paragraph {para.index} is {len(para.text)} characters long (the limit is "
                    f"{MAX_PARAGRAPH_CHARS}); is the file missing its line breaks?")
        if bad(para.text) or bad(para.speaker) or bad(para.speaker_role):
            return f"paragraph {para.index} contains unpaired surrogate characters"
    return None


def _add_one(writer, searcher, doc: Document) -> str:
    if searcher.document_number(dochash=_dochash(doc)) is not None:
        return "skipped"
    existed = searcher.document_number(doc_id=doc.doc_id) is not None
    if existed:
        writer.delete_by_term("doc_id", doc.doc_id)
    for para in doc.paragraphs:
        writer.add_document(_boost=KIND_BOOST.get(para.kind, 1.0), **paragraph_fields(doc, para))
    return "replaced" if existed else "added"


# Segments are merged only while the merged result stays under this many
# paragraphs, so no commit rewrites the whole index (whoosh's default policy
# ends by merging everything into one segment).  On the scale corpus this left
# 10 segments and lowered the peak RSS from 2.12 to 1.89 GB; the rest of the
# peak follows the size of the index read (see BENCHMARKS.md).
MERGE_MAX_PARAGRAPHS = 40_000
MERGE_MIN_SEGMENTS = 3


def bounded_merge(writer, segments):
    """whoosh merge policy: merge the smallest segments, never past the bound."""
    from whoosh.reading import SegmentReader

    chosen, total = [], writer.doc_count()   # merged into the segment being written
    for seg in sorted(segments, key=lambda s: s.doc_count_all()):
        if total + seg.doc_count_all() > MERGE_MAX_PARAGRAPHS:
            break
        chosen.append(seg)
        total += seg.doc_count_all()
    if len(chosen) < MERGE_MIN_SEGMENTS:
        return segments
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]


def _return_freed_memory():
    """Give the heap freed by a commit back to the OS (glibc only).

    A batch allocates and frees millions of small objects and glibc keeps the
    freed, fragmented heap: measured on 2,000 articles in batches of 250, the
    resident size after each commit grew ~11 MB per batch without this and
    stayed flat with it.  (It does not lower the peak; see BENCHMARKS.md.)
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (musl, …): nothing to do
        pass


def _count(report: IndexReport, action: str, doc: Document):
    if action == "skipped":
        report.skipped_unchanged += 1
        return
    report.documents += 1
    report.paragraphs += len(doc.paragraphs)
    if action == "replaced":
        report.replaced += 1


def _is_index_file(p: Path) -> bool:
    """A file ydsearch or whoosh makes in an index folder (incl. crash leftovers)."""
    name = p.name
    return (name == MANIFEST_NAME or name == MANIFEST_NAME + ".tmp"
            or name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_"))
            or p.suffix in (".toc", ".seg", ".lock"))


def _interrupted_create(path: Path) -> bool:
    """True for the leftovers of a first ``create`` killed before its manifest was
    written: no manifest, no segment, at most the empty generation-0 TOC."""
    if not path.is_dir() or (path / MANIFEST_NAME).exists() or not _only_ydsearch_files(path):
        return False
    names = [p.name for p in path.iterdir()]
    return not any(n.endswith(".seg") for n in names) and \
        all(n == f"_{INDEX_NAME}_0.toc" for n in names if n.endswith(".toc"))


def _only_ydsearch_files(path: Path) -> bool:
    return all(_is_index_file(p) or p.name.startswith(".") for p in path.iterdir())


def _clear(path: Path):
    """Remove the index files, except the writer lock file (which the caller holds)."""
    for p in path.iterdir():
        if p.name == f"{INDEX_NAME}_WRITELOCK":
            continue
        if p.is_file() and _is_index_file(p):
            p.unlink()


def open_index(path, *, create: bool = False) -> Index:
    """Open the index at ``path``; with ``create=True`` make an empty one if none is there."""
    if create:
        return Index.open_or_create(path)
    return Index.open(path)
