"""Run a query on an index and return ranked :class:`~ydsearch.models.Hit` objects.

The query is matched as exact set logic (:mod:`.execute`), scored in bulk
(:mod:`.rank`) and only the page asked for is ordered and read from the store
(:mod:`.order`); the total is the exact number of matches.  The same query on
the same index always gives the same order.
"""
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Dict, List, Optional, Sequence

import numpy as np

from . import lang as ql
from ..errors import QuerySyntaxError
from .highlight import find_spans, make_snippet
from ..models import Hit
from .facets import FACETS, FacetCount, order_facet
from .plan import TermPlan, positive_terms
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
    #: For ``--explain``: each exact run looked up, with its matches.
    lookups: List[dict] = field(default_factory=list)
    #: Counts over all matches by year, speaker and meeting (``facets=True``).
    facets: Optional[Dict[str, List[FacetCount]]] = None
    #: Passages ranked after the matches because they match only some of the query.
    related: int = 0

    def __len__(self) -> int:
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)

    def __getitem__(self, i):
        return self.hits[i]

    def to_dict(self, explain: bool = False) -> dict:
        d = {"query": self.query, "parsed": self.parsed, "total": self.total,
             "related": self.related, "offset": self.offset, "limit": self.limit,
             "hits": [h.to_dict() for h in self.hits]}
        if self.facets is not None:
            d["facets"] = {name: [c.to_dict() for c in counts]
                           for name, counts in self.facets.items()}
        if explain:
            d["explain"] = {"terms": [asdict(t) for t in self.terms],
                            "substrings": self.lookups}
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


def _hit(stored: dict, rank: int, score: float, plans, full: bool, snippet_chars: int,
         explain=None) -> Hit:
    from ..pipeline.normalize import normalize

    values = {k: stored.get(k) for k in STORED_FIELDS}
    values["text"] = text = values["text"] or ""
    norm = normalize(text)
    terms = [(p.term, p.phrase, p.words, p.grams, p.expansions) for p in plans]
    spans = find_spans(text, terms, norm) if terms else []
    snippet, sspans = (text, spans) if full else make_snippet(text, spans, snippet_chars)
    return Hit(rank=rank, score=round(float(score), 4), text_simplified=norm.text,
               highlights=spans, snippet=snippet, snippet_highlights=sspans,
               explain=explain or {}, **values)


def _full_node(query: str, filters: dict):
    extra = filter_nodes(**filters)
    node = ql.parse(query) if query and query.strip() else None
    if node is None and not extra:
        raise QuerySyntaxError("empty query")
    return node if not extra else ql.And(tuple(([node] if node else []) + extra))


def _flat_items(node) -> list:
    if isinstance(node, ql.And):
        return [x for item in node.items for x in _flat_items(item)]
    return [node]


#: A paragraph that matches none of the terms but holds at least this share of
#: one term's characters, or one of its words, is a related passage, ranked
#: after the matches.
RELATED_COVERAGE = 0.5


