"""The JSON API: the same objects as the CLI's ``--json``.

* ``/api/search`` — ``ydsearch query --json``: ``SearchResult.to_dict()``; with
  ``explain=1`` its ``explain``, with ``context=N`` each hit's ``context``, with
  ``facets=1`` the ``facets`` of ``Index.search(facets=True)``;
* ``/api/p/<id>`` — ``ydsearch show ID --json``;
* ``/api/meetings``, ``/api/speakers`` (``all=1``), ``/api/trend`` (``by=year|speaker``)
  — ``ydsearch meetings|speakers|trend --json``.

Errors are ``{"error": message, "status": code}`` (``param`` and ``column`` when a
parameter or a query position is at fault) with the HTTP status: 400, 404, 503.
"""
from contextlib import contextmanager

from flask import Blueprint, request

from .. import browse
from ..errors import QuerySyntaxError
from .app import json_response, open_index
from .params import (API_MAX_LIMIT, API_MAX_OFFSET, MAX_CONTEXT, MAX_PAGE, ParamError,
                     choice_param, flag_param, int_param, search_request)

api = Blueprint("api", __name__, url_prefix="/api")


@api.get("/search")
def search():
    req = search_request(request.args, page=False)
    if req.error:
        raise req.error
    limit = int_param(request.args, "limit", 10, 0, API_MAX_LIMIT)
    offset = int_param(request.args, "offset", 0, 0, API_MAX_OFFSET)
    page = int_param(request.args, "page", 0, 1, MAX_PAGE)
    if page and request.args.get("offset"):
        raise ParamError("page", "use either offset or page, not both")
    if page:
        offset = min((page - 1) * limit, API_MAX_OFFSET)
    explain = flag_param(request.args, "explain")
    context = int_param(request.args, "context", 0, 0, MAX_CONTEXT)
    full, facets = flag_param(request.args, "full"), flag_param(request.args, "facets")
    ix = open_index()
    with query_errors():
        res = ix.search(req.q, limit=limit, offset=offset, full=full, facets=facets,
                        explain=explain, **req.library_filters)
    data = res.to_dict(explain=explain)
    if context:
        for hit, d in zip(res, data["hits"]):
            before, after = browse.neighbours(ix, hit.doc_id, hit.index, context)
            d["context"] = {"before": before, "after": after}
    return json_response(data)


@api.get("/p/<path:pid>")
def passage(pid):
    context = int_param(request.args, "context", 2, 0, MAX_CONTEXT)
    return json_response(browse.show(open_index(), pid, context=context).to_dict())


@api.get("/meetings")
def meetings():
    return json_response([m.to_dict() for m in browse.meetings(open_index())])


@api.get("/speakers")
def speakers():
    rows = browse.speakers(open_index(), include_collective=flag_param(request.args, "all"))
    return json_response([s.to_dict() for s in rows])


@api.get("/trend")
def trend():
    req = search_request(request.args, page=False)
    if req.error:
        raise req.error
    by = choice_param(request.args, "by", ("year", "speaker"), "year")
    ix = open_index()
    with query_errors():
        result = browse.trend(ix, req.q, by=by, **req.library_filters)
    return json_response(result.to_dict())


@contextmanager
def query_errors():
    """A syntax error left after the filters were checked is the query's (``q``)."""
    try:
        yield
    except ParamError:
        raise
    except QuerySyntaxError as e:
        raise ParamError("q", str(e), e.column) from None
