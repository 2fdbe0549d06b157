"""The HTML pages: search (``/``), one passage (``/p/<id>``), ``/meetings``, ``/speakers``.

Each page is one library call plus a template: ``Index.search(…, facets=True)``
for the search page (hits, total, facets; the chart is drawn from the facets),
``browse.show`` for a passage, ``browse.meetings`` and ``browse.speakers`` for
the lists.  Parameters are those of the CLI (see :mod:`.params`).
"""
from flask import Blueprint, redirect, render_template, request, url_for

from .. import browse
from ..errors import QuerySyntaxError
from .app import open_index
from .chart import speaker_chart, year_chart
from .params import (MAX_CONTEXT, MAX_PAGE, PAGE_SIZE, ParamError, choice_param, flag_param,
                     int_param, search_request)
from .view import (KIND_LABELS, Links, active_filters, hit_view, page_numbers, paragraph_text,
                   safe_url)

pages = Blueprint("pages", __name__)
FACET_ROWS = 12          # values shown per facet (years: all)
EXAMPLES = ("生态绿色", "科技创新 speaker:李强", '"一体化示范区"', "长三角 -疫情",
            "一网通办 OR 最多跑一次", "一体化 year:2019..2020")


def _page(template: str, status: int = 200, **context):
    return render_template(template, **context), status


@pages.get("/")
def search():
    req = search_request(request.args)
    blanks = [k for k, v in request.args.items(multi=True) if not v.strip()]
    if blanks and not req.error:           # a form sent without JavaScript: tidy the URL
        return redirect(Links(url_for("pages.search"), req.params())(page=req.page
                                                                     if req.page > 1 else None))
    links = Links(url_for("pages.search"), req.params())
    base = dict(req=req, links=links, kinds=KIND_LABELS, examples=EXAMPLES,
                filters=active_filters(req.filters, links))
    if req.error:
        return _page("search.html", 400, error=req.error, **base)
    ix = open_index()
    if req.empty:
        return _page("search.html", paragraphs=ix.doc_count(), **base)
    try:
        res = ix.search(req.q, limit=PAGE_SIZE, offset=(req.page - 1) * PAGE_SIZE,
                        facets=True, **req.library_filters)
    except QuerySyntaxError as e:
        return _page("search.html", 400, error=ParamError("q", str(e), e.column), **base)
    simplified = req.script == "simplified"
    facets = _facets(res.facets or {}, req, links)
    pages_total = min(MAX_PAGE, -(-res.total // PAGE_SIZE))
    return _page("search.html", res=res, hits=[hit_view(h, simplified) for h in res],
                 facets=facets, chart=_chart(res, req, links),
                 page_list=page_numbers(req.page, pages_total), pages_total=pages_total,
                 **base)


def _facets(facets, req, links):
    """Per facet: rows of value, count, link (a chosen value's link drops it), chosen."""
    out = {}
    for name, counts in facets.items():
        rows = counts if name == "year" else counts[:FACET_ROWS]
        out[name] = {
            "rows": [{"value": c.value, "count": c.count,
                      "chosen": req.filters.get(name) == str(c.value),
                      "href": links(**{name: None if req.filters.get(name) == str(c.value)
                                       else c.value})} for c in rows],
            "more": len(counts) - len(rows)}
    return out


def _chart(res, req, links):
    facets = res.facets or {}
    if req.chart == "speaker":
        counts = [(c.value, c.count) for c in facets.get("speaker", [])]
        return speaker_chart(counts, res.total, lambda v: links(speaker=v, chart="speaker"),
                             req.filters.get("speaker"))
    counts = [(c.value, c.count) for c in facets.get("year", [])]
    return year_chart(counts, res.total, lambda v: links(year=v), req.filters.get("year"))


@pages.get("/p/<path:pid>")
def passage(pid):
    context = int_param(request.args, "context", 2, 0, MAX_CONTEXT)
    script = choice_param(request.args, "script", ("original", "simplified"), "original")
    shown = browse.show(open_index(), pid, context=context)
    simplified = script == "simplified"
    params = {k: v for k, v in (("context", str(context) if context != 2 else ""),
                                ("script", script if simplified else "")) if v}
    paragraphs = [dict(p, shown_text=paragraph_text(p, simplified)) for p in shown.paragraphs]
    doc = shown.document
    return _page("passage.html", shown=shown, doc=doc, paragraphs=paragraphs,
                 url=safe_url(doc.get("url")), links=Links(url_for("pages.passage", pid=pid), params),
                 script=script, context=context, max_context=MAX_CONTEXT, kinds=KIND_LABELS)


@pages.get("/meetings")
def meetings():
    rows = browse.meetings(open_index())
    return _page("meetings.html", rows=rows, documents=sum(len(m.documents) for m in rows))


@pages.get("/speakers")
def speakers():
    include_all = flag_param(request.args, "all")
    return _page("speakers.html", rows=browse.speakers(open_index(), include_collective=include_all),
                 include_all=include_all)

