"""The progress bar of ``ydsearch index``, drawn by tqdm on stderr.

It counts input bytes (a ``.jsonl.gz`` by its compressed bytes, so the bar
moves with the file on disk), which gives the total, the percentage, the rate
and the time left from the start; the documents and paragraphs indexed so far
follow on the same line.  While the engine commits a batch (10--15 s on a
large index) the bar says ``committing…`` and its clock keeps running.

Only on a terminal: the caller creates it when stderr is a TTY, so logs and
pipes get no carriage returns.  tqdm is imported here only.
"""
import os
import threading
from typing import Iterable, Optional

from ..pipeline.reader import input_files

TICK = 0.5      # seconds between redraws while committing


def input_bytes(paths: Iterable[str]) -> int:
    """The size on disk of every file ``index`` will read for ``paths``."""
    total = 0
    for f in input_files(list(paths)):
        try:
            total += os.path.getsize(f)
        except OSError:
            pass
    return total


class IndexProgress:
    """Callbacks for parsing (``read``), writing (``documents``), refusals and commits."""

    def __init__(self, paths, stream):
        from tqdm import tqdm

        try:            # a terminal that reports no size (0 columns) gets 100
            sized = os.get_terminal_size(stream.fileno()).columns > 0
        except (OSError, ValueError, AttributeError):
            sized = False
        self.bar = tqdm(total=input_bytes(paths), unit="B", unit_scale=True,
                        unit_divisor=1024, desc="indexing", file=stream, leave=False,
                        dynamic_ncols=sized, ncols=None if sized else 100,
                        miniters=1, mininterval=0.2)
        self._ticker: Optional[threading.Thread] = None
        self._stop = threading.Event()

    def read(self, n: int) -> None:
        if n:
            self.bar.update(n)

    def documents(self, docs: int, paragraphs: int) -> None:
        self.bar.set_postfix_str(f"{docs:,} documents, {paragraphs:,} paragraphs",
                                 refresh=False)

    def refused(self, path: str) -> None:
        """A whole file refused: its bytes count as done."""
        if os.path.isfile(path):
            try:
                self.bar.update(os.path.getsize(path))
            except OSError:
                pass

    def commit(self, stage: str) -> None:
        """``"start"``: say ``committing…`` and keep the clock running; ``"end"``: go on."""
        if stage == "start":
            self.bar.set_description_str("committing…", refresh=True)
            self._stop = threading.Event()
            self._ticker = threading.Thread(target=self._tick, args=(self._stop,), daemon=True)
            self._ticker.start()
        else:
            self._stop_ticker()
            self.bar.set_description_str("indexing", refresh=True)

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(TICK):
            self.bar.refresh()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None

    def close(self) -> None:
        self._stop_ticker()
        self.bar.close()
