"""whoosh's file storage with files read through memory maps.

whoosh's ``FileStorage`` reads with ``seek`` + ``read`` on one shared file
object, so two threads searching the same segment can interleave their seeks
and read each other's bytes.  Here every file opened for reading is mapped and
its positional reads (``get``, which the term table, the posting lists and
the stored fields use) slice the map: they need no file position and are
safe from any number of threads.  Mapping also means a query reads only the
pages it touches: opening a large index costs nothing up front.
"""
import mmap
import os
from array import array

from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.system import IS_LITTLE

_SIZES = {code: array(code).itemsize for code in "bBhHiIlLqQfd"}


class MappedFile(StructFile):
    """A read-only StructFile whose positional reads slice a memory map."""

    def __init__(self, fileobj, mapped, name=None):
        super().__init__(fileobj, name=name)
        self._map = mapped

    def get(self, position, length):
        return self._map[position:position + length]

    def get_array(self, position, typecode, length):
        a = array(typecode)
        a.frombytes(self._map[position:position + length * _SIZES[typecode]])
        if IS_LITTLE:
            a.byteswap()
        return a

    def close(self):
        if self.is_closed:
            return
        super().close()
        try:
            self._map.close()
        except BufferError:   # a view of the map is still in use: the GC closes it
            pass


class MappedStorage(FileStorage):
    """FileStorage whose ``open_file`` maps the file (see the module docstring)."""

    def open_file(self, name, **kwargs):
        f = open(self._fpath(name), "rb")
        try:
            if os.fstat(f.fileno()).st_size == 0:
                return StructFile(f, name=name)
            return MappedFile(f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), name=name)
        except BaseException:
            f.close()
            raise
