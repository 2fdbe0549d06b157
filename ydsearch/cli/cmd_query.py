"""``ydsearch query``: ranked passages, as text, JSON, JSON Lines, CSV, TSV or Markdown."""
import json

import click

from .common import CONTEXT, index_option, info, open_index, plural, style, width
from .queryargs import (WordsCommand, filter_options, no_match_message, query_text,
                        resolved_filters, words_argument)
from .output import Output, chosen_format, format_options


@click.command(cls=WordsCommand, context_settings=CONTEXT)
@words_argument()
@filter_options
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(0, 10000),
              help="Passages per page.")
@click.option("--offset", type=click.IntRange(min=0), help="Skip this many passages.")
@click.option("--page", type=click.IntRange(min=1), help="Page number (of --limit passages).")
@click.option("--count", "count_only", is_flag=True,
              help="Print only the number of matching passages (the matches, not the "
                   "related passages ranked after them).")
@click.option("--facets", is_flag=True,
              help="Also count all matches by year, speaker and meeting.")
@click.option("--full", is_flag=True, help="Whole paragraphs instead of snippets.")
@click.option("-C", "--context", default=0, type=click.IntRange(0, 50), metavar="N",
              help="Show N neighbouring paragraphs before and after each passage.")
@click.option("--script", type=click.Choice(["original", "simplified"]), default="original",
              show_default=True, help="Show passages as published, or in Simplified script.")
@click.option("--no-highlight", is_flag=True, help="Do not mark the matched words.")
@click.option("--explain", is_flag=True,
              help="Show how the query was parsed, segmented and compiled (stderr).")
@format_options(json_help="Print the results as JSON (= -f json).")
@index_option
@click.pass_context
def query(ctx, words, limit, offset, page, count_only, facets, full, context, script,
          no_highlight, explain, as_json, fmt, output, **kw):
    """Find passages matching QUERY, best first.

    The words of QUERY need no quotes (ydsearch query 生态绿色 示范区); a word
    starting with - is left out (ydsearch query 长三角 -疫情).

    \b
    Examples:
      ydsearch query 生态绿色
      ydsearch query 科技创新 --speaker 李强 --year 2019
      ydsearch query '"示范区" OR 一体化' --from 2020-06 --to 2021 -n 5 --page 2
      ydsearch query 长三角 -疫情 --count --facets
      ydsearch query 一体化 -n 100 -f csv -o passages.csv
      ydsearch query 长三角 --context 1 --script simplified
      ydsearch query 一体化 --json --explain
    """
    q = query_text(words)
    fmt = chosen_format(ctx, fmt, as_json)
    if offset is not None and page is not None:
        raise click.UsageError("use either --offset or --page, not both", ctx)
    if count_only and fmt not in ("text", "json"):
        raise click.UsageError(f"--count prints a number: use it with -f text or json, "
                               f"not -f {fmt}", ctx)
    if facets and fmt in ("csv", "tsv", "jsonl"):
        raise click.UsageError(f"--facets is shown with -f text, json or md, not -f {fmt}", ctx)
    start = offset if offset is not None else ((page or 1) - 1) * limit
    ix = open_index(ctx)
    resolved = resolved_filters(ix, kw)
    if count_only and not facets and fmt == "text" and not explain:
        total = ix.count(q, **resolved.filters)
        with Output(output, fmt) as out:
            out.write(f"{total}\n")
        if not total:
            info(no_match_message(ix, q, kw, resolved, "try fewer words or --explain"))
        return
    if count_only:
        limit, start = 0, 0
    res = ix.search(q, limit=limit, offset=start, full=full, facets=facets, explain=explain,
                    **resolved.filters)
    if explain and fmt != "json":
        from .render import explain_lines

        info("\n".join(explain_lines(res)))
    st = style(ctx, no_highlight, to_terminal=output in (None, "-"))
    with Output(output, fmt, colour=st.colour) as out:
        if count_only:
            _write_count(out, fmt, res, facets)
        else:
            _write_hits(ctx, out, fmt, ix, res, context, full, script == "simplified", st,
                        explain)
    if not res.total and not res.related:
        info(no_match_message(ix, q, kw, resolved, "try fewer words or --explain"))
    elif not count_only:
        shown = (f"showing {start + 1}–{start + len(res.hits)}" if res.hits
                 else f"none from {start + 1} on")
        info(f"{_counted(res)} ({shown})" + (f"; written to {out.path}" if out.path else ""))


def _counted(res) -> str:
    """``12 passages match`` or, when related passages follow the matches,
    ``12 passages contain every term; 30 more match some of them`` (the
    wording of the ranking issue; a term is contained exactly or by enough of
    its parts)."""
    if not res.related:
        return f"{plural(res.total, 'passage')} match{'es' if res.total == 1 else ''}"
    more = f"{res.related:,} {'more ' if res.total else ''}match{'es' if res.related == 1 else ''}"
    if _plain(res):
        head = (f"{plural(res.total, 'passage')} contain{'s' if res.total == 1 else ''} every term"
                if res.total else "no passage contains every term")
        return f"{head}; {more} some of {'it' if len(res.terms) == 1 else 'them'}"
    head = (f"{plural(res.total, 'passage')} match{'es' if res.total == 1 else ''} the query"
            if res.total else "no passage matches the query")
    return f"{head}; {more} part of it"


def _plain(res) -> bool:
    """A query of plain terms (no quotes, no AND/OR/NOT)?"""
    from ..query.lang import uses_operators

    return not uses_operators(res.query or "") and not any(t.phrase for t in res.terms)


def _write_count(out, fmt, res, facets):
    if fmt == "json":
        data = {"query": res.query, "parsed": res.parsed, "total": res.total}
        if facets:
            data["facets"] = res.to_dict()["facets"]
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.write(f"{res.total}\n")
    if facets:
        from .tables import facets_lines

        out.write("\n".join(facets_lines(res.facets, res.total, width(out.to_terminal))) + "\n")


def _write_hits(ctx, out, fmt, ix, res, context, full, simplified, st, explain):
    from ..browse import neighbours

    hits = [h.to_dict() for h in res.hits]
    if fmt == "json":
        data = res.to_dict(explain=explain)
        if context:
            for h, d in zip(res.hits, data["hits"]):
                before, after = neighbours(ix, h.doc_id, h.index, context)
                d["context"] = {"before": before, "after": after}
        out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif fmt in ("csv", "tsv", "jsonl"):
        from .formats import HIT_COLUMNS, delimited, hit_row, json_lines

        rows = [hit_row(h, simplified) for h in hits]
        out.write(json_lines(rows) if fmt == "jsonl" else delimited(HIT_COLUMNS, rows, fmt))
    elif fmt == "md":
        from .formats import md_facets, md_hits

        out.write(md_hits(hits, full=full, simplified=simplified))
        if res.facets is not None:
            out.write(("\n" if hits else "") + md_facets(res.facets, res.total))
    else:
        from .render import hit_block
        from .tables import facets_lines

        w = width(out.to_terminal)
        for h, d in zip(res.hits, hits):
            before, after = neighbours(ix, h.doc_id, h.index, context)
            block = hit_block(d, st, w, full=full, simplified=simplified, before=before,
                              after=after)
            if explain and h.explain:
                parts = " + ".join(f"{name} {v:g}" for name, v in h.explain.items())
                block += "\n   " + st.dim(f"score {h.score:g} = {parts}")
            out.write(block + "\n\n")
        if res.facets is not None and res.total:
            out.write("\n".join(facets_lines(res.facets, res.total, w)) + "\n")
