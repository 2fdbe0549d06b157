"""Where the command line keeps its index when no ``--index`` is given.

The *default index* is

* ``<checkout>/index/`` when ydsearch runs from or inside its project checkout
  (the package's parent folder, or the current folder or one of its parents,
  has a ydsearch ``setup.cfg``, ``seeds/`` and ``index/``);
* otherwise ``$XDG_CACHE_HOME/ydsearch/index`` (``~/.cache/ydsearch/index``).

The default index is a cache of the bundled seed articles: when it is missing,
or its ``bundled.json`` stamp does not list the seeds the installed package
ships (compared by content hash, not by mtime, which a fresh git clone resets),
the commands that read it build or update it first.  An index named with
``--index`` or ``YDSEARCH_INDEX`` is never built implicitly.

``bundled.json`` records ``{"seeds": {file name: sha256} | null, ...}``; the
``null`` value marks a default index the user filled with their own articles
(``ydsearch index --rebuild PATH``), which is then left alone.

This module imports nothing heavy: ``ydsearch --help`` loads it.
"""
import hashlib
import json
import os
from pathlib import Path
from typing import Callable, Dict, Optional

STAMP_NAME = "bundled.json"
MANIFEST_NAME = "ydsearch.json"   # same as ydsearch.manifest.MANIFEST_NAME (not imported: light)


def _is_checkout(root: Path) -> bool:
    cfg = root / "setup.cfg"
    if not (cfg.is_file() and (root / "seeds").is_dir() and (root / "index").is_dir()):
        return False
    try:
        return "name = ydsearch" in cfg.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def checkout_dir() -> Optional[Path]:
    """The project checkout ydsearch runs from or in, or None.

    The package's own parent folder (running from the source tree or an
    editable install), else the current folder or one of its parents (an
    installed ydsearch run inside its checkout, as the README's quick start does).
    """
    here = Path(__file__).resolve().parent.parent
    if _is_checkout(here):
        return here
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return None
    return next((p for p in (cwd, *cwd.parents) if _is_checkout(p)), None)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ydsearch"


def default_index_path() -> Path:
    """The default index location (see the module docstring)."""
    root = checkout_dir()
    if root is not None:
        return root / "index"
    return cache_dir() / "index"


def seeds_folder() -> Path:
    """The seed articles to index: the checkout's ``seeds/`` when ydsearch runs in
    its checkout and that folder holds the seeds the package ships (hits then cite
    ``seeds/…``, not a file deep in a virtualenv), else the package's own."""
    from ..bundled import bundled_seeds

    shipped = bundled_seeds()
    root = checkout_dir()
    if root is not None and (root / "seeds").resolve() != shipped.resolve() \
            and seeds_fingerprint(root / "seeds") == seeds_fingerprint(shipped):
        return root / "seeds"
    return shipped


def seeds_fingerprint(folder: Optional[Path] = None) -> Dict[str, str]:
    """``{file name: sha256}`` of the bundled seed articles."""
    if folder is None:
        from ..bundled import bundled_seeds

        folder = bundled_seeds()
    out = {}
    for p in sorted(Path(folder).iterdir()):
        if p.is_file() and not p.name.startswith(".") and p.suffix in (".txt", ".json", ".jsonl"):
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def read_stamp(index_path: Path) -> Optional[dict]:
    try:
        data = json.loads((Path(index_path) / STAMP_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_stamp(index_path: Path, seeds: Optional[Dict[str, str]]) -> None:
    from .. import __version__

    path = Path(index_path) / STAMP_NAME
    tmp = path.with_name(STAMP_NAME + ".tmp")
    tmp.write_text(json.dumps({"seeds": seeds, "ydsearch": __version__}, ensure_ascii=False,
                              indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def has_index(path: Path) -> bool:
    """True when ``path`` holds a ydsearch manifest (compatible or not)."""
    return (Path(path) / MANIFEST_NAME).is_file()


def default_state(path: Path) -> str:
    """``"missing"``, ``"stale"`` (older than the bundled seeds), ``"user"`` or ``"current"``."""
    if not has_index(path):
        return "missing"
    stamp = read_stamp(path)
    if stamp is None:
        return "stale"
    if stamp.get("seeds") is None:
        return "user"
    return "current" if stamp.get("seeds") == seeds_fingerprint() else "stale"


def ensure_default_index(path: Path, say: Callable[[str], None] = lambda m: None):
    """Open the default index at ``path``, building or updating it from the bundled seeds.

    Returns an open :class:`ydsearch.index.Index`.
    """
    from ..errors import IndexCorruptError, IndexIncompatibleError
    from ..engine.index import Index

    path = Path(path)
    state = default_state(path)
    if state in ("current", "user"):
        try:
            return Index.open(path)
        except (IndexIncompatibleError, IndexCorruptError):
            stamp = read_stamp(path) or {}
            if stamp.get("seeds") is None:
                raise           # holds the user's own articles: do not throw them away
            say(f"rebuilding the index from the bundled seeds in {path} "
                f"(it was built by another ydsearch version)")
            return _build(path, rebuild=True)
    if state == "missing":
        say(f"building the index from the bundled seeds in {path}")
        return _build(path, rebuild=True)
    # stale: add the current seeds incrementally (changed ones replace their old
    # paragraphs); an incompatible seeds-only index is rebuilt instead.
    try:
        ix = Index.open(path)
    except (IndexIncompatibleError, IndexCorruptError):
        say(f"rebuilding the index from the bundled seeds in {path}")
        return _build(path, rebuild=True)
    say(f"updating the index in {path} from the bundled seeds")
    ix.add(seeds_folder(), on_wait=lambda: say(f"another process is writing the index at "
                                                f"{path}; waiting for it to finish"))
    write_stamp(path, seeds_fingerprint())
    return ix


def _build(path: Path, rebuild: bool):
    from ..engine.index import Index

    stamp = path / STAMP_NAME
    if stamp.exists():
        stamp.unlink()       # ours; Index.create refuses folders with unknown files
    path.mkdir(parents=True, exist_ok=True)
    ix = Index.create(path)
    ix.add(seeds_folder())
    write_stamp(path, seeds_fingerprint())
    return ix
