"""The query language's lexer: a (cleaned) query string → its tokens (keywords,
parentheses, ``-``, terms, quoted phrases, ``name:value`` fields) with 1-based
columns; :mod:`.lang` parses them."""
from typing import List, NamedTuple, Optional

from ..errors import QuerySyntaxError
from .fields import resolve_field

MAX_TERMS = 200
KEYWORDS = ("AND", "OR", "NOT")
_QUOTES = {'"': '"', "“": "”", "「": "」"}
_STRAY_CLOSERS = "”」"
_WORD_BREAKS = frozenset("()" + "".join(_QUOTES) + _STRAY_CLOSERS)


class _Token(NamedTuple):
    kind: str  # LP RP AND OR NOT TERM PHRASE FIELD
    text: str  # as typed (folded); for FIELD the value
    column: int
    name: str = ""  # FIELD: the name as typed
    value_column: int = 0


def _error(message: str, column: Optional[int]) -> QuerySyntaxError:
    where = f" at column {column}" if column is not None else ""
    return QuerySyntaxError(message + where, column)


def _read_quoted(s: str, i: int):
    """The text between the quote at ``i`` and its closer, and the index after it."""
    end = s.find(_QUOTES[s[i]], i + 1)
    if end < 0:
        raise _error("unbalanced quote", i + 1)
    return s[i + 1:end], end + 1


def _word(s: str, i: int):
    """The token starting with the word at ``i`` and the index after it."""
    j = i
    while j < len(s) and not s[j].isspace() and s[j] not in _WORD_BREAKS:
        j += 1
    word = s[i:j]
    if word in KEYWORDS:
        return _Token(word, word, i + 1), j
    colon = word.find(":")
    canonical = resolve_field(word[:colon], i + 1) if colon > 0 else None
    if canonical is None:
        return _Token("TERM", word, i + 1), j
    value, vstart = word[colon + 1:], i + colon + 1
    if not value and j < len(s) and s[j] in _QUOTES:
        value, j = _read_quoted(s, j)
        vstart += 1
    return _Token("FIELD", value, i + 1, canonical, vstart + 1), j


def _tokenize(s: str) -> List[_Token]:
    tokens, i = [], 0
    while i < len(s):
        ch = s[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(_Token("LP" if ch == "(" else "RP", ch, i + 1))
            i += 1
        elif ch in _QUOTES:
            text, end = _read_quoted(s, i)
            tokens.append(_Token("PHRASE", text, i + 1))
            i = end
        elif ch in _STRAY_CLOSERS:
            raise _error("unbalanced quote", i + 1)
        elif ch == "-" and i + 1 < len(s) and not s[i + 1].isspace() and s[i + 1] != ")":
            tokens.append(_Token("NOT", "-", i + 1))
            i += 1
        else:
            token, i = _word(s, i)
            tokens.append(token)
    terms = sum(t.kind in ("TERM", "PHRASE", "FIELD") for t in tokens)
    if terms > MAX_TERMS:
        raise _error(f"too many terms ({terms}; the limit is {MAX_TERMS})", None)
    return tokens
