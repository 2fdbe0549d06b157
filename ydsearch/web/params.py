"""Request parameters: read, bounded and validated before the library sees them.

The parameter names are the CLI's option names (``q`` is the query): ``speaker``,
``year`` (``2019`` or ``2019..2021``), ``from`` and ``to`` (dates), ``city``,
``province``, ``meeting``, ``kind``, ``page``; the API adds ``limit``,
``offset``, ``full``, ``facets``, ``explain`` and ``context``.  Every value is
bounded; a bad one raises :class:`ParamError` (a ``QuerySyntaxError``) naming
the parameter, which the pages show beside the field and the API returns as
HTTP 400.
"""
import re
from dataclasses import dataclass, field
from typing import Dict, Mapping, Optional

from ..errors import QuerySyntaxError

#: URL parameter -> keyword of ``Index.search`` (and ``browse.trend``).
FILTERS = {"speaker": "speaker", "year": "year", "from": "date_from", "to": "date_to",
           "city": "city", "province": "province", "meeting": "meeting", "kind": "kind"}
KINDS = ("body", "heading", "caption")
MAX_QUERY = 2000        # characters of ``q``: the query language's own limit
MAX_VALUE = 200         # characters of any other parameter
PAGE_SIZE = 10          # passages per page
MAX_PAGE = 1000         # pages of PAGE_SIZE: the library ranks at most 10,000 passages
API_MAX_LIMIT = 100     # passages per API call
API_MAX_OFFSET = 10_000 - API_MAX_LIMIT
MAX_CONTEXT = 20        # neighbouring paragraphs each side


class ParamError(QuerySyntaxError):
    """A request parameter is malformed or out of bounds; ``param`` names it."""

    def __init__(self, param: str, message: str, column: Optional[int] = None):
        super().__init__(message, column)
        self.param = param


@dataclass(frozen=True)
class SearchRequest:
    """What the search page and ``/api/search`` were asked for."""

    q: str = ""
    filters: Dict[str, str] = field(default_factory=dict)   # URL name -> value
    page: int = 1
    script: str = "original"          # or "simplified"
    chart: str = "year"               # or "speaker"
    error: Optional[ParamError] = None  # the first bad parameter, if any

    @property
    def library_filters(self) -> Dict[str, str]:
        return {FILTERS[k]: v for k, v in self.filters.items()}

    @property
    def empty(self) -> bool:
        return not self.q and not self.filters

    def params(self) -> Dict[str, str]:
        """The request as URL parameters (defaults left out), in a stable order."""
        out = {"q": self.q} if self.q else {}
        out.update(self.filters)
        if self.script != "original":
            out["script"] = self.script
        if self.chart != "year":
            out["chart"] = self.chart
        if self.page != 1:
            out["page"] = str(self.page)
        return out


def text_param(args: Mapping, name: str, limit: int = MAX_VALUE) -> str:
    value = (args.get(name) or "").strip()
    if len(value) > limit:
        raise ParamError(name, f"{name} is {len(value)} characters long; the limit is {limit}")
    return value


def int_param(args: Mapping, name: str, default: int, lo: int, hi: int) -> int:
    raw = text_param(args, name)
    if not raw:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", raw) or not lo <= int(raw) <= hi:
        raise ParamError(name, f"{name} must be a whole number from {lo} to {hi} (got {raw!r})")
    return int(raw)


def flag_param(args: Mapping, name: str) -> bool:
    raw = text_param(args, name).lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ParamError(name, f"{name} must be 1 or 0 (got {raw!r})")


def choice_param(args: Mapping, name: str, choices, default: str) -> str:
    raw = text_param(args, name)
    if not raw:
        return default
    if raw not in choices:
        raise ParamError(name, f"{name} must be one of {', '.join(choices)} (got {raw!r})")
    return raw


def check_filters(filters: Dict[str, str]) -> None:
    """Validate each filter on its own, so an error names its parameter."""
    from ..query.search import filter_nodes

    for name, value in filters.items():
        if name == "kind" and value not in KINDS:
            raise ParamError(name, f"kind must be one of {', '.join(KINDS)} (got {value!r})")
        try:
            filter_nodes(**{FILTERS[name]: value})
        except QuerySyntaxError as e:
            message = re.sub(r" at column \d+", "", str(e))
            raise ParamError(name, f"{name} {value}: {message}") from None


def search_request(args: Mapping, page: bool = True) -> SearchRequest:
    """Read the search parameters from ``args`` (a request's query string).

    Never raises: the values are kept as given (so a form can show them again)
    and the first problem found is in ``SearchRequest.error``.  ``page=False``
    (the API) leaves out what only the page reads: ``page``, ``script``, ``chart``.
    """
    errors = []

    def attempt(read, default):
        try:
            return read()
        except ParamError as e:
            errors.append(e)
            return default

    filters = {}
    for name in FILTERS:
        value = (args.get(name) or "").strip()
        if value:
            filters[name] = value
    q = (args.get("q") or "").strip()
    if len(q) > MAX_QUERY:
        errors.append(ParamError("q", f"the query is {len(q)} characters long; "
                                      f"the limit is {MAX_QUERY}"))
    for name, value in filters.items():
        attempt(lambda: check_filters({name: value}) if len(value) <= MAX_VALUE else
                text_param(args, name), None)
    if not errors and "from" in filters and "to" in filters:
        attempt(lambda: check_date_range(filters["from"], filters["to"]), None)
    if not page:
        return SearchRequest(q=q, filters=filters, error=errors[0] if errors else None)
    return SearchRequest(
        q=q, filters=filters,
        page=attempt(lambda: int_param(args, "page", 1, 1, MAX_PAGE), 1),
        script=attempt(lambda: choice_param(args, "script", ("original", "simplified"),
                                            "original"), "original"),
        chart=attempt(lambda: choice_param(args, "chart", ("year", "speaker"), "year"), "year"),
        error=errors[0] if errors else None)


def check_date_range(date_from: str, date_to: str) -> None:
    from ..query.search import filter_nodes

    try:
        filter_nodes(date_from=date_from, date_to=date_to)
    except QuerySyntaxError:
        raise ParamError("from", f"from {date_from} is after to {date_to}") from None
