"""Find and decode input files: ``.txt`` articles and ``.jsonl``/``.jsonl.gz`` batches.

``iter_sources(paths, on_error=None)`` yields one :class:`Source` per article,
with the file's absolute path (and the line, for a JSONL item).  Every refusal
is a :class:`~ydsearch.errors.CorpusError` with a one-line message that names
the file (``file:line (id …)`` for a bad JSONL line); when ``on_error`` is
given it is called as ``on_error(path, message)`` instead and reading goes on.
A JSONL item whose ``text`` is empty is yielded (it parses to no paragraphs
and is skipped and counted by the indexer), not refused.

Without ``on_error``, a bad JSONL line is raised only after the good lines of
that file have been yielded, so one broken line never hides the others.

``content_hash`` depends on the content only -- the text and the metadata the
input states -- never on the file's name or path, so the same article under
another name is recognised as already indexed.
"""
import gzip
import hashlib
import json
import os
import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, List, Optional, Tuple, Union

from ..errors import CorpusError
from .decode import decode_bytes, looks_binary

MAX_TXT_BYTES = 16 * 1024 * 1024
MAX_LINE_BYTES = 16 * 1024 * 1024
# A line longer than this is not a paragraph (a file that lost its line breaks);
# such a file is refused instead of being parsed slowly into one giant passage.
MAX_LINE_CHARS = 100_000
TXT_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
SIDECAR_SUFFIX = ".meta.json"
# Sidecar / JSONL keys that become ``meta`` (value: the name used in ``meta``).
META_KEYS = {
    "title": "title", "published": "published", "date": "published",
    "source": "source", "url": "url", "meeting": "meeting",
    "meeting_date": "meeting_date", "meeting_end_date": "meeting_end_date",
    "year": "year", "city": "city", "province": "province",
}

ErrorHandler = Optional[Callable[[str, str], None]]
PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Source:
    """One article as read from disk, before any parsing."""

    path: str
    doc_id: str
    text: str
    meta: dict
    content_hash: str
    #: Input bytes this article was read from, for progress: the file of a
    #: ``.txt``; for JSONL the bytes read since the previous article (compressed
    #: bytes for ``.gz``), so the sizes of a file's articles add up to the file.
    size: int = 0
    #: the line of its JSONL file (None for a ``.txt``)
    line: Optional[int] = None

    @property
    def where(self) -> str:
        """``path`` or ``path:line (id …)``: how refusals name the item."""
        return self.path if self.line is None else f"{self.path}:{self.line} (id {self.doc_id})"


def content_hash(text: str, meta: dict) -> str:
    """SHA-256 of the article's text (newlines and BOM normalised) and stated metadata."""
    body = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    stated = json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(f"{body}\x00{stated}".encode("utf-8")).hexdigest()


def _report(path: str, message: str, on_error: ErrorHandler) -> None:
    if on_error is None:
        raise CorpusError(f"{path}: {message}")
    on_error(path, message)


def _kind(name: str) -> Optional[str]:
    low = name.lower()
    if low.endswith(SIDECAR_SUFFIX):
        return None
    if low.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(TXT_SUFFIXES):
        return "txt"
    return None


def _stem(path: str) -> str:
    name = os.path.basename(path)
    for suffix in (".jsonl.gz",) + JSONL_SUFFIXES + TXT_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return os.path.splitext(name)[0]


def _walk(root: str, seen: set) -> Iterator[str]:
    """Files under ``root``, sorted, hidden ones skipped, each real dir once."""
    real = os.path.realpath(root)
    if real in seen:
        return
    seen.add(real)
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return
    for name in names:
        if name.startswith("."):
            continue
        full = os.path.join(root, name)
        if os.path.isdir(full):
            yield from _walk(full, seen)
        elif _kind(name) is not None:
            yield full


def _expand(paths: Iterable[PathLike], on_error: ErrorHandler) -> Iterator[str]:
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    seen_dirs: set = set()
    seen_files: set = set()
    for raw in paths:
        path = os.fspath(raw)
        if os.path.isdir(path):
            files = _walk(path, seen_dirs)
        elif not os.path.exists(path):
            _report(path, "no such file or directory", on_error)
            continue
        elif _kind(path) is None:
            _report(path, "not a .txt, .jsonl or .jsonl.gz file", on_error)
            continue
        else:
            files = iter([path])
        for f in files:
            real = os.path.realpath(f)
            if real not in seen_files:
                seen_files.add(real)
                yield os.path.abspath(f)


def _read_sidecar(path: str) -> Tuple[dict, str]:
    base = path[: -len(".txt")] if path.lower().endswith(".txt") else path
    side = base + SIDECAR_SUFFIX
    if not os.path.isfile(side):
        return {}, ""
    try:
        with open(side, "rb") as fh:
            data = json.loads(fh.read(MAX_LINE_BYTES).decode("utf-8-sig"))
    except (OSError, ValueError) as exc:
        return {}, f"{side}: bad sidecar metadata ({exc.__class__.__name__})"
    if not isinstance(data, dict):
        return {}, f"{side}: sidecar metadata is not a JSON object"
    return pick_meta(data), ""


