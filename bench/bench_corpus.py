"""The benchmark's inputs: the scale corpus, its slices, the code snapshot, the machine.

The scale corpus is licensed for internal benchmarking only.  It is read from
its path; the slices made from it (the first N items) go to the run's work
directory, which ``run.py`` refuses to place inside the repository.
"""
import gzip
import hashlib
import json
import os
import platform
import shutil
import subprocess
from pathlib import Path
from typing import List, Optional

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_ENV = "YDSEARCH_SCALE_CORPUS"
CORPUS_FILE = Path("shared", "corpora", "scale", "xwlb_2017_2026.jsonl.gz")


def default_corpus() -> str:
    """``$YDSEARCH_SCALE_CORPUS``, else ``shared/corpora/scale/…`` beside the checkout
    or beside one of its parent folders (a worktree sits deeper than the main
    checkout); else the path beside the checkout, which may not exist."""
    if os.environ.get(CORPUS_ENV):
        return os.environ[CORPUS_ENV]
    for parent in REPO.parents:
        if (parent / CORPUS_FILE).is_file():
            return str(parent / CORPUS_FILE)
    return str(REPO.parent / CORPUS_FILE)


def open_corpus(path: Path):
    return gzip.open(path, "rb") if str(path).endswith(".gz") else open(path, "rb")


def scan_corpus(path: Path) -> List[int]:
    """UTF-8 bytes of the ``text`` field of every item, in order (streamed)."""
    sizes = []
    with open_corpus(path) as fh:
        for raw in fh:
            if not raw.strip():
                continue
            try:
                text = json.loads(raw).get("text") or ""
            except ValueError:
                text = ""
            sizes.append(len(text.encode("utf-8")))
    return sizes


def write_slice(path: Path, n: int, dest: Path) -> Path:
    """The first ``n`` items of the corpus, as plain JSONL in the work directory."""
    if dest.exists():
        return dest
    written = 0
    with open_corpus(path) as fh, open(dest, "wb") as out:
        for raw in fh:
            if not raw.strip():
                continue
            out.write(raw if raw.endswith(b"\n") else raw + b"\n")
            written += 1
            if written >= n:
                break
    return dest


def slice_for(corpus: Path, n: int, total: int, work: Path) -> Path:
    """The corpus itself when ``n`` is all of it, else a slice in ``work``."""
    if n >= total and str(corpus).endswith((".jsonl", ".jsonl.gz")):
        return corpus
    return write_slice(corpus, n, work / f"slice-{n}.jsonl")


def dir_size(path: Path) -> int:
    path = Path(path)
    if not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def remove(path: Path) -> None:
    path = Path(path)
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def snapshot_code(work: Path) -> dict:
    """Copy the checkout's ``ydsearch/`` (and ``seeds/``) into the work directory.

    Every child (and the CLI runs, through PYTHONPATH, which comes before an
    editable install's finder) then imports this copy, so one run measures one
    version of the code even while the tree is being edited.
    """
    code = work / "code"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "ydsearch", code / "ydsearch", ignore=ignore)
    if (REPO / "seeds").is_dir():
        shutil.copytree(REPO / "seeds", code / "seeds", ignore=ignore)
    h = hashlib.sha256()
    for f in sorted((code / "ydsearch").rglob("*")):
        if f.is_file():
            h.update(str(f.relative_to(code)).encode() + b"\0" + f.read_bytes())
    os.environ["YDSEARCH_BENCH_CODE"] = str(code)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(code)] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else []))
    return {"path": str(code), "sha256": h.hexdigest()[:12]}


def _first_line(path: str, prefix: str) -> Optional[str]:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info() -> dict:
    from importlib import metadata
    import sqlite3

    ram = _first_line("/proc/meminfo", "MemTotal:")
    versions = {}
    for name in ("ydsearch", "whoosh", "rjieba", "opencc", "click", "numpy", "pydivsufsort",
                 "jieba"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["sqlite"] = sqlite3.sqlite_version
    git = "unknown"
    try:
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--",
                                "ydsearch"], capture_output=True, text=True).stdout.strip()
        git = head + (" (ydsearch/ had uncommitted changes)" if dirty else "")
    except OSError:
        pass
    return {"cpu": _first_line("/proc/cpuinfo", "model name") or "unknown",
            "cores": os.cpu_count(),
            "ram_gb": int(ram.split()[0]) / 1024 / 1024 if ram else None,
            "python": platform.python_version(), "platform": platform.platform(),
            "versions": versions, "git": git}
