"""The ``ydsearch`` command line: a thin click layer over the library.

Only click and the light modules are imported at start; every command imports
what it needs (whoosh, rjieba and OpenCC load on first search), so ``--help``
and ``--version`` stay fast.  Errors are handled once, in :class:`YdGroup.main`:
one ``Error: …`` line on stderr and the exit code of the error (0 results
found or not, 1 runtime error, 2 usage or query syntax, 3 index missing or
incompatible, 130 interrupted).  Results go to stdout, everything else to stderr.
"""
import errno
import json
import os
import shlex
import sys
import time
from pathlib import Path

import click

from .. import __version__
from ..errors import IndexNotFoundError, YdsearchError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# -- error handling (once, for every command) ----------------------------------------
class _BrokenPipe(Exception):
    pass


def _error(message, code):
    text = " ".join(str(message).split()) or "unknown error"
    try:
        click.echo(f"Error: {text}", err=True)
    except OSError:
        pass
    return code


class YdGroup(click.Group):
    """A group that turns every failure into one ``Error:`` line and an exit code."""

    def invoke(self, ctx):
        try:
            rv = super().invoke(ctx)
            sys.stdout.flush()
            return rv
        except OSError as e:
            if e.errno == errno.EPIPE:
                raise _BrokenPipe() from None
            raise

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        code = self._run(args, prog_name or "ydsearch", complete_var, extra)
        sys.exit(code)

    def _run(self, args, prog_name, complete_var, extra) -> int:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            return rv if isinstance(rv, int) else 0
        except _BrokenPipe:
            _silence_stdout()
            return 0
        except click.exceptions.Abort:
            return _error("interrupted", 130)
        except KeyboardInterrupt:
            click.echo(err=True)
            return _error("interrupted", 130)
        except click.ClickException as e:
            return _click_error(e)
        except YdsearchError as e:
            return _error(e, e.exit_code)
        except OSError as e:
            if e.errno == errno.EPIPE:
                _silence_stdout()
                return 0
            if os.environ.get("YDSEARCH_DEBUG") == "1":
                raise
            what = f"{e.strerror or e}" + (f": {e.filename}" if e.filename else "")
            return _error(what, 1)
        except Exception as e:  # noqa: BLE001 - the one place unexpected errors end up
            if os.environ.get("YDSEARCH_DEBUG") == "1":
                raise
            return _error(f"internal error: {type(e).__name__}: {e} "
                          f"(set YDSEARCH_DEBUG=1 for a traceback)", 1)


