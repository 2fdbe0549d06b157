"""The command group and the one place errors end up.

:class:`YdGroup` turns every failure into one line on stderr and an exit
status: ``Error: …`` with 1 (runtime error), 2 (usage or query syntax) or 3
(index missing, damaged or incompatible); ``Interrupted; …`` with 130 on
Ctrl-C.  A closed stdout (``| head``) ends quietly with 0.  Results go to
stdout, everything else to stderr.
"""
import errno
import os
import sys

import click

from ..errors import YdsearchError
from .interrupts import EXIT_CODE, Interrupted, sigint_once


class _BrokenPipe(Exception):
    pass


def error_line(message, code: int) -> int:
    """Print ``Error: message`` (on one line) to stderr; return ``code``."""
    return _line("Error: ", message, code)


def _line(prefix: str, message, code: int) -> int:
    text = " ".join(str(message).split()) or "unknown error"
    try:
        click.echo(f"{prefix}{text}", err=True)
    except OSError:
        pass
    return code


class YdGroup(click.Group):
    """A group that turns every failure into one line and an exit code."""

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
        with sigint_once():
            code = self._run(args, prog_name or "ydsearch", complete_var, extra)
        sys.exit(code)

    def _run(self, args, prog_name, complete_var, extra) -> int:
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            return rv if isinstance(rv, int) else 0
        except _BrokenPipe:
            _silence_stdout()
            return 0
        except Interrupted as e:
            return _interrupted(e.detail)
        except (KeyboardInterrupt, click.exceptions.Abort):
            return _interrupted(Interrupted().detail)
        except click.ClickException as e:
            return _click_error(e)
        except YdsearchError as e:
            return error_line(e, e.exit_code)
        except OSError as e:
            if e.errno == errno.EPIPE:
                _silence_stdout()
                return 0
            if os.environ.get("YDSEARCH_DEBUG") == "1":
                raise
            what = f"{e.strerror or e}" + (f": {e.filename}" if e.filename else "")
            return error_line(what, 1)
        except Exception as e:  # noqa: BLE001 - the one place unexpected errors end up
            if os.environ.get("YDSEARCH_DEBUG") == "1":
                raise
            return error_line(f"internal error: {type(e).__name__}: {e} "
                              f"(set YDSEARCH_DEBUG=1 for a traceback)", 1)


def _interrupted(detail: str) -> int:
    if _isatty(sys.stderr):
        click.echo(err=True)          # off the line the terminal echoed ^C on
    return _line("Interrupted; ", detail, EXIT_CODE)


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _click_error(e) -> int:
    no_args = getattr(click.exceptions, "NoArgsIsHelpError", None)
    if no_args is not None and isinstance(e, no_args):
        click.echo(e.ctx.get_help())
        return 0
    message = e.format_message().rstrip(".")
    ctx = getattr(e, "ctx", None)
    if isinstance(e, click.NoSuchOption) and ctx is not None and not e.possibilities \
            and getattr(ctx.command, "takes_words", False):
        word = e.option_name.lstrip("-")
        message += (f"; to leave out passages with a word, write NOT {word}, or put the "
                    f"query after -- ('{ctx.command_path} -- -{word} …')")
    elif isinstance(e, click.UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return error_line(message, e.exit_code)


def _silence_stdout():
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
