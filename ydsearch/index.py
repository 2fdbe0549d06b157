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
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, List, Optional, Tuple

from .errors import IndexCorruptError, IndexLockedError, IndexNotFoundError, YdsearchError
from .manifest import MANIFEST_NAME, REBUILD_HINT, read_manifest, write_manifest
from .models import Document

INDEX_NAME = "paragraphs"
DEFAULT_BATCH = 2000          # documents per commit
DEFAULT_LOCK_TIMEOUT = 10.0   # seconds a writer waits for another writer
# Headings and captions match many queries in few words; rank the passages first.
KIND_BOOST = {"body": 1.0, "heading": 0.6, "caption": 0.5}


@dataclass
class IndexReport:
    """What one ``Index.add`` did."""

    documents: int = 0
    paragraphs: int = 0
    skipped_unchanged: int = 0
    replaced: int = 0
    refused: List[Tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"documents": self.documents, "paragraphs": self.paragraphs,
                "skipped_unchanged": self.skipped_unchanged, "replaced": self.replaced,
                "refused": [{"path": p, "reason": r} for p, r in self.refused],
                "seconds": round(self.seconds, 3)}


def _dochash(doc: Document) -> str:
    return f"{doc.doc_id}\x1f{doc.content_hash or ''}"


def paragraph_fields(doc: Document, para) -> dict:
    """The whoosh fields of one paragraph (values must not be None)."""
    date = doc.meeting_date or doc.published
    year = doc.year if doc.year is not None else (int(doc.published[:4]) if doc.published else None)
    values = {
        "id": para.id, "doc_id": doc.doc_id, "dochash": _dochash(doc),
        "index": para.index, "kind": para.kind, "text": para.text,
        "words": para.text, "chars": para.text,
        "speaker": para.speaker, "speaker_role": para.speaker_role,
        "title": doc.title, "meeting": doc.meeting, "meeting_date": doc.meeting_date,
        "published": doc.published, "date": date, "year": year, "city": doc.city,
        "province": doc.province, "source": doc.source, "path": doc.path,
    }
    return {k: v for k, v in values.items() if v is not None}