def _click_error(e) -> int:
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)
    if no_args is not None and isinstance(e, no_args):
        click.echo(e.ctx.get_help())
        return 0
    message = e.format_message().rstrip(".")
    ctx = getattr(e, "ctx", None)
    if isinstance(e, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return _error(message, e.exit_code)


def _silence_stdout():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


# -- shared state and helpers -------------------------------------------------------
class Settings:
    def __init__(self, index, colour):
        self.index = index
        self.colour = colour


def _style(ctx, no_highlight=False):
    from .render import Style

    mode = ctx.find_object(Settings).colour
    if mode == "always":
        colour = True
    elif mode == "never":
        colour = False
    else:
        colour = not os.environ.get("NO_COLOR") and _isatty(sys.stdout)
    return Style(colour=colour, highlight="none" if no_highlight else
                 ("colour" if colour else "brackets"))


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _width():
    """Wrap width: the terminal's on a TTY, $COLUMNS when set, else no wrapping."""
    from .render import terminal_width

    if _isatty(sys.stdout):
        return terminal_width()
    cols = os.environ.get("COLUMNS", "")
    return max(40, int(cols)) if cols.isdigit() else None


def _info(message):
    click.echo(message, err=True)


def _index_target(ctx):
    """(path, explicit) of the index this invocation uses."""
    from .defaults import default_index_path

    given = ctx.find_object(Settings).index
    if given:
        return Path(given).expanduser(), True
    return default_index_path(), False


def _open(ctx):
    """Open the index for reading; the default index is built/updated on demand."""
    from .defaults import ensure_default_index, has_index

    path, explicit = _index_target(ctx)
    if not explicit:
        return ensure_default_index(path, say=_info)
    if not path.exists() or (path.is_dir() and not has_index(path)
                             and not any(p.suffix in (".toc", ".seg") for p in path.iterdir())):
        raise IndexNotFoundError(f"no index at {path}; run "
                                 f"'ydsearch --index {shlex.quote(str(path))} index' to build one")
    return _open_explicit(path)


def _is_blank(path) -> bool:
    """Missing, or a folder holding nothing but hidden files (``index/.gitkeep``):
    the only places ``ydsearch index`` creates an index without ``--rebuild``."""
    if not path.exists():
        return True
    return path.is_dir() and all(p.name.startswith(".") for p in path.iterdir())


def _open_explicit(path):
    """Index.open, with the rebuild hint naming this --index."""
    from ..errors import IndexError_
    from ..engine.index import Index

    try:
        return Index.open(path)
    except IndexError_ as e:
        hint = f"'ydsearch --index {shlex.quote(str(path))} index --rebuild'"
        raise type(e)(str(e).replace("'ydsearch index --rebuild'", hint)) from None


def _listing(rows, as_json, table, empty_message):
    """Print rows as JSON, or as a table; an empty listing says so on stderr."""
    if as_json:
        _dump([r.to_dict() for r in rows])
    elif not rows:
        _info(empty_message)
    else:
        click.echo("\n".join(table(rows, _width())))


def _dump(data):
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def calendar_option(f):
    """``--calendar FILE`` (or ``$YDSEARCH_CALENDAR``): meetings to add to the shipped calendar."""
    return click.option("--calendar", "calendar_file", metavar="FILE", envvar="YDSEARCH_CALENDAR",
                        help="A JSON file of meetings added to the shipped calendar "
                             "(or $YDSEARCH_CALENDAR); see README.")(f)


def _calendar(path):
    from ..pipeline.calendar_data import load_calendar

    return load_calendar(path or None)


def filter_options(f):
    """The filter options shared by ``query`` and ``trend``."""
    opts = [
        click.option("--speaker", help="Only passages by this speaker (李强, 李強)."),
        click.option("--year", help="A year or range: 2019, 2019..2021, ..2020, 2022.."),
        click.option("--from", "date_from", metavar="DATE",
                     help="On or after this date: 2020, 2020-06 or 2020-06-05."),
        click.option("--to", "date_to", metavar="DATE", help="On or before this date."),
        click.option("--city", help="Meeting city (芜湖)."),
        click.option("--province", help="Meeting province (安徽, 上海)."),
        click.option("--meeting", help="Words of the meeting name (主要领导座谈会)."),
        click.option("--kind", type=click.Choice(["body", "heading", "caption"]),
                     help="Paragraph kind."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def _checked_filters(kw):
    """The filter options, each validated on its own so an error names the option."""
    import re

    from ..errors import QuerySyntaxError
    from ..query.search import filter_nodes

    filters = _filters(kw)
    names = {"date_from": "from", "date_to": "to"}
    for k, v in filters.items():
        try:
            filter_nodes(**{k: v})
        except QuerySyntaxError as e:
            msg = re.sub(r" at column \d+", "", str(e))
            raise QuerySyntaxError(f"--{names.get(k, k)} {v}: {msg}") from None
    return filters


def _described(query, kw):
    """``'科技创新' with --speaker 李强 --year 2019`` for the no-results hint."""
    names = {"date_from": "from", "date_to": "to"}
    opts = " ".join(f"--{names.get(k, k)} {_quote(v)}" for k, v in _filters(kw).items())
    return repr(query) + (f" with {opts}" if opts else "")


def _quote(value):
    value = str(value)
    plain = value and not any(c.isspace() or c in "'\"\\$`!*?&;|<>()" for c in value)
    return value if plain else shlex.quote(value)


def _filters(kw):
    keys = ("speaker", "year", "date_from", "date_to", "city", "province", "meeting", "kind")
    return {k: kw.get(k) for k in keys if kw.get(k) not in (None, "")}


# -- the group ------------------------------------------------------------------------
@click.group("ydsearch", cls=YdGroup, context_settings=CONTEXT, no_args_is_help=True)
@click.option("--index", "index", metavar="PATH", envvar="YDSEARCH_INDEX",
              help="Index folder (env YDSEARCH_INDEX). Default: <checkout>/index in the "
                   "project checkout, else ~/.cache/ydsearch/index, built from the bundled "
                   "seeds on first use.")
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True,
              help="Colour highlights (auto: on a terminal unless NO_COLOR is set).")
@click.version_option(__version__, "-V", "--version", prog_name="ydsearch",
                      message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx, index, colour):
    """Search the reports of the Yangtze River Delta (长三角) integration meetings.

    \b
    Examples:
      ydsearch query 生态绿色
      ydsearch query '科技创新 speaker:李强' --year 2019..2021
      ydsearch query '"一体化示范区"' --json | jq '.hits[].id'
      ydsearch trend 一体化 --by speaker
      ydsearch show 000_cc6c4b9cc009c9ed#12
      ydsearch --index ~/yd index ~/articles/ && ydsearch --index ~/yd speakers

    \b
    Query language: words are ANDed; "quoted phrase"; OR; NOT or -word;
    fields speaker: city: province: meeting: kind: year:2019..2021 date:2020-06.

    \b
    Shell completion (bash; zsh and fish alike):
      eval "$(_YDSEARCH_COMPLETE=bash_source ydsearch)"

    Exit status: 0 ok (with or without results), 1 error, 2 bad usage or query,
    3 index missing or incompatible.
    """
    ctx.obj = Settings(index, colour)


@cli.command("index")
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--rebuild", is_flag=True, help="Start a new, empty index first.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--workers", "-j", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Processes that parse articles while this one writes the index "
                   "(0: one per core, at most 4; 1: parse in this process).")
@calendar_option
@click.pass_context
def index_cmd(ctx, paths, rebuild, as_json, workers, calendar_file):
    """Index articles: .txt files, folders, .jsonl and .jsonl.gz batches.

    With no PATH, index the bundled seed articles.  Unchanged articles are
    skipped, changed ones replaced.  Exits 1 when any input was refused.

    \b
    Examples:
      ydsearch index
      ydsearch --index ~/yd index ~/articles/ more.jsonl.gz
      ydsearch index --rebuild --json
    """
    from ..bundled import bundled_seeds
    from .defaults import has_index, read_stamp, seeds_fingerprint, write_stamp
    from ..engine.index import Index

    path, explicit = _index_target(ctx)
    inputs = list(paths) or [str(bundled_seeds())]
    calendar = _calendar(calendar_file)
    if rebuild or _is_blank(path):
        if not explicit:
            stamp = path / "bundled.json"
            if stamp.exists():
                stamp.unlink()
        ix = Index.create(path)
        _info(f"{'rebuilding' if rebuild else 'creating'} the index in {path}")
    else:
        if path.is_dir() and not has_index(path) and \
                not any(p.suffix in (".toc", ".seg") for p in path.iterdir()):
            raise YdsearchError(f"{path} is not empty and not a ydsearch index; refusing to "
                                f"write into it (choose another --index, or empty it)")
        ix = _open_explicit(path) if explicit else Index.open(path)
    progress = _Progress() if _isatty(sys.stderr) else None
    try:
        if workers == 0:
            from ..pipeline.parallel import default_workers
            workers = default_workers()
        report = ix.add(inputs, progress=progress, workers=workers, calendar=calendar)
    finally:
        if progress:
            progress.done()
    if not explicit:
        if not paths:
            write_stamp(path, seeds_fingerprint())
        elif read_stamp(path) is None or rebuild:
            write_stamp(path, None)
    if as_json:
        _dump(report.to_dict())
    _info(f"indexed {report.documents} document{'s' * (report.documents != 1)}, "
          f"{report.paragraphs} paragraphs in {report.seconds:.1f} s"
          f" ({report.skipped_unchanged} unchanged skipped, {report.replaced} replaced)"
          f" into {path}")
    if report.skipped_empty:
        n = report.skipped_empty
        _info(f"skipped {n} empty item{'s' * (n != 1)} (no text)")
    for p, reason in report.refused:
        _info(f"refused {p}: {reason}")
    if report.refused:
        n = len(report.refused)
        ctx.exit(_error(f"{n} input{'s' * (n != 1)} could not be indexed (listed above)", 1))


class _Progress:
    """A counter on stderr, redrawn at most ten times a second."""

    def __init__(self):
        self.last = 0.0
        self.shown = False

    def __call__(self, docs, paragraphs):
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.shown = True
            click.echo(f"\rindexing… {docs} documents, {paragraphs} paragraphs", err=True,
                       nl=False)

    def done(self):
        if self.shown:
            click.echo("\r\x1b[K", err=True, nl=False)


@cli.command()
@click.argument("query")
@filter_options
@click.option("-n", "--limit", default=10, show_default=True, type=click.IntRange(0, 10000),
              help="Passages per page.")
@click.option("--offset", type=click.IntRange(min=0), help="Skip this many passages.")
@click.option("--page", type=click.IntRange(min=1), help="Page number (of --limit passages).")
@click.option("--full", is_flag=True, help="Whole paragraphs instead of snippets.")
@click.option("-C", "--context", default=0, type=click.IntRange(0, 50), metavar="N",
              help="Show N neighbouring paragraphs before and after each passage.")
@click.option("--script", type=click.Choice(["original", "simplified"]), default="original",
              show_default=True, help="Show passages as published, or in Simplified script.")
@click.option("--no-highlight", is_flag=True, help="Do not mark the matched words.")
@click.option("--explain", is_flag=True,
              help="Show how the query was parsed, segmented and compiled (stderr).")
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.pass_context
def query(ctx, query, limit, offset, page, full, context, script, no_highlight, explain,
          as_json, **kw):
    """Find passages matching QUERY, best first.

    \b
    Examples:
      ydsearch query 生态绿色
      ydsearch query 科技创新 --speaker 李强 --year 2019
      ydsearch query '"示范区" OR 一体化' --from 2020-06 --to 2021 -n 5 --page 2
      ydsearch query 长三角 --context 1 --script simplified
      ydsearch query 一体化 --json --explain
    """
    from ..browse import neighbours
    from .render import explain_lines, hit_block

    if offset is not None and page is not None:
        raise click.UsageError("use either --offset or --page, not both", ctx)
    start = offset if offset is not None else ((page or 1) - 1) * limit
    ix = _open(ctx)
    res = ix.search(query, limit=limit, offset=start, full=full, **_checked_filters(kw))
    if as_json:
        data = res.to_dict(explain=explain)
        if context:
            for h, d in zip(res.hits, data["hits"]):
                before, after = neighbours(ix, h.doc_id, h.index, context)
                d["context"] = {"before": before, "after": after}
        _dump(data)
    elif explain:
        _info("\n".join(explain_lines(res)))
    if not res.total:
        _info(f"no passage matches {_described(query, kw)}; try fewer words or --explain")
        return
    if res.hits:
        _info(f"{res.total} passage{'s' * (res.total != 1)} match "
              f"(showing {start + 1}–{start + len(res.hits)})")
    else:
        _info(f"{res.total} passage{'s' * (res.total != 1)} match (none from {start + 1} on)")
    if as_json:
        return
    style, width = _style(ctx, no_highlight), _width()
    for h in res.hits:
        before, after = neighbours(ix, h.doc_id, h.index, context)
        click.echo(hit_block(h.to_dict(), style, width, full=full,
                             simplified=script == "simplified", before=before, after=after)
                   + "\n", color=style.colour)


@cli.command()
@click.argument("id")
@click.option("-C", "--context", default=2, show_default=True, type=click.IntRange(0, 1000),
              metavar="N", help="Paragraphs to show before and after the one asked for.")
@click.option("--script", type=click.Choice(["original", "simplified"]), default="original",
              show_default=True, help="Show the text as published, or in Simplified script.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
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

    shown = browse.show(_open(ctx), id, context=context)
    if as_json:
        _dump(shown.to_dict())
        return
    style, width = _style(ctx), _width()
    lines = document_header(shown.document, style)
    for p in shown.paragraphs:
        focus = shown.focus is not None and p["id"] == shown.focus
        lines.append(paragraph_line(p, style, width, focus=focus, dim=shown.focus is not None,
                                    simplified=script == "simplified"))
    click.echo("\n".join(lines), color=style.colour)


@cli.command()
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per document per line (JSON Lines).")
@calendar_option
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
    style, width = _style(ctx), _width()
    first = True
    calendar = _calendar(calendar_file)
    for doc in read_documents(list(paths), on_error=lambda p, m: refused.append((p, m)),
                              calendar=calendar):
        if as_json:
            click.echo(json.dumps(doc.to_dict(), ensure_ascii=False))
        else:
            if not first:
                click.echo()
            click.echo("\n".join(outline(doc, style, width)), color=style.colour)
        first = False
    for p, m in refused:
        _info(f"refused {p}: {m}")
    if refused:
        n = len(refused)
        ctx.exit(_error(f"{n} input{'s' * (n != 1)} could not be parsed (listed above)", 1))


@cli.command()
@click.option("--all", "include_all", is_flag=True,
              help="Include the collective speaker 会议 (\"the meeting\").")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def speakers(ctx, include_all, as_json):
    """List speakers: roles, paragraphs, years and meetings, most paragraphs first.

    \b
    Examples:
      ydsearch speakers
      ydsearch speakers --json | jq '.[] | select(.name == "李强")'
    """
    from .. import browse
    from .render import speakers_table

    rows = browse.speakers(_open(ctx), include_collective=include_all)
    _listing(rows, as_json, speakers_table, "no speakers in the index")


@cli.command()
@click.option("--indexed", is_flag=True, help="Only meetings with indexed documents.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@calendar_option
@click.pass_context
def meetings(ctx, indexed, as_json, calendar_file):
    """List the meeting calendar with the documents indexed for each meeting.

    Calendar meetings come first by date, with meetings that indexed documents
    report but the calendar lacks ("not in calendar").  Each document line gives
    its id, source and URL (or its file).

    \b
    Examples:
      ydsearch meetings
      ydsearch meetings --indexed --json | jq -r '.[] | .date + " " + .name'
      ydsearch meetings --calendar my-meetings.json
    """
    from .. import browse
    from .render import meetings_table

    calendar = _calendar(calendar_file)
    rows = browse.meetings(_open(ctx), calendar, indexed_only=indexed)
    _listing(rows, as_json, meetings_table,
             "no meetings: the calendar is empty and no indexed document reports one")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def stats(ctx, as_json):
    """Show where the index is, its size and what built it.

    \b
    Examples:
      ydsearch stats
      ydsearch --index ~/yd stats --json
    """
    from .. import browse
    from .defaults import read_stamp
    from .render import stats_lines

    ix = _open(ctx)
    data = browse.stats(ix)
    stamp = read_stamp(ix.path)
    data["bundled_seeds"] = sorted(stamp["seeds"]) if stamp and stamp.get("seeds") else None
    if as_json:
        _dump(data)
        return
    click.echo("\n".join(stats_lines(data)))


@cli.command()
@click.argument("query")
@filter_options
@click.option("--by", type=click.Choice(["year", "speaker"]), default="year", show_default=True,
              help="Count per year or per speaker.")
@click.option("--top", default=20, show_default=True, type=click.IntRange(min=1),
              help="With --by speaker: show this many speakers.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
def trend(ctx, query, by, top, as_json, **kw):
    """Count ALL passages matching QUERY per year (or speaker) as a bar chart.

    \b
    Examples:
      ydsearch trend 一体化
      ydsearch trend 生态绿色 --by speaker --top 10
      ydsearch trend 科技创新 --province 上海 --json
    """
    from .. import browse
    from .render import bar_chart, terminal_width

    t = browse.trend(_open(ctx), query, by=by, **_checked_filters(kw))
    if as_json:
        _dump(t.to_dict())
    if not t.total:
        _info(f"no passage matches {_described(query, kw)}; try fewer words, or "
              f"'ydsearch query --explain'")
        return
    _info(f"{t.total} passage{'s' * (t.total != 1)} match {t.parsed}")
    if as_json:
        return
    buckets = t.buckets[:top] if by == "speaker" else t.buckets
    width = terminal_width() if _isatty(sys.stdout) else _width() or 80
    click.echo("\n".join(bar_chart([(str(b["key"]), b["count"]) for b in buckets], width)))
    if by == "speaker" and len(t.buckets) > top:
        _info(f"… and {len(t.buckets) - top} more speakers (--top)")
    if t.unattributed:
        _info(f"{t.unattributed} matching passage{'s' * (t.unattributed != 1)} "
              f"without a {by}")


def main():
    """Console-script entry point."""
    cli.main(prog_name="ydsearch")


if __name__ == "__main__":
    main()