class Matches:
    """What a query matches, one boolean array per segment of a view.

    ``masks``: the strict matches (every term, as :mod:`.execute` defines a
    term's match; filters, phrases and operators exactly), which ``total``,
    ``--count``, ``trend`` and the facets count.  ``candidates``: also the
    paragraphs that match only some of the terms or only part of a term --
    ranked after the strict matches, so that a question never comes back empty
    while related passages exist.  Filters, negations (``-示范区``,
    ``NOT 示范区``) and quoted phrases hold for those too; what is relaxed is
    the unquoted terms, also under ``AND`` and ``OR``.
    """

    def __init__(self, index, query: str, filters: dict):
        from .execute import Matcher
        from .intent import split_speaker_terms

        self.view = index.view()
        self.matcher = Matcher(self.view, index.segmenter, self.view.speaker_names(),
                               index.lexicon)
        self.node = split_speaker_terms(_full_node(query, filters), self.matcher)
        self.masks = self.matcher.matches(self.node)
        self.plans = [self.matcher.plan(t) for t in dict.fromkeys(positive_terms(self.node))]
        #: related passages follow the matches (any query with an unquoted term)
        self.relaxed = any(not p.phrase for p in self.plans)
        #: the parts of the query that hold for related passages too: filters,
        #: negations, anything without a positive term
        self._constraints = [x for x in _flat_items(self.node) if not positive_terms(x)]

    @cached_property
    def candidates(self) -> List[np.ndarray]:
        """The matches, and for a relaxed query the related passages (computed
        only when ranking asks: counts, ``trend`` and ``speakers`` need the masks)."""
        return self._related() if self.relaxed else self.masks

    @cached_property
    def allowed(self) -> List[np.ndarray]:
        """Per segment: the live paragraphs the query's filters admit."""
        m, out = self.matcher, []
        for i, s in enumerate(self.view.segments):
            keep = s.live.copy()
            for f in self._constraints:
                keep &= m.mask(f, i)
            out.append(keep)
        return out

    def _related(self) -> List[np.ndarray]:
        m, out = self.matcher, []
        for i, s in enumerate(self.view.segments):
            keep = self.allowed[i]
            some = np.zeros(s.ndocs, dtype=bool)
            for plan in self.plans:
                some |= m.term_matches(i, plan)
                if plan.phrase:           # quoted: exactly, never by parts
                    continue
                some |= m.coverage(i, plan) >= RELATED_COVERAGE
                for w in plan.words:
                    if len(w) >= 2:
                        some |= m.word(i, "words", w) > 0
            out.append(keep & (some | self.masks[i]))
        return out

    @property
    def total(self) -> int:
        return int(sum(int(m.sum()) for m in self.masks))

    @property
    def related(self) -> int:
        """Paragraphs ranked after the matches, for matching only some of the query."""
        if not self.relaxed:
            return 0
        return int(sum(int(c.sum()) for c in self.candidates)) - self.total

    def facets(self, names=FACETS) -> Dict[str, List[FacetCount]]:
        """Counts by year, speaker and meeting over every (strict) match."""
        out = {}
        for name in names:
            counts: Dict[object, int] = {}
            for s, m in zip(self.view.segments, self.masks):
                if name == "year":
                    values, n = np.unique(s.column("year")[m], return_counts=True)
                    pairs = [(int(v), int(c)) for v, c in zip(values, n) if v]
                else:
                    codes = s.sub.codes(name)[m]
                    n = np.bincount(codes[codes >= 0], minlength=0)
                    table = s.sub.table(name)
                    pairs = [(table[c], int(k)) for c, k in enumerate(n.tolist()) if k]
                for v, c in pairs:
                    counts[v] = counts.get(v, 0) + c
            out[name] = order_facet(name, counts)
        return out


def count_matches(index, query: str, **filters) -> int:
    """The number of paragraphs matching ``query`` and the filters."""
    return Matches(index, query, filters).total


def _add_feedback(matches: Matches, ranking) -> None:
    """Related passages found by the words of the best matches (:mod:`.feedback`)."""
    from .feedback import feedback

    found = feedback(matches, ranking)
    if found is None:
        return
    signal, extra = found
    for i in range(len(signal)):
        signal[i] = np.where(ranking.matched[i] > 0, 0.0, signal[i]).astype(np.float32)
        ranking.scores[i] = ranking.scores[i] + signal[i]      # the tail only
        matches.candidates[i] = matches.candidates[i] | (extra[i] & matches.allowed[i])
    ranking.signals["feedback"] = signal


def run_search(index, query: str, *, limit: int = 10, offset: int = 0, full: bool = False,
               snippet_chars: int = 160, facets: bool = False, explain: bool = False,
               **filters) -> SearchResult:
    """Search ``index``; ``filters`` are speaker, year, date_from, date_to, city,
    province, meeting, kind, source (ANDed with the query); ``facets=True`` adds
    counts by year, speaker and meeting over all matches; ``explain=True`` gives
    each hit the contribution of every ranking signal (``Hit.explain``)."""
    from .order import page
    from .rank import Ranker

    if limit < 0 or offset < 0 or limit > MAX_LIMIT:
        raise QuerySyntaxError(f"limit must be 0..{MAX_LIMIT} and offset >= 0")
    matches = Matches(index, query, filters)
    view, m, plans = matches.view, matches.matcher, matches.plans
    ranking = Ranker(m, plans, detail=False).rank(matches.node) if plans else None
    if explain and ranking is not None:       # each signal apart; the order is the sums'
        ranking.signals = Ranker(m, plans).rank(matches.node).signals
    _add_feedback(matches, ranking)
    ranked = page(view, matches.candidates, ranking, offset, offset + limit)
    hits = []
    for r, (i, d, sc) in enumerate(ranked, start=1):
        parts = {name: x for name, x in ((name, round(float(v[i][d]), 4))
                                         for name, v in ranking.signals.items()) if x} \
            if explain and ranking is not None else None
        hits.append(_hit(view.segments[i].stored(d), offset + r, sc, plans, full,
                         snippet_chars, parts))
    lookups = [{"text": run, "paragraphs": m.doc_frequency("sub", run)}
               for p in plans for run in dict.fromkeys(p.runs)]
    return SearchResult(query=query, parsed=ql.describe(matches.node), total=matches.total,
                        related=matches.related, offset=offset, limit=limit, hits=hits,
                        terms=plans, lookups=lookups,
                        facets=matches.facets() if facets else None)