def pick_meta(record: dict) -> dict:
    """The metadata keys of a JSON record, renamed (``date`` → ``published``)."""
    meta = {}
    for key, name in META_KEYS.items():
        value = record.get(key)
        if value not in (None, "") and name not in meta:
            meta[name] = value
    return meta


def _read_txt(path: str, on_error: ErrorHandler) -> Iterator[Source]:
    try:
        size = os.path.getsize(path)
        if size > MAX_TXT_BYTES:
            _report(path, f"file too large ({size} bytes; limit {MAX_TXT_BYTES})", on_error)
            return
        with open(path, "rb") as fh:
            data = fh.read(MAX_TXT_BYTES + 1)
    except OSError as exc:
        _report(path, f"cannot read ({exc.strerror or exc.__class__.__name__})", on_error)
        return
    if len(data) > MAX_TXT_BYTES:
        _report(path, f"file too large (limit {MAX_TXT_BYTES} bytes)", on_error)
        return
    text, reason = decode_bytes(data)
    if text is None:
        _report(path, reason, on_error)
        return
    if not text.replace("\ufeff", "").replace("\u200b", "").strip():
        _report(path, "empty file", on_error)
        return
    if looks_binary(text):
        _report(path, "binary file (control characters)", on_error)
        return
    longest = max(map(len, text.splitlines()), default=0)
    if longest > MAX_LINE_CHARS:
        _report(path, f"a line of {longest} characters (limit {MAX_LINE_CHARS}): "
                      f"not an article, or its line breaks were lost", on_error)
        return
    meta, problem = _read_sidecar(path)
    if problem:
        _report(path, problem, on_error)
        return
    yield Source(path, _stem(path), text, meta, content_hash(text, meta), len(data))


def _open_lines(path: str):
    if path.lower().endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _parse_line(raw: bytes, path: str, lineno: int,
                size: int = 0) -> Tuple[Optional[Source], str]:
    try:
        record = json.loads(raw.decode("utf-8-sig" if lineno == 1 else "utf-8"))
    except UnicodeDecodeError:
        return None, "not valid UTF-8"
    except ValueError as exc:
        return None, f"bad JSON ({exc.msg if hasattr(exc, 'msg') else exc})"
    if not isinstance(record, dict):
        return None, "not a JSON object"
    doc_id = record.get("id")
    named = f" (id {doc_id})" if isinstance(doc_id, (str, int)) and doc_id != "" else ""
    text = record.get("text")
    if not isinstance(text, str):
        return None, f"no 'text' field{named}"
    doc_id = str(doc_id) if doc_id not in (None, "") else f"{_stem(path)}-{lineno}"
    meta = pick_meta(record)
    return Source(path, doc_id, text, meta, content_hash(text, meta), size, lineno), ""


def _read_jsonl(path: str, on_error: ErrorHandler) -> Iterator[Source]:
    bad: List[Tuple[str, str]] = []
    count = 0
    try:
        with _open_lines(path) as fh:
            lineno = 0
            position = getattr(fh, "fileobj", fh)   # the file on disk, under gzip
            consumed = 0
            while True:
                raw = fh.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    break
                lineno += 1
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    bad.append((f"{path}:{lineno}", "line too long"))
                    break
                if not raw.strip():
                    continue
                count += 1
                src, reason = _parse_line(raw.rstrip(b"\r\n"), path, lineno,
                                          position.tell() - consumed)
                if src is None:
                    bad.append((f"{path}:{lineno}", reason))
                    if on_error is not None:
                        on_error(*bad.pop())
                    continue
                consumed += src.size
                yield src
    except (OSError, EOFError, zlib.error) as exc:
        bad.append((path, f"cannot read ({getattr(exc, 'strerror', None) or exc})"))
    if count == 0 and not bad:
        bad.append((path, "empty file"))
    for where, message in bad[:1]:
        extra = f" (and {len(bad) - 1} more bad lines)" if len(bad) > 1 else ""
        _report(where, message + extra, on_error)


def input_files(paths: Union[PathLike, Iterable[PathLike]]) -> List[str]:
    """The files :func:`iter_sources` reads for ``paths`` (missing or unknown ones left
    out), e.g. to add up their sizes for a progress bar."""
    return list(_expand(paths, lambda path, message: None))


def iter_sources(paths: Union[PathLike, Iterable[PathLike]],
                 on_error: ErrorHandler = None) -> Iterator[Source]:
    """Yield every article under ``paths`` (files or directories), in sorted order."""
    for path in _expand(paths, on_error):
        if _kind(path) == "jsonl":
            yield from _read_jsonl(path, on_error)
        else:
            yield from _read_txt(path, on_error)
