"""Word segmentation: jieba's algorithm and dictionary, through ``rjieba``.

One :class:`Segmenter` owns one ``rjieba.Jieba`` instance with the domain
dictionary of this package loaded; the index and the query are always
segmented by the same object type and dictionary (the index records both).

Index mode (``index_words``) is jieba's search mode, made positional: every
word of the precise segmentation gets the next ordinal position, and the
dictionary words inside it (``长三角`` → ``三角``) are emitted at the same
position.  Query mode (``query_words``) is the precise segmentation only.
"""
import hashlib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, NamedTuple, Optional, Tuple

_SEARCHABLE_RE = re.compile(r"[0-9A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MAX_SUBWORD = 8
MAX_MEMO = 500_000      # words whose index tokens a Segmenter remembers


class Word(NamedTuple):
    text: str
    pos: int
    start: int
    end: int


def dictionary_text() -> str:
    """The domain dictionary shipped in ``ydsearch/data/userdict.txt``."""
    from ..data import read_text

    return read_text("userdict.txt")


def _dictionary_entries(text: str):
    for line in text.splitlines():
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        freq = int(parts[1]) if len(parts) > 1 else 1000
        yield parts[0], freq, parts[2] if len(parts) > 2 else ""


def _jieba_class():
    """``rjieba.Jieba``, loaded without running ``rjieba/__init__.py``.

    That file builds a module-level default instance, loading the whole
    dictionary (about 0.2 s) that ydsearch never uses since it owns its own
    instance; the extension module is loaded directly instead, and the normal
    import is the fallback.
    """
    import importlib.machinery
    import importlib.util
    import sys

    loaded = sys.modules.get("rjieba.rjieba")
    if loaded is not None:
        return loaded.Jieba
    try:
        spec = importlib.util.find_spec("rjieba")
        folder = spec.submodule_search_locations[0]
        suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
        ext = next(os.path.join(folder, f) for f in sorted(os.listdir(folder))
                   if f.startswith("rjieba.") and f.endswith(suffixes))
        loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", ext)
        module = importlib.util.module_from_spec(
            importlib.util.spec_from_file_location("rjieba.rjieba", ext, loader=loader))
        loader.exec_module(module)
        sys.modules["rjieba.rjieba"] = module  # PyO3 modules initialise once per process
        return module.Jieba
    except Exception:
        import rjieba

        return rjieba.Jieba


def segmenter_version() -> str:
    from importlib.metadata import version

    return f"rjieba-{version('rjieba')}"


def dictionary_hash() -> str:
    return hashlib.sha256(dictionary_text().encode("utf-8")).hexdigest()[:16]


def is_searchable(token: str) -> bool:
    """True for a token holding at least one Han character, letter or digit."""
    return _SEARCHABLE_RE.search(token) is not None


@dataclass
class Segmenter:
    """Owns a jieba (rjieba) instance with the domain dictionary; created lazily."""

    _jieba: Optional[object] = None
    #: word -> the index tokens it gives (itself and its dictionary sub-words),
    #: memoised: a corpus repeats its words, and the sub-word search is Python.
    _expansions: Dict[str, Tuple[str, ...]] = field(default_factory=dict, repr=False)

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self._jieba = None
        self._expansions = {}

    @property
    def jieba(self):
        if self._jieba is None:
            jb = _jieba_class()()
            for word, freq, tag in _dictionary_entries(dictionary_text()):
                jb.add_word(word, freq, tag)
            self._jieba = jb
        return self._jieba

    def query_words(self, text: str) -> List[Word]:
        """Precise segmentation of normalised text; punctuation dropped."""
        out, pos = [], 0
        for w, s, e in self.jieba.tokenize(text, "default", True):
            if is_searchable(w):
                out.append(Word(w.lower(), pos, s, e))
                pos += 1
        return out

    def _expand(self, w: str) -> Tuple[str, ...]:
        if not is_searchable(w):
            return ()
        n, has_word, out = len(w), self.jieba.has_word, []
        if n > 2:
            for size in range(2, min(n, MAX_SUBWORD + 1)):
                for i in range(n - size + 1):
                    sub = w[i:i + size]
                    if has_word(sub):
                        out.append(sub.lower())
        out.append(w.lower())
        return tuple(out)

    def index_counts(self, text: str) -> Counter:
        """How often each index token (see :meth:`index_words`) occurs in ``text``."""
        expansions, tokens = self._expansions, []
        for w in self.jieba.cut(text, True):
            e = expansions.get(w)
            if e is None:
                if len(expansions) >= MAX_MEMO:
                    expansions.clear()
                e = expansions[w] = self._expand(w)
            tokens.extend(e)
        return Counter(tokens)

    def index_words(self, text: str) -> Iterator[Word]:
        """Precise words plus their in-dictionary sub-words at the same position."""
        has_word = self.jieba.has_word
        pos = 0
        for w, s, e in self.jieba.tokenize(text, "default", True):
            if not is_searchable(w):
                continue
            n = e - s
            if n > 2:
                for size in range(2, min(n, MAX_SUBWORD + 1)):
                    for i in range(n - size + 1):
                        sub = w[i:i + size]
                        if has_word(sub):
                            yield Word(sub.lower(), pos, s + i, s + i + size)
            yield Word(w.lower(), pos, s, e)
            pos += 1
