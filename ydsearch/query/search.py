"""Run a query on an index and return ranked :class:`~ydsearch.models.Hit` objects.

Ranking is BM25F over the word field, with the exact-sequence bonus and the
bigram safety net of :mod:`ydsearch.queryplan`.  Ties are broken by paragraph
id, so the same query on the same index always gives the same order.
"""
from dataclasses import asdict, dataclass, field
from typing import Dict, List, Optional, Sequence

from . import lang as ql
from ..errors import QuerySyntaxError
from .highlight import find_spans, make_snippet
from ..models import Hit
from .facets import FACETS, FacetCount, count_facets
from .plan import TermPlan, compile_query, plan_terms
from ..engine.schema import STORED_FIELDS

MAX_LIMIT = 10_000


@dataclass
class SearchResult(Sequence[Hit]):
    """A page of hits, the total number of matching paragraphs, and the parsed query.

    It is a sequence of its hits: ``len(result)``, ``for hit in result`` and
    ``result[0]`` see this page; ``result.total`` counts every match.
    """

    query: str
    parsed: str
    total: int
    offset: int
    limit: int
    hits: List[Hit] = field(default_factory=list)
    terms: List[TermPlan] = field(default_factory=list)
    whoosh_query: str = ""
    #: Counts over all matches by year, speaker and meeting (``facets=True``).
    facets: Optional[Dict[str, List[FacetCount]]] = None

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def to_dict(self, explain: bool = False) -> dict:
        d = {"query": self.query, "parsed": self.parsed, "total": self.total,
             "offset": self.offset, "limit": self.limit,
             "hits": [h.to_dict() for h in self.hits]}
        if self.facets is not None:
            d["facets"] = {name: [c.to_dict() for c in counts]
                           for name, counts in self.facets.items()}
        if explain:
            d["explain"] = {"terms": [asdict(t) for t in self.terms],
                            "whoosh": self.whoosh_query}
        return d


def filter_nodes(speaker=None, year=None, date_from=None, date_to=None, city=None,
                  province=None, meeting=None, kind=None, source=None) -> list:
    """CLI/library filter options, parsed by the query language so they validate alike."""
    nodes = []
    for name, value in (("speaker", speaker), ("city", city), ("province", province),
                        ("meeting", meeting), ("kind", kind), ("source", source)):
        if value:
            nodes.append(ql.Field(name, ql.parse(f'{name}:"{_quote(value)}"').value, 0))
    if year is not None:
        text = f"{year[0] or ''}..{year[1] or ''}" if isinstance(year, tuple) else str(year)
        nodes.append(_single(ql.parse(f"year:{text}"), "--year"))
    if date_from or date_to:
        nodes.append(_date_range(date_from, date_to))
    return nodes


def _quote(value: str) -> str:
    if '"' in str(value):
        raise QuerySyntaxError(f"filter value {value!r} may not contain a double quote")
    return str(value)


def _single(node, option):
    if isinstance(node, (ql.And, ql.Or, ql.Not)):
        raise QuerySyntaxError(f"{option} expects a single value or range")
    return node


def _date_range(date_from, date_to):
    lo = ql.parse(f"date:{date_from}").lo if date_from else None
    hi = ql.parse(f"date:{date_to}").hi if date_to else None
    if lo and hi and lo > hi:
        raise QuerySyntaxError(f"--from {date_from} is after --to {date_to}")
    return ql.DateRange(lo, hi, 0)


def _stored_hit(stored: dict, rank: int, score: float) -> dict:
    values = {k: stored.get(k) for k in STORED_FIELDS}
    values["text"] = values["text"] or ""
    return dict(values, rank=rank, score=round(float(score), 4))


def _ranked(searcher, wquery, n: int):
    """The top ``n`` matches ordered by score, ties broken by paragraph id.

    whoosh's own top-N keeps the highest scores and breaks ties by internal
    document number, which changes when an index is rebuilt; so one more hit
    than needed is fetched, and while the last place is tied, more, until the
    tied group is whole; then the ties are ordered by id.
    """
    k = n + 1
    while True:
        results = searcher.search(wquery, limit=k, terms=False)
        got = results.scored_length()
        if got < k or _key(results.score(k - 1)) != _key(results.score(n - 1)):
            break
        k *= 2
    ids = {i: searcher.stored_fields(results.docnum(i))["id"] for i in range(got)}
    order = sorted(range(got), key=lambda i: (-_key(results.score(i)), ids[i]))
    return results, [(results.score(i), i) for i in order[:n]]


def _key(score) -> float:
    return round(float(score or 0.0), 6)


def _full_node(query: str, filters: dict):
    extra = filter_nodes(**filters)
    node = ql.parse(query) if query and query.strip() else None
    if node is None and not extra:
        raise QuerySyntaxError("empty query")
    return node if not extra else ql.And(tuple(([node] if node else []) + extra))


def count_matches(index, query: str, **filters) -> int:
    """The number of paragraphs matching ``query`` and the filters."""
    wquery = compile_query(_full_node(query, filters), index.segmenter)
    return len(index.searcher().search(wquery, limit=1, terms=False))


def _facets(searcher, wquery) -> Dict[str, List[FacetCount]]:
    results = searcher.search(wquery, limit=None, scored=False, terms=False)
    return count_facets(searcher.stored_fields(d) for d in results.docs())


def run_search(index, query: str, *, limit: int = 10, offset: int = 0, full: bool = False,
               snippet_chars: int = 160, facets: bool = False, **filters) -> SearchResult:
    """Search ``index``; ``filters`` are speaker, year, date_from, date_to, city,
    province, meeting, kind, source (ANDed with the query); ``facets=True`` adds
    counts by year, speaker and meeting over all matches."""
    from ..pipeline.normalize import normalize

    if limit < 0 or offset < 0 or limit > MAX_LIMIT:
        raise QuerySyntaxError(f"limit must be 0..{MAX_LIMIT} and offset >= 0")
    full_node = _full_node(query, filters)
    seg = index.segmenter
    wquery = compile_query(full_node, seg)
    plans = plan_terms(full_node, seg)
    searcher = index.searcher()
    results, order = _ranked(searcher, wquery, offset + max(limit, 1))
    total = len(results)
    hits = []
    terms = [(p.term, p.phrase, p.words) for p in plans]
    for rank, (score, i) in enumerate(order[offset:offset + limit], start=offset + 1):
        values = _stored_hit(results[i].fields(), rank, score)
        text = values["text"]
        norm = normalize(text)
        spans = find_spans(text, terms, norm) if terms else []
        snippet, sspans = (text, spans) if full else make_snippet(text, spans, snippet_chars)
        hits.append(Hit(text_simplified=norm.text, highlights=spans,
                        snippet=snippet, snippet_highlights=sspans, **values))
    return SearchResult(query=query, parsed=ql.describe(full_node), total=total,
                        offset=offset, limit=limit, hits=hits, terms=plans,
                        whoosh_query=str(wquery),
                        facets=_facets(searcher, wquery) if facets else None)
