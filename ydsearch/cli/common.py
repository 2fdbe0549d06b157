"""What the commands share: the settings of a run, ``--index`` wherever it is
given, opening the index, ``--calendar``, styles and messages (the query's words
and filter options are in :mod:`.queryargs`).

Only click and the light modules are imported at start; whoosh, rjieba and
OpenCC load on first use, so ``--help`` and ``--version`` stay fast.
"""
import os
import shlex
import sys
from pathlib import Path

import click

from ..errors import IndexNotFoundError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
INDEX_HELP = ("Index folder (env YDSEARCH_INDEX); also accepted before the command. "
              "Default: <checkout>/index in the project checkout, else "
              "~/.cache/ydsearch/index, built from the bundled seeds on first use.")


class Settings:
    def __init__(self, index, colour, lexicons=()):
        self.index = index
        self.colour = colour
        self.lexicons = tuple(lexicons)


def with_lexicons(ctx, ix):
    """The index, with the ``--lexicon`` files of this invocation added (read now, so
    a bad file is reported before any work)."""
    settings = ctx.find_object(Settings)
    if settings is not None and settings.lexicons:
        try:
            ix.use_lexicon(*settings.lexicons)
        except BaseException:
            ix.close()
            raise
    return ix


# -- --index, before or after the command ---------------------------------------------
def _store_index(ctx, param, value):
    if value:
        ctx.find_object(Settings).index = value
    return value


def index_option(f):
    """``--index PATH`` on a command; it wins over the group's (and YDSEARCH_INDEX)."""
    return click.option("--index", metavar="PATH", expose_value=False, callback=_store_index,
                        help=INDEX_HELP)(f)


def index_target(ctx):
    """(path, explicit) of the index this invocation uses."""
    from .defaults import default_index_path

    given = ctx.find_object(Settings).index
    if given:
        return Path(given).expanduser(), True
    return default_index_path(), False


def open_index(ctx):
    """Open the index for reading; the default index is built or updated on demand.

    A reader of an index that holds nothing yet while another process writes
    it is told that the index is being built (not "no passage matches").
    """
    from ..engine.locks import being_built
    from ..errors import IndexBuildingError
    from .defaults import ensure_default_index, has_index

    path, explicit = index_target(ctx)
    if not explicit:
        try:
            ix = ensure_default_index(path, say=info)
        except KeyboardInterrupt:
            from .interrupts import Interrupted

            raise Interrupted("the default index was not finished; the next command "
                              "builds it again") from None
    else:
        if not path.exists() or (path.is_dir() and not has_index(path)
                                 and not any(p.suffix in (".toc", ".seg") for p in path.iterdir())):
            raise IndexNotFoundError(f"no index at {path}; run "
                                     f"'ydsearch --index {shlex.quote(str(path))} index' "
                                     f"to build one")
        ix = open_explicit(path)
    if being_built(ix):
        raise IndexBuildingError(f"the index at {path} is being built by another process and "
                                 f"holds no passage yet; try again when it has committed its "
                                 f"first batch")
    return with_lexicons(ctx, ix)


def open_explicit(path):
    """Index.open, with the rebuild hint naming this --index."""
    from ..engine.index import Index
    from ..errors import IndexError_

    try:
        return Index.open(path)
    except IndexError_ as e:
        hint = f"'ydsearch --index {shlex.quote(str(path))} index --rebuild'"
        raise type(e)(str(e).replace("'ydsearch index --rebuild'", hint)) from None


# -- terminal -----------------------------------------------------------------------------
def isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def style(ctx, no_highlight=False, to_terminal=True):
    """How to mark output: colour on a terminal (``--color``, ``NO_COLOR``), else brackets."""
    from .textwidth import Style

    mode = ctx.find_object(Settings).colour
    if not to_terminal:             # -o FILE: plain text
        colour = False
    elif mode == "always":
        colour = True
    elif mode == "never":
        colour = False
    else:
        colour = not os.environ.get("NO_COLOR") and isatty(sys.stdout)
    return Style(colour=colour, highlight="none" if no_highlight else
                 ("colour" if colour else "brackets"))


def width(to_terminal=True):
    """Wrap width: the terminal's on a TTY, $COLUMNS when set, else no wrapping."""
    from .textwidth import terminal_width

    if to_terminal and isatty(sys.stdout):
        return terminal_width()
    cols = os.environ.get("COLUMNS", "")
    return max(40, int(cols)) if cols.isdigit() else None


def info(message):
    """A message for the user: stderr, never mixed with results."""
    click.echo(message, err=True)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


# -- calendar ------------------------------------------------------------------------------
def calendar_option(f):
    """``--calendar FILE`` (or ``$YDSEARCH_CALENDAR``): meetings to add to the shipped calendar."""
    return click.option("--calendar", "calendar_file", metavar="FILE", envvar="YDSEARCH_CALENDAR",
                        help="A JSON file of meetings added to the shipped calendar "
                             "(or $YDSEARCH_CALENDAR); see README.")(f)


def load_calendar(path):
    from ..pipeline.calendar_data import load_calendar as load

    return load(path or None)
