"""Filter values that help: normalised to the values the index holds, and
"did you mean" suggestions when a value matches nothing.

The exact-value filters (``speaker``, ``city``, ``province``, ``source``) must
equal a stored value.  A value typed differently from the stored one is mapped
onto it when the difference is only one of form:

* script and width (``李強`` → ``李强``; ``normalize``, as the query language does);
* an administrative suffix: ``芜湖市`` → ``芜湖``, ``安徽省`` → ``安徽`` (and the
  other way, ``芜湖`` → ``芜湖市``, for an index fed with suffixed metadata).

A value that still matches nothing gets suggestions: the stored values at the
smallest edit distance (one or two characters), or that contain it or are
contained in it (``习近平总书记`` → ``习近平``), most frequent first.  The
``meeting`` filter matches words of the meeting name; when it matches nothing
the suggestions are meeting names that share the most characters with it.

Everything here reads the index (``Index.searcher()``) and is meant for any
front end: the command line prints ``did you mean 李锦斌?``, the web page can
show links.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Tuple

#: Filters whose value must equal a stored value, and their index field.
EXACT_FIELDS = ("speaker", "city", "province", "source")
SUFFIXES = {"city": ("市",), "province": ("省", "市")}
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class UnknownValue:
    """A filter value that matches no passage, with the closest existing values."""

    name: str                      # the filter: speaker, city, province, source, meeting
    value: str                     # as given
    suggestions: Tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"filter": self.name, "value": self.value, "suggestions": list(self.suggestions)}


@dataclass
class ResolvedFilters:
    """Filters as they will be searched, and what was changed or not found."""

    filters: Dict[str, object]
    #: (filter, value given, value used) for values mapped onto a stored form.
    changed: List[Tuple[str, str, str]] = field(default_factory=list)
    unknown: List[UnknownValue] = field(default_factory=list)


def _norm(value: str) -> str:
    from ..pipeline.normalize import normalize

    return normalize(str(value)).text.strip()


def _reader(index):
    return index.searcher().reader()


def _frequency(index, name: str, value: str) -> int:
    if not value:
        return 0
    return _reader(index).doc_frequency(name, value)


def field_values(index, name: str) -> Dict[str, int]:
    """``{value: paragraphs}`` of an exact-value field (``speaker``, ``city``…)."""
    if name not in EXACT_FIELDS:
        raise ValueError(f"{name!r} is not an exact-value filter ({', '.join(EXACT_FIELDS)})")
    reader = _reader(index)
    out = {}
    for term in reader.lexicon(name):
        text = term.decode("utf-8") if isinstance(term, bytes) else str(term)
        out[text] = reader.doc_frequency(name, term)
    return out


def variants(name: str, value: str) -> List[str]:
    """Other forms of ``value`` that mean the same place (suffix dropped or added)."""
    out = []
    for suffix in SUFFIXES.get(name, ()):
        if value.endswith(suffix) and len(value) > len(suffix) + 1:
            out.append(value[: -len(suffix)])
        elif not value.endswith(suffix):
            out.append(value + suffix)
    return out


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings (characters)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def closest(values: Dict[str, int], typed: str, n: int = MAX_SUGGESTIONS) -> List[str]:
    """The values nearest to ``typed``: containing or contained (0), then at edit
    distance 1 (2 for values of five or more characters); most frequent first."""
    limit = 1 if len(typed) < 5 else 2
    scored = []
    for value, count in values.items():
        if not value or value == typed:
            continue
        if len(typed) >= 2 and (typed in value or value in typed) and len(value) >= 2:
            rank = 0
        else:
            d = edit_distance(typed, value)
            if d > limit or d >= max(len(typed), len(value)):
                continue
            rank = d
        scored.append((rank, -count, value))
    return [v for _, _, v in sorted(scored)[:n]]


def meeting_names(index) -> Dict[str, int]:
    """``{meeting name: documents}`` of every document that names its meeting
    (counted on each document's first paragraph)."""
    import numpy as np

    out: Dict[str, int] = {}
    for s in index.view().segments:
        codes = s.sub.codes("meeting")[(s.column("pindex") == 0) & s.live]
        table = s.sub.table("meeting")
        for code, n in enumerate(np.bincount(codes[codes >= 0], minlength=0).tolist()):
            if n:
                out[table[code]] = out.get(table[code], 0) + n
    return out


def similar_names(names: Dict[str, int], typed: str, n: int = MAX_SUGGESTIONS) -> List[str]:
    """Meeting names sharing the largest share of ``typed``'s characters (at least half)."""
    chars = set(typed)
    if not chars:
        return []
    scored = []
    for name, count in names.items():
        share = len(chars & set(name)) / len(chars)
        if share >= 0.5:
            scored.append((-share, -count, name))
    return [name for _, _, name in sorted(scored)[:n]]


def _meeting_matches(index, value: str) -> bool:
    return index.count("", meeting=value) > 0


def resolve_filters(index, **filters) -> ResolvedFilters:
    """Map each exact-value filter onto the form the index holds, and list the
    values (``meeting`` too) that match no passage at all, with suggestions.

    Other filters (year, dates, kind) pass through unchanged; values are not
    validated here (the search does that, with its own error messages).
    """
    out = ResolvedFilters(filters=dict(filters))
    for name in EXACT_FIELDS:
        given = filters.get(name)
        if given in (None, ""):
            continue
        value = _norm(given)
        if _frequency(index, name, value):
            out.filters[name] = value
            continue
        hit = next((v for v in variants(name, value) if _frequency(index, name, v)), None)
        if hit is not None:
            out.filters[name] = hit
            out.changed.append((name, str(given), hit))
            continue
        out.unknown.append(UnknownValue(name, str(given),
                                        tuple(closest(field_values(index, name), value))))
    meeting = filters.get("meeting")
    if meeting not in (None, "") and not _meeting_matches(index, str(meeting)):
        out.unknown.append(UnknownValue("meeting", str(meeting),
                                        tuple(similar_names(meeting_names(index),
                                                            _norm(meeting)))))
    return out


def unknown_query_fields(index, query: str) -> List[UnknownValue]:
    """Exact-value fields inside a query string (``speaker:李锦彬``) whose value is
    not in the index, with suggestions.  A query that does not parse gives []."""
    from ..errors import QuerySyntaxError
    from . import lang as ql

    try:
        node = ql.parse(query) if query and query.strip() else None
    except QuerySyntaxError:
        return []
    found = []
    for leaf in _fields(node):
        if leaf.name in EXACT_FIELDS and not _frequency(index, leaf.name, leaf.value):
            found.append(UnknownValue(leaf.name, leaf.value,
                                      tuple(closest(field_values(index, leaf.name), leaf.value))))
    return found


def _fields(node) -> list:
    from . import lang as ql

    if isinstance(node, ql.Field):
        return [node]
    if isinstance(node, (ql.And, ql.Or)):
        return [f for item in node.items for f in _fields(item)]
    if isinstance(node, ql.Not):
        return []
    return []


def describe_unknown(unknown: UnknownValue) -> str:
    """``no speaker 李锦彬 in the index; did you mean 李锦斌?`` (one clause)."""
    text = f"no {unknown.name} {unknown.value} in the index"
    if unknown.suggestions:
        text += "; did you mean " + " or ".join(unknown.suggestions) + "?"
    return text