class Index:
    """A ydsearch index directory.  Use :func:`open_index` or :meth:`Index.create`."""

    def __init__(self, path, *, _storage_index):
        self.path = Path(path)
        self._ix = _storage_index
        self._searcher = None
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
            raise IndexCorruptError(f"index at {path} has no table of contents; {REBUILD_HINT}")
        except Exception as e:  # whoosh raises many kinds on damaged files
            raise IndexCorruptError(f"index at {path} is damaged ({type(e).__name__}: {e}); "
                                    f"{REBUILD_HINT}")
        return cls(path, _storage_index=ix)

    @classmethod
    def create(cls, path) -> "Index":
        """Create an empty index at ``path`` (replacing any ydsearch index there)."""
        from whoosh import index as wix
        from .schema import build_schema

        path = Path(path)
        if path.exists() and not path.is_dir():
            raise IndexCorruptError(f"index path {path} is not a directory")
        if path.is_dir() and any(path.iterdir()) and not (path / MANIFEST_NAME).exists() \
                and not _only_ydsearch_files(path):
            raise YdsearchError(f"{path} is not empty and not a ydsearch index; "
                                f"refusing to overwrite it")
        try:
            path.mkdir(parents=True, exist_ok=True)
            _clear(path)
            ix = wix.create_in(str(path), build_schema(), indexname=INDEX_NAME)
            write_manifest(path)
        except PermissionError as e:
            raise IndexCorruptError(f"cannot write the index at {path}: {e.strerror}")
        return cls(path, _storage_index=ix)

    @classmethod
    def open_or_create(cls, path) -> "Index":
        path = Path(path)
        if not path.exists() or (path.is_dir() and not any(path.iterdir())):
            return cls.create(path)
        return cls.open(path)

    # -- context management ----------------------------------------------
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- writing -----------------------------------------------------------
    def add(self, paths, *, on_error: Optional[Callable[[str, str], None]] = None,
            progress: Optional[Callable[[int, int], None]] = None,
            batch_size: int = DEFAULT_BATCH, lock_timeout: float = DEFAULT_LOCK_TIMEOUT,
            workers: int = 1) -> IndexReport:
        """Index files, folders and JSONL files; see :meth:`add_documents`."""
        from .pipeline import read_documents

        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        report = IndexReport()

        def refused(p, msg):
            report.refused.append((str(p), msg))
            if on_error:
                on_error(str(p), msg)

        docs = read_documents([str(p) for p in paths], on_error=refused)
        return self.add_documents(docs, report=report, progress=progress,
                                  batch_size=batch_size, lock_timeout=lock_timeout)

    def add_documents(self, docs: Iterable[Document], *, report: Optional[IndexReport] = None,
                      progress=None, batch_size: int = DEFAULT_BATCH,
                      lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> IndexReport:
        """Add parsed documents, committing every ``batch_size`` documents."""
        report = report or IndexReport()
        started = time.perf_counter()
        writer, pending = None, 0
        try:
            for doc in docs:
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
                    writer.commit()
                    writer, pending = None, 0
            if writer is not None:
                searcher.close()
                writer.commit()
                writer = None
        finally:
            if writer is not None:
                writer.cancel()
        self._refresh()
        report.seconds = time.perf_counter() - started
        return report

    def _writer(self, timeout: float):
        from whoosh.index import LockError

        try:
            return self._ix.writer(timeout=timeout, limitmb=256)
        except LockError:
            raise IndexLockedError(f"index at {self.path} is locked by another writer "
                                   f"(waited {timeout:g} s); try again when it has finished")
        except PermissionError as e:
            raise IndexCorruptError(f"cannot write the index at {self.path}: {e.strerror}")

    def _refresh(self):
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    # -- reading -----------------------------------------------------------
    def searcher(self):
        """A whoosh searcher on the last commit (shared; refreshed after writes)."""
        with self._lock:
            if self._searcher is None:
                self._searcher = self._ix.searcher()
            else:
                self._searcher = self._searcher.refresh()
            return self._searcher

    def search(self, query: str, **options):
        """Search paragraphs; see :func:`ydsearch.search.run_search` for the options."""
        from .search import run_search

        return run_search(self, query, **options)

    @property
    def segmenter(self):
        """The segmenter pickled with the schema: queries are cut by the same code as the index."""
        return self._ix.schema["words"].analyzer.segmenter

    def doc_count(self) -> int:
        return self._ix.doc_count()


def _add_one(writer, searcher, doc: Document) -> str:
    if searcher.document_number(dochash=_dochash(doc)) is not None:
        return "skipped"
    existed = searcher.document_number(doc_id=doc.doc_id) is not None
    if existed:
        writer.delete_by_term("doc_id", doc.doc_id)
    for para in doc.paragraphs:
        writer.add_document(_boost=KIND_BOOST.get(para.kind, 1.0), **paragraph_fields(doc, para))
    return "replaced" if existed else "added"


def _count(report: IndexReport, action: str, doc: Document):
    if action == "skipped":
        report.skipped_unchanged += 1
        return
    report.documents += 1
    report.paragraphs += len(doc.paragraphs)
    if action == "replaced":
        report.replaced += 1


def _only_ydsearch_files(path: Path) -> bool:
    return all(p.suffix in (".toc", ".seg", ".lock", ".tmp") or p.name.startswith(".")
               or p.name == MANIFEST_NAME for p in path.iterdir())


def _clear(path: Path):
    for p in path.iterdir():
        if p.is_file() and (p.suffix in (".toc", ".seg", ".lock") or p.name == MANIFEST_NAME):
            p.unlink()


def open_index(path, *, create: bool = False) -> Index:
    """Open the index at ``path``; with ``create=True`` make an empty one if none is there."""
    if create:
        return Index.open_or_create(path)
    return Index.open(path)
