"""``show``, ``parse`` and ``stats``: one paragraph or document, the pipeline's view
of files, and the index's vital statistics."""
import json

import click

from .common import (CONTEXT, calendar_option, index_option, info, load_calendar, open_index,
                     style, width)
from .group import error_line


def _dump(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command(context_settings=CONTEXT)
@click.argument("id")
@click.option("-C", "--context", default=2, show_default=True, type=click.IntRange(0, 1000),
              metavar="N", help="Paragraphs to show before and after the one asked for.")
@click.option("--script", type=click.Choice(["original", "simplified"]), default="original",
              show_default=True, help="Show the text as published, or in Simplified script.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@index_option
@click.pass_context
def show(ctx, id, context, script, as_json):
    """Show paragraph ID (<doc_id>#<n>) with its neighbours, or a whole document.

    \b
    Examples:
      ydsearch show 000_cc6c4b9cc009c9ed#12
      ydsearch show 000_cc6c4b9cc009c9ed#12 --context 0 --json
      ydsearch show 000_cc6c4b9cc009c9ed
    """
    from .. import browse
    from .render import document_header, paragraph_line

    shown = browse.show(open_index(ctx), id, context=context)
    if as_json:
        _dump(shown.to_dict())
        return
    st, w = style(ctx), width()
    lines = document_header(shown.document, st)
    for p in shown.paragraphs:
        focus = shown.focus is not None and p["id"] == shown.focus
        lines.append(paragraph_line(p, st, w, focus=focus, dim=shown.focus is not None,
                                    simplified=script == "simplified"))
    click.echo("\n".join(lines), color=st.colour)


@click.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per document per line (JSON Lines).")
@calendar_option
@index_option
@click.pass_context
def parse(ctx, paths, as_json, calendar_file):
    """Parse articles without indexing them (to check what the index would hold).

    \b
    Examples:
      ydsearch parse seeds/000_cc6c4b9cc009c9ed.txt
      ydsearch parse ~/articles/ --json | jq -c '{doc_id, meeting, year}'
    """
    from ..pipeline.article import read_documents
    from .render import outline

    refused = []
    calendar = load_calendar(calendar_file)
    st, w = style(ctx), width()
    first = True
    for doc in read_documents(list(paths), on_error=lambda p, m: refused.append((p, m)),
                              calendar=calendar):
        if as_json:
            click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))
        else:
            if not first:
                click.echo()
            click.echo("\n".join(outline(doc, st, w)), color=st.colour)
        first = False
    for p, m in refused:
        info(f"refused {p}: {m}")
    if refused:
        n = len(refused)
        ctx.exit(error_line(f"{n} input{'s' * (n != 1)} could not be parsed (listed above)", 1))


@click.command(context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@index_option
@click.pass_context
def stats(ctx, as_json):
    """Show where the index is, its size and what built it.

    \b
    Examples:
      ydsearch stats
      ydsearch stats --json --index ~/yd
    """
    from .. import browse
    from .defaults import read_stamp
    from .tables import stats_lines

    ix = open_index(ctx)
    data = browse.stats(ix)
    stamp = read_stamp(ix.path)
    data["bundled_seeds"] = sorted(stamp["seeds"]) if stamp and stamp.get("seeds") else None
    if as_json:
        _dump(data)
        return
    click.echo("\n".join(stats_lines(data)))
