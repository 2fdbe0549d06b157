"""``ydsearch serve``: the web page (see :mod:`ydsearch.web`).

Only click is imported here; Flask loads when the command runs, so
``ydsearch --help`` stays fast.
"""
from pathlib import Path

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but a loopback address makes the page "
                   "reachable from other machines.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port; the URL printed says which).")
@click.option("--quiet", is_flag=True, help="Do not log each request on stderr.")
@click.pass_context
def serve(ctx, host, port, quiet):
    """Serve a search page and JSON API for the index on http://HOST:PORT/.

    Read-only.  The page shows ranked passages with facets and a chart; /api/search
    returns the JSON of 'ydsearch query --json'.  The URL is printed on stderr;
    Ctrl+C stops the server.  A missing index is shown as a page until it is built.

    \b
    Examples:
      ydsearch serve
      ydsearch --index ~/yd serve --port 8080
      ydsearch serve --host 0.0.0.0      # reachable from the network: no login
    """
    from ..web.app import LOOPBACK_NAMES, create_app
    from ..web.server import is_loopback, serve as run
    from ..engine.index import Index
    from ..errors import IndexError_, IndexNotFoundError
    from .common import with_lexicons
    from .defaults import default_index_path, ensure_default_index

    def say(message):
        click.echo(message, err=True)

    given = getattr(ctx.obj, "index", None)
    first = None
    if given:
        path = Path(given).expanduser()
        try:
            first = Index.open(path)
        except IndexNotFoundError:
            say(f"no index at {path} yet: the page says so until "
                f"'ydsearch --index {path} index PATH' builds one")
        except IndexError_ as e:
            say(f"warning: {e} (the page says so until it is fixed)")
    else:
        path = default_index_path()
        first = ensure_default_index(path, say=say)
    if first is not None:
        first = with_lexicons(ctx, first)

    def opener(where):           # the index again after a commit, with the same lexicons
        return with_lexicons(ctx, Index.open(where))

    app = create_app(path, index=first, opener=opener,
                     allowed_hosts=LOOPBACK_NAMES if is_loopback(host) else None)
    say(f"index: {path}")
    run(app, host, port, say=say, quiet=quiet)
