"""The ``ydsearch`` command line: a thin click layer over the library.

The group and its error handling live in :mod:`.group`, what the commands
share in :mod:`.common`; each command in its own module (``cmd_*``).  Only
click and the light modules are imported at start; every command imports what
it needs (whoosh, rjieba and OpenCC load on first search), so ``--help`` and
``--version`` stay fast.
"""
import click

from .. import __version__
from .cmd_browse import parse, show, stats
from .cmd_index import index_cmd
from .cmd_lists import meetings, speakers, trend
from .cmd_query import query
from .common import CONTEXT, INDEX_HELP, Settings
from .group import YdGroup
from .serve import serve as serve_command


@click.group("ydsearch", cls=YdGroup, context_settings=CONTEXT, no_args_is_help=True)
@click.option("--index", "index", metavar="PATH", envvar="YDSEARCH_INDEX", help=INDEX_HELP)
@click.option("--color", "colour", type=click.Choice(["auto", "always", "never"]),
              default="auto", show_default=True,
              help="Colour highlights (auto: on a terminal unless NO_COLOR is set).")
@click.option("--lexicon", "lexicons", metavar="FILE", multiple=True,
              type=click.Path(dir_okay=False),
              help="A lexicon file whose entries expand queries, added to the shipped one "
                   "(repeatable; also YDSEARCH_LEXICON).  Format: TERM = EXPANSION | …")
@click.version_option(__version__, "-V", "--version", prog_name="ydsearch",
                      message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx, index, colour, lexicons):
    """Search the reports of the Yangtze River Delta (长三角) integration meetings.

    \b
    Examples:
      ydsearch query 生态绿色 示范区
      ydsearch query 科技创新 speaker:李强 --year 2019..2021
      ydsearch query 长三角 -疫情 --count --facets
      ydsearch query 一体化 -n 50 -f csv -o passages.csv
      ydsearch trend 一体化 --by speaker
      ydsearch show 000_cc6c4b9cc009c9ed#12
      ydsearch index ~/articles/ --index ~/yd && ydsearch speakers --index ~/yd

    \b
    Query language: words are ANDed; "quoted phrase"; OR; NOT or -word;
    fields speaker: city: province: meeting: kind: year:2019..2021 date:2020-06.

    \b
    Shell completion (bash; zsh and fish alike):
      eval "$(_YDSEARCH_COMPLETE=bash_source ydsearch)"

    Exit status: 0 ok (with or without results), 1 error, 2 bad usage or query,
    3 index missing or incompatible, 130 interrupted (Ctrl-C).
    """
    ctx.obj = Settings(index, colour, lexicons)


for command in (index_cmd, query, show, parse, speakers, meetings, stats, trend, serve_command):
    cli.add_command(command)


def main():
    """Console-script entry point."""
    cli.main(prog_name="ydsearch")


if __name__ == "__main__":
    main()
