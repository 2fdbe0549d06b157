"""The ydsearch query language: a strict parser from a query string to an AST.

Grammar (precedence NOT > AND > OR)::

    query   := or
    or      := and ("OR" and)*
    and     := unary (["AND"] unary)*        -- juxtaposition is AND
    unary   := ("NOT" | "-") unary | primary
    primary := "(" or ")" | TERM | PHRASE | FIELD

* ``AND``, ``OR``, ``NOT`` are keywords only in upper case and as whole
  words; ``and`` is text.  ``-`` negates only directly before a term, quote,
  field or ``(`` (``-李强``, ``-"a b"``, ``-speaker:李强``, ``-(a OR b)``);
  a free-standing ``-`` is punctuation.
* ``"…"``, ``“…”`` and ``「…」`` quote a phrase; ``（）``, ``：`` and the
  full-width space work like ``()``, ``:`` and a space (the query is folded
  with ``fold_width``; columns in messages are 1-based and point into the
  string the user typed).
* ``name:value`` (or ``name:"quoted value"``) is a field filter when ``name``
  is made of letters (ASCII, CJK) and is a key of :data:`FIELD_ALIASES`
  (case-insensitive, Traditional accepted: ``發言人：李強``).  An unknown
  ASCII-letter name (``colour:red``, ``http://x``) is an error; any other
  prefix (digits as in ``12:30``, or Han text as in a pasted ``会议指出：要…``)
  leaves the colon as plain text.  ``year:`` and ``date:`` values are parsed
  by :mod:`ydsearch.queryfields`.
* A term is kept as typed apart from ``normalize`` (no segmentation
  here); a term or phrase with no letter or digit (``，``, ``、``) is dropped,
  and groups left empty by that vanish.  A query left with nothing is
  ``empty query``; a query that is only negative is an error, filters alone
  are fine.
* Limits: 2000 characters, 200 terms, nesting 32 deep.  Any input string
  yields a node or :class:`QuerySyntaxError`, never another exception.

AST nodes are frozen dataclasses.  ``column`` does not take part in equality,
so ``發言人：李強`` and ``speaker:李强`` parse to equal trees.

The tokens come from :mod:`.lexer`; this module holds the AST and the parser.
"""
from dataclasses import dataclass, field
from typing import List, Optional, Union

from ..errors import QuerySyntaxError
from .fields import (
    CANONICAL_FIELDS, FIELD_ALIASES, clean_query, norm_value, parse_date, parse_year,
)
from .lexer import MAX_TERMS, _Token, _error, _tokenize

__all__ = [
    "Text", "Field", "YearRange", "DateRange", "And", "Or", "Not", "Node",
    "parse", "describe", "uses_operators", "FIELD_ALIASES", "CANONICAL_FIELDS",
    "MAX_QUERY_LENGTH", "MAX_TERMS", "MAX_DEPTH",
]

MAX_QUERY_LENGTH = 2000
MAX_DEPTH = 32


@dataclass(frozen=True)
class Text:
    value: str
    phrase: bool = False
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Field:
    name: str
    value: str
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class YearRange:
    lo: Optional[int]
    hi: Optional[int]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class DateRange:
    lo: Optional[str]
    hi: Optional[str]
    column: int = field(default=0, compare=False)


@dataclass(frozen=True)
class And:
    items: tuple


@dataclass(frozen=True)
class Or:
    items: tuple


@dataclass(frozen=True)
class Not:
    item: "Node"


Node = Union[Text, Field, YearRange, DateRange, And, Or, Not]


def _searchable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _leaf(tok: _Token) -> Optional[Node]:
    if tok.kind in ("TERM", "PHRASE"):
        value = norm_value(tok.text)
        return Text(value, tok.kind == "PHRASE", tok.column) if _searchable(value) else None
    value = norm_value(tok.text) if tok.name not in ("year", "date") else tok.text.strip()
    if not value:
        raise _error(f"empty value for field {tok.name!r}", tok.column)
    if tok.name == "year":
        return YearRange(*parse_year(value, tok.value_column), tok.column)
    if tok.name == "date":
        return DateRange(*parse_date(value, tok.value_column), tok.column)
    return Field(tok.name, value, tok.column)


def _combine(cls, items) -> Optional[Node]:
    flat = []
    for item in items:
        if isinstance(item, cls):
            flat.extend(item.items)
        elif item is not None:
            flat.append(item)
    if len(flat) <= 1:
        return flat[0] if flat else None
    return cls(tuple(flat))


