"""ydsearch's own JSON manifest, checked before whoosh opens anything.

whoosh pickles the schema (with our analyser classes) into its table of
contents, and unpickling runs code: opening a whoosh index from an untrusted
folder is unsafe.  ydsearch therefore refuses any folder without a matching
``ydsearch.json`` before whoosh reads a byte of it, and records in it what
decides compatibility: the format and schema versions, the dictionary hash and
the segmenter and normaliser versions.
"""
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from ..errors import IndexCorruptError, IndexIncompatibleError, IndexNotFoundError
from .schema import SCHEMA_VERSION
from .segmenter import dictionary_hash, segmenter_version

MANIFEST_NAME = "ydsearch.json"
FORMAT_NAME = "ydsearch-index"
FORMAT_VERSION = 2
# Bump when normalize() changes its output for some input.
NORMALIZER_VERSION = 1
# Keys whose values must match for an index to be usable.
COMPAT_KEYS = ("format_version", "schema_version", "dictionary_hash", "segmenter",
               "normalizer_version")
REBUILD_HINT = "run 'ydsearch index --rebuild' to build it again"
MAX_MANIFEST_BYTES = 1 << 20   # a real manifest is ~400 bytes


def current_manifest() -> dict:
    from importlib.metadata import version

    return {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "schema_version": SCHEMA_VERSION,
        "dictionary_hash": dictionary_hash(),
        "segmenter": segmenter_version(),
        "normalizer_version": NORMALIZER_VERSION,
        "opencc": version("opencc"),
        "whoosh": version("whoosh"),
    }


def write_manifest(path: Path, created: "str | None" = None) -> dict:
    data = current_manifest()
    data["created"] = created or datetime.now(timezone.utc).isoformat(timespec="seconds")
    tmp = path / (MANIFEST_NAME + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path / MANIFEST_NAME)
    return data


def read_manifest(path: Path) -> dict:
    """Read and validate the manifest of the index at ``path``; raise if unusable."""
    if not path.exists():
        raise IndexNotFoundError(f"no index at {path}; run 'ydsearch index' to build one")
    if not path.is_dir():
        raise IndexCorruptError(f"index path {path} is not a directory; "
                                f"move it away or choose another --index")
    mf = path / MANIFEST_NAME
    if not mf.exists():
        if any(p.suffix in (".toc", ".seg") for p in path.iterdir()):
            raise IndexIncompatibleError(
                f"{path} holds an index without a ydsearch manifest (not built by this "
                f"version, or not by ydsearch); it is not opened, because whoosh indexes "
                f"can run code when opened; {REBUILD_HINT}")
        raise IndexNotFoundError(f"no index at {path}; run 'ydsearch index' to build one")
    try:
        with open(mf, "rb") as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        if len(raw) > MAX_MANIFEST_BYTES:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES} bytes")
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as e:
        detail = " ".join(str(e).split())[:160]
        raise IndexCorruptError(f"index manifest {mf} is unreadable ({detail}); {REBUILD_HINT}")
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise IndexIncompatibleError(f"{mf} is not a ydsearch index manifest; {REBUILD_HINT}")
    check_compatible(data, mf)
    return data


def check_compatible(data: dict, where) -> None:
    current = current_manifest()
    for key in COMPAT_KEYS:
        if data.get(key) != current[key]:
            raise IndexIncompatibleError(
                f"index at {where} was built with {key} {data.get(key)!r}, this ydsearch "
                f"uses {current[key]!r}; {REBUILD_HINT}")
