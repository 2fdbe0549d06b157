"""Where results go: stdout, or ``-o FILE``; and which format (``-f``, ``--json``).

A file is written whole or not at all: into a temporary file beside it,
renamed over ``FILE`` when the command succeeds and deleted when it fails or
is interrupted, so an existing ``FILE`` is never left half-overwritten.  CSV
and TSV written to a file start with a UTF-8 byte-order mark, so that
spreadsheet programs read the Chinese text as UTF-8 (on stdout there is none).
"""
import os
import sys
import tempfile
from pathlib import Path
from typing import Optional, Sequence

import click

from .formats import FORMATS


def format_options(formats: Sequence[str] = FORMATS, json_help: str = "Print as JSON."):
    """``-f/--format``, ``-o/--output FILE`` and ``--json`` (= ``-f json``)."""
    def decorate(f):
        f = click.option("-o", "--output", metavar="FILE",
                         help="Write the results to FILE instead of stdout "
                              "(replaced whole, or not at all).")(f)
        f = click.option("-f", "--format", "fmt", type=click.Choice(list(formats)),
                         help=f"Output format: {', '.join(formats)} (default: text).")(f)
        f = click.option("--json", "as_json", is_flag=True, help=json_help)(f)
        return f
    return decorate


def chosen_format(ctx, fmt: Optional[str], as_json: bool) -> str:
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and -f {fmt} ask for different formats; use one", ctx)
    return "json" if as_json else (fmt or "text")


class Output:
    """A context manager: ``out.write(text)`` goes to stdout or to the file."""

    def __init__(self, path: Optional[str], fmt: str = "text", colour: bool = False):
        self.path = None if path in (None, "-") else Path(path).expanduser()
        self.fmt = fmt
        self.colour = colour
        self._fh = None
        self._tmp = None
        self.written = False

    @property
    def to_terminal(self) -> bool:
        return self.path is None

    def __enter__(self):
        if self.path is not None:
            folder = self.path.parent
            if not folder.is_dir():
                raise click.UsageError(f"-o {self.path}: folder {folder} does not exist")
            if self.path.is_dir():
                raise click.UsageError(f"-o {self.path}: is a folder")
            fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp",
                                             dir=str(folder))
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self._tmp, 0o666 & ~mask)      # as a new file would be, not 0600
            self._fh = os.fdopen(fd, "w", encoding="utf-8", newline="")
            if self.fmt in ("csv", "tsv"):
                self._fh.write("\ufeff")
        return self

    def write(self, text: str) -> None:
        if not text:
            return
        self.written = True
        if self._fh is not None:
            self._fh.write(text)
        else:
            click.echo(text, nl=False, color=self.colour)

    def __exit__(self, exc_type, exc, tb):
        if self._fh is None:
            if exc_type is None:
                sys.stdout.flush()
            return False
        try:
            self._fh.close()
            if exc_type is None:
                os.replace(self._tmp, self.path)
                self._tmp = None
        finally:
            if self._tmp is not None:
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass
        return False
