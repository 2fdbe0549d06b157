"""Ctrl-C on the command line: one ``Interrupted; …`` line and exit status 130.

While a command runs, the first SIGINT raises :class:`KeyboardInterrupt` in
the main process as usual, and from then on SIGINT is ignored: the clean-up
that follows (stopping the parsing workers, deleting the files of the batch
not committed, removing a half-written ``-o`` file) cannot itself be cut
short by a second Ctrl-C.  The parsing workers ignore SIGINT from the start
(see :mod:`ydsearch.pipeline.parallel`), so the terminal's Ctrl-C, which
reaches the whole process group, is acted on by the main process alone.

A command that knows what the interruption left behind raises
:class:`Interrupted` with that (``index``: how many documents were committed);
every other command is read-only and reports that nothing changed.
"""
import signal
import threading
from contextlib import contextmanager

EXIT_CODE = 130
DEFAULT_DETAIL = "nothing was changed"


class Interrupted(Exception):
    """Ctrl-C, with what it left behind (the text after ``Interrupted; ``)."""

    def __init__(self, detail: str = DEFAULT_DETAIL):
        super().__init__(detail)
        self.detail = detail


def _first_sigint(signum, frame):
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    raise KeyboardInterrupt


@contextmanager
def sigint_once():
    """Make the first SIGINT a KeyboardInterrupt and ignore the ones after it.

    Left alone when SIGINT is ignored already (a background job of a
    non-interactive shell) or when not in the main thread; the previous
    handler is restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if previous is signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, _first_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
