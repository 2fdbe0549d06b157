"""Unpickling that cannot run code: only the classes an index of ours contains.

whoosh keeps the list of segments of a commit pickled in its table of contents,
and the headers of some of its files pickled too.  ``pickle.loads`` on a
crafted file runs whatever it names (``os.system``…), so every pickle ydsearch
reads from an index goes through :func:`loads` with an explicit allow-list of
``(module, name)`` globals; anything else raises :class:`UnsafePickleError`
before a single object of it is built.  Plain data (dicts, lists, tuples,
strings, numbers, bytes) needs no global at all.
"""
import io
import pickle
from typing import FrozenSet, Tuple

Global = Tuple[str, str]

#: Globals plain data pickles of whoosh may name (arrays and sets).
DATA: FrozenSet[Global] = frozenset({
    ("array", "array"), ("array", "_array_reconstructor"),
    ("builtins", "set"), ("builtins", "frozenset"),
    ("__builtin__", "set"), ("__builtin__", "frozenset"),
})

#: What the list of segments in a table of contents may name.
SEGMENTS: FrozenSet[Global] = DATA | frozenset({
    ("whoosh.codec.whoosh3", "W3Segment"),
    ("ydsearch.engine.codec", "YdCodec"),
    ("collections", "defaultdict"),
    ("builtins", "int"), ("__builtin__", "int"),
})

MAX_PICKLE = 64 << 20


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle named a global outside the allow-list (or was not a pickle)."""


class _Restricted(pickle.Unpickler):
    def __init__(self, file, allowed: FrozenSet[Global]):
        super().__init__(file)
        self._allowed = allowed

    def find_class(self, module, name):
        if (module, name) not in self._allowed:
            raise UnsafePickleError(f"refusing to load {module}.{name} from an index file")
        return super().find_class(module, name)


def load(file, allowed: FrozenSet[Global] = DATA):
    """Read one pickle from ``file`` with only ``allowed`` globals."""
    try:
        return _Restricted(file, allowed).load()
    except UnsafePickleError:
        raise
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, OverflowError, MemoryError, RecursionError) as e:
        raise UnsafePickleError(f"unreadable pickle ({type(e).__name__}: {e})") from None


def loads(data: bytes, allowed: FrozenSet[Global] = DATA):
    """``pickle.loads`` with only ``allowed`` globals."""
    if len(data) > MAX_PICKLE:
        raise UnsafePickleError("pickle too large")
    return load(io.BytesIO(data), allowed)
