"""The listing commands: ``speakers``, ``meetings`` and ``trend``, as a table or
chart on the terminal, or as JSON, JSON Lines, CSV, TSV or Markdown."""
import json

import click

from .common import (CONTEXT, calendar_option, index_option, info, load_calendar, open_index,
                     plural, width)
from .queryargs import (WordsCommand, filter_options, no_match_message, query_text,
                        resolved_filters, words_argument)
from .output import Output, chosen_format, format_options

SPEAKER_COLUMNS = ("name", "paragraphs", "documents", "years", "meetings", "roles")
MEETING_COLUMNS = ("date", "meeting_id", "name", "end_date", "year", "city", "province",
                   "in_calendar", "documents")


def _export(out, fmt, rows, columns, right=()):
    """rows (dicts) in a take-away format; returns False for ``text``."""
    from .formats import delimited, json_lines, md_table

    if fmt == "json":
        out.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    elif fmt == "jsonl":
        out.write(json_lines(rows))
    elif fmt in ("csv", "tsv"):
        out.write(delimited(columns, rows, fmt))
    elif fmt == "md":
        out.write(md_table(columns, rows, right=right))
    else:
        return False
    return True


def _listing(out, fmt, rows, columns, table, empty_message, right=(), flat=None):
    dicts = [r.to_dict() for r in rows]
    if flat is not None and fmt in ("csv", "tsv", "md"):
        dicts = [flat(d) for d in dicts]
    if not rows and fmt == "text":
        info(empty_message)
    elif not _export(out, fmt, dicts, columns, right):
        out.write("\n".join(table(rows, width(out.to_terminal))) + "\n")
    if out.path:
        info(f"{plural(len(rows), 'row')} written to {out.path}")


@click.command(cls=WordsCommand, context_settings=CONTEXT)
@words_argument(required=False)
@filter_options
@click.option("--all", "include_all", is_flag=True,
              help="Include the collective speaker 会议 (\"the meeting\").")
@format_options()
@index_option
@click.pass_context
def speakers(ctx, words, include_all, as_json, fmt, output, **kw):
    """List speakers: roles, paragraphs, years and meetings, most paragraphs first.

    With a QUERY or filters, count only the matching passages: who speaks of
    this, where, when.

    \b
    Examples:
      ydsearch speakers
      ydsearch speakers 生态绿色 --year 2019..2020
      ydsearch speakers --city 湖州 -f csv -o speakers.csv
      ydsearch speakers --json | jq '.[] | select(.name == "李强")'
    """
    from .. import browse
    from .tables import speakers_table

    fmt = chosen_format(ctx, fmt, as_json)
    q = query_text(words)
    ix = open_index(ctx)
    resolved = resolved_filters(ix, kw)
    rows = browse.speakers(ix, include_collective=include_all, query=q, **resolved.filters)
    if not rows and (q or resolved.filters):
        empty = no_match_message(ix, q, kw, resolved, "try fewer words or filters",
                                 subject="no speaker in the passages matching")
    else:
        empty = "no speakers in the index"
    with Output(output, fmt) as out:
        _listing(out, fmt, rows, SPEAKER_COLUMNS, speakers_table, empty,
                 right=("paragraphs", "documents"))


@click.command(context_settings=CONTEXT)
@click.option("--indexed", is_flag=True, help="Only meetings with indexed documents.")
@calendar_option
@format_options()
@index_option
@click.pass_context
def meetings(ctx, indexed, as_json, fmt, output, calendar_file):
    """List the meeting calendar with the documents indexed for each meeting.

    Calendar meetings come first by date, with meetings that indexed documents
    report but the calendar lacks ("not in calendar").  Each document line gives
    its id, source and URL (or its file).  In CSV, TSV and Markdown the
    documents column holds their ids.

    \b
    Examples:
      ydsearch meetings
      ydsearch meetings --indexed -f md -o meetings.md
      ydsearch meetings --indexed --json | jq -r '.[] | .date + " " + .name'
      ydsearch meetings --calendar my-meetings.json
    """
    from .. import browse
    from .tables import meetings_table

    fmt = chosen_format(ctx, fmt, as_json)
    calendar = load_calendar(calendar_file)
    rows = browse.meetings(open_index(ctx), calendar, indexed_only=indexed)

    def flat(d):
        return dict(d, documents=" ".join(doc["doc_id"] for doc in d["documents"]))

    with Output(output, fmt) as out:
        _listing(out, fmt, rows, MEETING_COLUMNS, meetings_table,
                 "no meetings: the calendar is empty and no indexed document reports one",
                 flat=flat)


@click.command(cls=WordsCommand, context_settings=CONTEXT)
@words_argument()
@filter_options
@click.option("--by", type=click.Choice(["year", "speaker"]), default="year", show_default=True,
              help="Count per year or per speaker.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="With --by speaker: show this many speakers.")
@format_options(json_help="Print the counts as JSON (= -f json).")
@index_option
@click.pass_context
def trend(ctx, words, by, top, as_json, fmt, output, **kw):
    """Count ALL passages matching QUERY per year (or speaker) as a bar chart: the
    matches only, not the related passages that `query` ranks after them.

    \b
    Examples:
      ydsearch trend 一体化
      ydsearch trend 生态绿色 --by speaker --top 10
      ydsearch trend 科技创新 --province 上海 --json
      ydsearch trend 一体化 -f csv -o trend.csv
    """
    from .. import browse
    from .tables import bar_chart

    fmt = chosen_format(ctx, fmt, as_json)
    q = query_text(words)
    ix = open_index(ctx)
    resolved = resolved_filters(ix, kw)
    t = browse.trend(ix, q, by=by, **resolved.filters)
    rows = [{by: b["key"], "count": b["count"]} for b in t.buckets]
    with Output(output, fmt) as out:
        if fmt == "json":
            out.write(json.dumps(t.to_dict(), ensure_ascii=False, indent=2) + "\n")
        elif _export(out, fmt, rows, (by, "count"), right=("count",)):
            pass
        elif t.total:
            buckets = t.buckets[:top] if by == "speaker" else t.buckets
            w = width(out.to_terminal) or 80
            out.write("\n".join(bar_chart([(str(b["key"]), b["count"]) for b in buckets], w))
                      + "\n")
    if not t.total:
        info(no_match_message(ix, q, kw, resolved,
                              "try fewer words, or 'ydsearch query --explain'"))
        return
    info(f"{plural(t.total, 'passage')} match{'es' if t.total == 1 else ''} {t.parsed} "
         f"(matches only, not related passages)"
         + (f"; written to {out.path}" if out.path else ""))
    if fmt == "text" and by == "speaker" and len(t.buckets) > top:
        info(f"… and {len(t.buckets) - top} more speakers (--top)")
    if t.unattributed:
        info(f"{plural(t.unattributed, 'matching passage')} without a {by}")
