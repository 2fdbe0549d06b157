"""The paragraphs a judged set is evaluated over, as flat columns.

``load_paragraphs(paths)`` runs ydsearch's own pipeline (``read_documents``)
and keeps, for every paragraph, what the rankers and the judged sets need: its
id, original text (what the baseline reads), normalised text and fingerprint,
and the metadata the query language filters on, resolved the way the index
resolves it (the year falls back to the publication year, the date to the
meeting date, then the publication date).

Reading the whole scale corpus takes about half a minute; ``cache_dir`` keeps
the result as a pickle keyed by the input files and the ydsearch source, so a
second run with the same code and corpus reads it back.  The corpus is licensed
for internal benchmarking only: point ``cache_dir`` outside the repository.
"""
import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

#: The metadata columns the query language's filters read.
META_FIELDS = ("speaker", "speaker_role", "kind", "doc_id", "title", "meeting",
               "city", "province", "source", "date")
CACHE_VERSION = 1


def fingerprint(text: str) -> str:
    """First 12 hex digits of sha1 of the normalised, stripped paragraph text."""
    import ydsearch

    norm = ydsearch.normalize(text).text.strip()
    return hashlib.sha1(norm.encode("utf-8")).hexdigest()[:12]


@dataclass
class Paragraphs:
    """Column store of paragraphs; row ``i`` of every list is one paragraph."""

    ids: List[str] = field(default_factory=list)
    texts: List[str] = field(default_factory=list)       # original script, as cleaned
    norms: List[str] = field(default_factory=list)       # normalize(text).text
    fps: List[str] = field(default_factory=list)
    years: List[Optional[int]] = field(default_factory=list)
    meta: Dict[str, List[Optional[str]]] = field(
        default_factory=lambda: {name: [] for name in META_FIELDS})

    def __len__(self) -> int:
        return len(self.ids)

    def row_of(self) -> Dict[str, int]:
        return {pid: i for i, pid in enumerate(self.ids)}

    def rows_by_fp(self) -> Dict[str, List[int]]:
        out: Dict[str, List[int]] = {}
        for i, fp in enumerate(self.fps):
            out.setdefault(fp, []).append(i)
        return out


def from_documents(docs) -> Paragraphs:
    import ydsearch

    table = Paragraphs()
    for doc in docs:
        year = doc.year if doc.year is not None else (
            int(doc.published[:4]) if doc.published else None)
        date = doc.date or doc.meeting_date or doc.published
        for p in doc.paragraphs:
            norm = ydsearch.normalize(p.text).text
            table.ids.append(p.id)
            table.texts.append(p.text)
            table.norms.append(norm)
            table.fps.append(hashlib.sha1(norm.strip().encode("utf-8")).hexdigest()[:12])
            table.years.append(year)
            values = {"speaker": p.speaker, "speaker_role": p.speaker_role, "kind": p.kind,
                      "doc_id": doc.doc_id, "title": doc.title, "meeting": doc.meeting,
                      "city": doc.city, "province": doc.province, "source": doc.source,
                      "date": date}
            for name in META_FIELDS:
                table.meta[name].append(values[name])
    return table


def _code_hash() -> str:
    import ydsearch

    h = hashlib.sha256()
    root = Path(ydsearch.__file__).resolve().parent
    for f in sorted(root.rglob("*")):
        if f.is_file() and f.suffix in (".py", ".txt", ".json"):
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _cache_key(paths: Sequence) -> str:
    h = hashlib.sha256(f"v{CACHE_VERSION}:{_code_hash()}".encode())
    for p in paths:
        st = os.stat(p)
        h.update(f"\0{os.path.abspath(p)}\0{st.st_size}\0{st.st_mtime_ns}".encode())
    return h.hexdigest()[:20]


def load_paragraphs(paths: Sequence, cache_dir=None) -> Paragraphs:
    """The paragraphs of ``paths`` as ydsearch's pipeline makes them (cached if asked)."""
    import ydsearch

    paths = [str(p) for p in paths]
    cache = None
    if cache_dir is not None and all(os.path.isfile(p) for p in paths):
        cache = Path(cache_dir) / f"paragraphs-{_cache_key(paths)}.pickle"
        if cache.is_file():
            with open(cache, "rb") as fh:
                return pickle.load(fh)
    table = from_documents(ydsearch.read_documents(paths))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    return table


def seed_paths() -> List[str]:
    import ydsearch

    return [str(ydsearch.bundled_seeds())]