class _Parser:
    def __init__(self, tokens: List[_Token]):
        self.tokens, self.pos = tokens, 0

    def peek(self) -> Optional[_Token]:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def need_operand(self, op: _Token) -> None:
        tok = self.peek()
        if tok is None or tok.kind in ("AND", "OR", "RP"):
            raise _error(f"missing term after {op.text!r}", op.column)

    def check_start(self, opener: Optional[_Token]) -> None:
        tok, where = self.peek(), "query" if opener is None else "group"
        if tok is None:
            raise (_error("empty query", None) if opener is None
                   else _error("unbalanced parenthesis", opener.column))
        if tok.kind == "RP":
            raise (_error("unexpected ')'", tok.column) if opener is None
                   else _error("empty group", opener.column))
        if tok.kind in ("AND", "OR"):
            column = f" at column {tok.column}" if opener is not None else ""
            raise QuerySyntaxError(f"{tok.text!r} at start of {where}{column}", tok.column)

    def parse_or(self, depth: int, opener: Optional[_Token] = None) -> Optional[Node]:
        self.check_start(opener)
        items = [self.parse_and(depth)]
        while self.peek() is not None and self.peek().kind == "OR":
            self.need_operand(self.take())
            items.append(self.parse_and(depth))
        return _combine(Or, items)

    def parse_and(self, depth: int) -> Optional[Node]:
        items = [self.parse_unary(depth)]
        while self.peek() is not None and self.peek().kind not in ("OR", "RP"):
            if self.peek().kind == "AND":
                self.need_operand(self.take())
            items.append(self.parse_unary(depth))
        return _combine(And, items)

    def parse_unary(self, depth: int) -> Optional[Node]:
        tok = self.take()
        if tok.kind in ("NOT", "LP") and depth >= MAX_DEPTH:
            raise _error(f"nesting deeper than {MAX_DEPTH} levels", tok.column)
        if tok.kind == "NOT":
            self.need_operand(tok)
            inner = self.parse_unary(depth + 1)
            return None if inner is None else Not(inner)
        if tok.kind == "LP":
            inner = self.parse_or(depth + 1, tok)
            if self.peek() is None:
                raise _error("unbalanced parenthesis", tok.column)
            self.take()
            return inner
        return _leaf(tok)


def _negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, (And, Or)):
        return all(_negative(item) for item in node.items)
    return False


def parse(query: str) -> Node:
    """Parse ``query`` into an AST; raise :class:`QuerySyntaxError` if it is malformed."""
    if not isinstance(query, str):
        raise QuerySyntaxError(f"a query must be a string, not {type(query).__name__}")
    if len(query) > MAX_QUERY_LENGTH:
        raise QuerySyntaxError(
            f"query too long ({len(query)} characters; the limit is {MAX_QUERY_LENGTH})")
    parser = _Parser(_tokenize(clean_query(query)))
    node = parser.parse_or(0)
    if parser.peek() is not None:
        raise _error("unexpected ')'", parser.peek().column)
    if node is None:
        raise QuerySyntaxError("empty query")
    if _negative(node):
        raise QuerySyntaxError("a query cannot be only a negation")
    return node


def uses_operators(query: str) -> bool:
    """True when ``query`` (already parsed without error) says AND, OR, NOT or ``-``."""
    return any(t.kind in ("AND", "OR", "NOT") for t in _tokenize(clean_query(query)))


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _span(lo, hi) -> str:
    if lo is not None and lo == hi:
        return str(lo)
    return f"{'' if lo is None else lo}..{'' if hi is None else hi}"


def describe(node: Node) -> str:
    """A canonical, readable rendering of ``node`` (for ``--explain``)."""
    if isinstance(node, Text):
        return f"{'PHRASE' if node.phrase else 'TEXT'}({_quote(node.value)})"
    if isinstance(node, Field):
        plain = not any(ch.isspace() or ch in '"\\,()=' for ch in node.value)
        return f"FIELD({node.name}={node.value if plain else _quote(node.value)})"
    if isinstance(node, YearRange):
        return f"YEAR({_span(node.lo, node.hi)})"
    if isinstance(node, DateRange):
        return f"DATE({_span(node.lo, node.hi)})"
    if isinstance(node, Not):
        return f"NOT({describe(node.item)})"
    if isinstance(node, (And, Or)):
        inner = ", ".join(describe(item) for item in node.items)
        return f"{'AND' if isinstance(node, And) else 'OR'}({inner})"
    raise TypeError(f"not a query node: {node!r}")
