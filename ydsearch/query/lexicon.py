"""The domain lexicon: abbreviations, slogans and region names, and what they stand for.

Shipped as ``ydsearch/data/lexicon.txt``; a user adds entries in a file of the
same format named by ``YDSEARCH_LEXICON`` (or ``open_index(..., lexicon=…)``,
``--lexicon`` on the command line).  Format, one entry a line::

    进博会 = 中国国际进口博览会 | 进口博览会      # the term stands for either
    长三角 <=> 长江三角洲                          # both ways
    三省一市 = 上海 江苏 浙江 安徽                 # all four words

Terms and expansions are normalised (Simplified, half-width, lower case) like
queries, so an entry written in either script works for queries in either.
"""
import os
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Tuple

from ..data import read_text
from ..errors import YdsearchError
from ..pipeline.normalize import normalize

LEXICON_ENV = "YDSEARCH_LEXICON"
MAX_LEXICON_BYTES = 4 << 20


class LexiconError(YdsearchError):
    """A lexicon file cannot be read or has a malformed line."""

    exit_code = 2


def _norm(text: str) -> str:
    return " ".join(normalize(text).text.lower().split())


@dataclass(frozen=True)
class Lexicon:
    """``term -> expansions`` (normalised); see the module docstring."""

    entries: Dict[str, Tuple[str, ...]] = field(default_factory=dict)
    sources: Tuple[str, ...] = ()

    def expansions(self, term: str) -> Tuple[str, ...]:
        return self.entries.get(_norm(term), ())

    def __len__(self):
        return len(self.entries)


def parse_lexicon(text: str, where: str, into: Dict[str, List[str]]) -> None:
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        both = "<=>" in line
        left, sep, right = line.partition("<=>" if both else "=")
        left, right = _norm(left), [_norm(x) for x in right.split("|")]
        right = [x for x in right if x]
        if not sep or not left or not right:
            raise LexiconError(f"{where}:{n}: expected 'TERM = EXPANSION | …' or "
                               f"'TERM <=> TERM', got {raw.strip()!r}")
        for value in right:
            if value != left and value not in into.setdefault(left, []):
                into[left].append(value)
            if both and left not in into.setdefault(value, []) and value != left:
                into[value].append(left)


def load_lexicon(paths: Iterable[str] = (), use_env: bool = True) -> Lexicon:
    """The shipped lexicon plus the entries of ``paths`` (and of ``$YDSEARCH_LEXICON``)."""
    entries: Dict[str, List[str]] = {}
    shipped = read_text("lexicon.txt")
    parse_lexicon(shipped, "lexicon.txt", entries)
    extra = list(paths)
    env = os.environ.get(LEXICON_ENV, "").strip() if use_env else ""
    if env:
        extra.append(env)
    for path in extra:
        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_LEXICON_BYTES + 1)
            if len(data) > MAX_LEXICON_BYTES:
                raise LexiconError(f"lexicon {path} is larger than {MAX_LEXICON_BYTES} bytes")
            text = data.decode("utf-8-sig")
        except OSError as e:
            raise LexiconError(f"cannot read the lexicon {path}: {e.strerror}") from None
        except UnicodeDecodeError:
            raise LexiconError(f"lexicon {path} is not UTF-8 text") from None
        parse_lexicon(text, str(path), entries)
    return Lexicon({k: tuple(v) for k, v in entries.items()}, ("lexicon.txt",) + tuple(
        str(p) for p in extra))
