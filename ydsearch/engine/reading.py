"""Reading an index: the methods of :class:`~.index.Index` that give the searcher
and view of the last commit, search and count on them (a failure checked against
the files), and the lexicon, segmenter and state that queries and readers use."""
from typing import TYPE_CHECKING

from ..errors import IndexCorruptError, YdsearchError
from .files import damaged

if TYPE_CHECKING:
    from .index import Index


class Reading:
    """The reading half of :class:`~ydsearch.engine.index.Index` (a mixin)."""

    # -- reading -----------------------------------------------------------------------
    def _committed_searcher(self):
        """A fresh whoosh searcher on the last commit (the caller closes it)."""
        return self._ix.searcher()

    def searcher(self):
        """A whoosh searcher on the last commit (shared; refreshed after writes).

        A commit made meanwhile by another process is picked up; if the files
        of that commit are damaged or gone, :class:`IndexCorruptError` is raised.
        """
        with self._lock:
            try:
                if self._searcher is None:
                    self._searcher = self._ix.searcher()
                else:
                    fresh = self._searcher.refresh()
                    if fresh is not self._searcher:
                        self._searcher = fresh
            except YdsearchError:
                raise
            except Exception as e:  # noqa: BLE001 - whoosh/struct on bad files
                raise damaged(self.path, e) from None
            return self._searcher

    def view(self):
        """The :class:`~ydsearch.engine.view.IndexView` of the last commit."""
        from .files import check_segment_files
        from .view import IndexView, leaf_segments

        with self._lock:
            searcher = self.searcher()
            if self._view is None or self._view.searcher is not searcher:
                self._view = None   # the old view stays with searches in flight on other threads
                try:
                    check_segment_files(self.path, [r.segment() for r, _ in
                                                    leaf_segments(searcher)])
                    self._view = IndexView(searcher, self.path)
                except YdsearchError:
                    raise
                except Exception as e:  # noqa: BLE001 - a damaged substring index
                    raise damaged(self.path, e) from None
            return self._view

    def search(self, query: str, **options):
        """Search paragraphs; see :func:`ydsearch.query.search.run_search` for the options.

        An unexpected failure is checked against the index files: if they are
        damaged it becomes :class:`IndexCorruptError`.
        """
        from ..query.search import run_search

        return self._guarded(run_search, query, **options)

    def count(self, query: str, **filters) -> int:
        """The number of paragraphs matching ``query`` and the filters (as :meth:`search`)."""
        from ..query.search import count_matches

        return self._guarded(count_matches, query, **filters)

    def _guarded(self, fn, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except YdsearchError:
            raise
        except Exception as e:  # noqa: BLE001
            try:
                self.check(deep=True)
            except IndexCorruptError:
                raise damaged(self.path, e) from None
            raise

    @property
    def lexicon(self):
        """The domain lexicon queries are expanded with: the shipped one, plus the
        file named by ``YDSEARCH_LEXICON`` and those given to :meth:`use_lexicon`."""
        with self._lock:
            if self._lexicon is None:
                from ..query.lexicon import load_lexicon

                self._lexicon = load_lexicon(self._lexicon_paths)
            return self._lexicon

    def use_lexicon(self, *paths) -> "Index":
        """Add the entries of lexicon files (see :mod:`ydsearch.query.lexicon`)."""
        from ..query.lexicon import load_lexicon

        with self._lock:
            self._lexicon_paths = tuple(self._lexicon_paths) + tuple(str(p) for p in paths)
            self._lexicon = load_lexicon(self._lexicon_paths)
        return self

    @property
    def segmenter(self):
        """The segmenter of this index (its dictionary's hash is in the manifest)."""
        with self._lock:
            if self._segmenter is None:
                from .segmenter import Segmenter

                self._segmenter = Segmenter()
            return self._segmenter

    def doc_count(self) -> int:
        return self.view().live_count

    def being_written(self) -> bool:
        """True while another process holds this index's writer lock."""
        from .locks import writer_active

        return writer_active(self.path)

    def generation(self) -> int:
        """A number that changes with every commit on disk (whoosh's TOC generation);
        cheap (one directory listing), for long-running readers to notice new commits."""
        return self._ix.latest_generation()
