"""``ydsearch index``: add articles to the index, with progress, resumable after Ctrl-C."""
import contextlib
import json
import sys

import click

from ..errors import YdsearchError
from .common import (CONTEXT, calendar_option, index_option, index_target, info, isatty,
                     load_calendar, open_explicit, plural)
from .group import error_line
from .interrupts import Interrupted


@click.command("index", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, metavar="[PATH]...")
@click.option("--rebuild", is_flag=True, help="Start a new, empty index first.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON on stdout.")
@click.option("--workers", "-j", type=click.IntRange(0, 64), default=0, show_default=True,
              help="Processes that parse articles while this one writes the index "
                   "(0: one per core, at most 4; 1: parse in this process).")
@click.option("--batch-size", type=click.IntRange(0, 1_000_000), default=0,
              show_default=True, metavar="N",
              help="Documents per commit: what Ctrl-C or a failure can lose at most "
                   "(0: a commit every 20,000 paragraphs).")
@calendar_option
@index_option
@click.pass_context
def index_cmd(ctx, paths, rebuild, as_json, workers, batch_size, calendar_file):
    """Index articles: .txt files, folders, .jsonl and .jsonl.gz batches.

    With no PATH, index the bundled seed articles.  Unchanged articles are
    skipped, changed ones replaced.  Exits 1 when any input was refused.

    Documents are committed in batches (--batch-size).  Ctrl-C stops at once
    (exit 130), keeps the batches already committed and deletes the files of
    the one being written; run the same command again to go on where it
    stopped.

    \b
    Examples:
      ydsearch index
      ydsearch index ~/articles/ more.jsonl.gz --index ~/yd
      ydsearch index --rebuild --json
    """
    from ..engine.index import Index, IndexReport
    from ..engine.signals import interrupts_held
    from ..engine.locks import writer_active
    from ..pipeline.parallel import default_workers
    from .defaults import has_index, read_stamp, seeds_fingerprint, seeds_folder, write_stamp

    calendar = load_calendar(calendar_file)
    path, explicit = index_target(ctx)
    inputs = [str(p) for p in paths] or [str(seeds_folder())]
    if rebuild or _is_blank(path):
        if not explicit:
            stamp = path / "bundled.json"
            if stamp.exists():
                stamp.unlink()
        busy = path.is_dir() and writer_active(path)
        if busy:
            _waiting(path)          # Ctrl-C stays live while it waits
        with contextlib.nullcontext() if busy else interrupts_held():
            ix = Index.create(path)  # old files going, new ones coming: not cut half-way
        info(f"{'rebuilding' if rebuild else 'creating'} the index in {path}")
    else:
        if path.is_dir() and not has_index(path) and \
                not any(p.suffix in (".toc", ".seg") for p in path.iterdir()):
            raise YdsearchError(f"{path} is not empty and not a ydsearch index; refusing to "
                                f"write into it (choose another --index, or empty it)")
        ix = open_explicit(path) if explicit else Index.open(path)

    report = IndexReport()
    progress = None

    def refused(p, msg):       # the report lists it; the progress bar counts it
        if progress:
            progress.refused(str(p))

    def on_commit(stage):
        if progress:
            progress.commit(stage)

    try:
        if isatty(sys.stderr):
            from .progress import IndexProgress

            progress = IndexProgress(inputs, sys.stderr)
        ix.add(inputs, report=report, on_error=refused, batch_size=batch_size or None,
               workers=workers or default_workers(),
               on_read=progress.read if progress else None,
               progress=progress.documents if progress else None,
               on_wait=lambda: _waiting(path), on_commit=on_commit, calendar=calendar)
    except KeyboardInterrupt:
        raise Interrupted(_kept(report.committed)) from None
    finally:
        if progress:
            progress.close()
        ix.close()
    if not explicit:
        if not paths:
            write_stamp(path, seeds_fingerprint())
        elif read_stamp(path) is None or rebuild:
            write_stamp(path, None)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    info(f"indexed {plural(report.documents, 'document')}, "
         f"{report.paragraphs} paragraphs in {report.seconds:.1f} s"
         f" ({report.skipped_unchanged} unchanged skipped, {report.replaced} replaced"
         + (f", {report.skipped_duplicates} copies of indexed content skipped"
            if report.skipped_duplicates else "")
         + f") into {path}")
    if report.skipped_empty:
        info(f"skipped {plural(report.skipped_empty, 'empty item')} (no text)")
    for p, reason in report.refused:
        info(f"refused {p}: {reason}")
    if report.refused:
        n = len(report.refused)
        ctx.exit(error_line(f"{n} input{'s' * (n != 1)} could not be indexed (listed above)", 1))


def _kept(committed: int) -> str:
    if committed:
        what = (f"the {committed:,} documents committed by this run are kept" if committed > 1
                else "the document committed by this run is kept")
        return f"{what}; run the same command again to index the rest"
    return ("nothing from this run was committed, the index is as it was; run the same "
            "command again to index")


def _waiting(path) -> None:
    from ..engine.files import lock_timeout

    info(f"another process is writing the index at {path}; waiting up to "
         f"{lock_timeout(None):g} s for it to finish (YDSEARCH_LOCK_TIMEOUT)")


def _is_blank(path) -> bool:
    """Missing, or a folder holding nothing but hidden files (``index/.gitkeep``):
    the only places ``ydsearch index`` creates an index without ``--rebuild``."""
    if not path.exists():
        return True
    return path.is_dir() and all(p.name.startswith(".") for p in path.iterdir())
