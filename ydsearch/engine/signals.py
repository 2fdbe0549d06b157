"""Holding Ctrl-C back for the few milliseconds in which it would leave a mess.

While a writer is set up (lock taken, files created, the writer not yet in the
hands of the code that would clean it up) or discarded, and while ``create``
swaps an index's files, SIGINT is held and raised at the end of the block.
"""
import signal
import threading
from contextlib import contextmanager


@contextmanager
def interrupts_held():
    """Hold SIGINT back in the block; if one came, raise it (KeyboardInterrupt) at the end.

    Only in the main thread (the only one Python delivers signals to) and only
    over a Python-level handler; otherwise the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):
        yield
        return
    pending = []
    signal.signal(signal.SIGINT, lambda signum, frame: pending.append((signum, frame)))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if pending:
            previous(*pending[0])
