"""The parts of an .xlsx package (a zip), read from the file's bytes already in memory, for the
limits checks (:mod:`lkjip_helpers.limits`): the directory parsed once with ``struct``, a part
inflated with ``zlib`` in pieces of a chosen size. It does what :class:`zipfile.ZipFile` does for
these reads (its ``infolist``, ``getinfo``, ``read`` and ``open(...).read(n)``: the declared
sizes, the last entry of a name, the local header's name checked, the output cut at the declared
size and its CRC checked, the same exceptions) at a fraction of its cost on a small workbook.

:func:`parse` answers ``None`` for anything but a plain package — a comment after the directory,
data before the zip, ZIP64, several disks, encryption, a method other than stored or deflated,
an unusual name —: the caller then opens it with :mod:`zipfile`.
"""
from __future__ import annotations

import struct
import zlib
from typing import NamedTuple
from zipfile import BadZipFile

_END = struct.Struct("<4s4H2LH")            # end of central directory, 22 bytes
_ENTRY = struct.Struct("<4s4B4HL2L5H2L")    # central directory entry, 46 bytes
_LOCAL = struct.Struct("<4s2B4HL2L2H")      # local file header, 30 bytes
_FAR = 0xFFFFFFFF                           # a ZIP64 size or offset
_UNSUPPORTED = 0x1 | 0x20 | 0x40            # encrypted, patched, strongly encrypted
_SMALL = 64 * 1024                          # a part kept once read whole (Package.read)


class Part(NamedTuple):
    filename: str
    file_size: int
    compress_size: int
    method: int
    crc: int
    offset: int            # of its local header


class Package:
    """A parsed package: ``infolist``/``getinfo``/``read``/``open`` as in :mod:`zipfile`."""

    def __init__(self, data: bytes, parts: list[Part]):
        self.data, self.parts = data, parts
        self.names = {p.filename: p for p in parts}   # a name twice: the last, as zipfile
        self._small: dict[str, bytes] = {}   # small parts read whole (the relationships...)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def infolist(self) -> list[Part]:
        return self.parts

    def getinfo(self, name: str) -> Part:
        return self.names[name]

    def read(self, name: str) -> bytes:
        """The part's content; a small part (up to 64 KB: the workbook, its relationships, the
        styles) once, kept for the next read of it (the checks, then the reader's formats)."""
        data = self._small.get(name)
        if data is not None:
            return data
        part = self.getinfo(name)
        with self.open(part) as fh:
            data = fh.read(-1)
        if part.file_size <= _SMALL:
            self._small[name] = data
        return data

    def open(self, part: Part) -> PartReader:
        head = self.data[part.offset:part.offset + _LOCAL.size]
        if len(head) != _LOCAL.size:
            raise BadZipFile("Truncated file header")
        sig, _, _, flags, _, _, _, _, _, _, n_name, n_extra = _LOCAL.unpack(head)
        if sig != b"PK\x03\x04":
            raise BadZipFile("Bad magic number for file header")
        start = part.offset + _LOCAL.size
        name = self.data[start:start + n_name]
        if name.decode("utf-8" if flags & 0x800 else "cp437") != part.filename:
            raise BadZipFile(f"File name in directory {part.filename!r} and header {name!r} "
                             "differ.")
        start += n_name + n_extra
        return PartReader(part, memoryview(self.data)[start:start + part.compress_size])


class PartReader:
    """One part's content, inflated a piece at a time (as ``zipfile.ZipExtFile.read``: at most
    ``n`` compressed bytes fed a call, the output cut at the declared size, the CRC checked)."""

    def __init__(self, part: Part, source: memoryview):
        self.part, self.source = part, source
        self.short = len(source) < part.compress_size   # the file ends inside the part
        self.left = part.file_size
        self.crc = 0
        self.eof = False
        self.inflate = zlib.decompressobj(-15) if part.method == 8 else None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all that is left when ``n`` < 0); b"" at the end."""
        if n < 0:
            pieces = []
            while piece := self.read(1 << 20):
                pieces.append(piece)
            return b"".join(pieces)
        pieces, wanted = [], n
        while wanted > 0 and not self.eof:   # n bytes, unless the part ends first
            data, done = self._inflate(wanted) if self.inflate is not None else \
                self._stored(wanted)
            data = data[:self.left]
            self.left -= len(data)
            self.eof = done or self.left <= 0
            self.crc = zlib.crc32(data, self.crc)
            if self.eof and self.crc != self.part.crc:
                raise BadZipFile(f"Bad CRC-32 for file {self.part.filename!r}")
            pieces.append(data)
            wanted -= len(data)
        return pieces[0] if len(pieces) == 1 else b"".join(pieces)

    def _take(self, n: int) -> memoryview:
        if n > 0 and not len(self.source) and self.short:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        piece, self.source = self.source[:max(n, 0)], self.source[max(n, 0):]
        return piece

    def _stored(self, n: int) -> tuple[bytes, bool]:
        data = bytes(self._take(n))
        return data, not len(self.source) and not self.short

    def _inflate(self, n: int) -> tuple[bytes, bool]:
        tail = self.inflate.unconsumed_tail
        more = self._take(n - len(tail))
        data = self.inflate.decompress(tail + more if tail else more, n)
        done = self.inflate.eof or not len(self.source) and not self.inflate.unconsumed_tail
        if done and not self.short:
            data += self.inflate.flush()
        elif done:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        return data, done


def parse(data: bytes) -> Package | None:
    """The package in ``data``, or ``None`` when it is not a plain one (see the module)."""
    end = len(data) - _END.size
    if end < 0:
        return None
    sig, disk, disk_dir, n_here, n_all, dir_size, dir_at, comment = _END.unpack_from(data, end)
    if (sig != b"PK\x05\x06" or comment or disk or disk_dir or n_here != n_all
            or dir_at + dir_size != end or data[end - 20:end - 16] == b"PK\x06\x07"):
        return None
    parts, at = [], dir_at
    for _ in range(n_all):
        if at + _ENTRY.size > end:
            return None
        (sig, _, _, version, _, flags, method, _, _, crc, csize, size, n_name, n_extra, n_comment,
         _, _, _, offset) = _ENTRY.unpack_from(data, at)
        raw = data[at + _ENTRY.size:at + _ENTRY.size + n_name]
        if (sig != b"PK\x01\x02" or flags & _UNSUPPORTED or method not in (0, 8) or version > 63
                or _FAR in (csize, size, offset) or b"\0" in raw or len(raw) != n_name):
            return None
        try:
            name = raw.decode("ascii" if raw.isascii() else "utf-8" if flags & 0x800 else "cp437")
        except UnicodeDecodeError:
            return None
        parts.append(Part(name, size, csize, method, crc, offset))
        at += _ENTRY.size + n_name + n_extra + n_comment
    if at != end:
        return None
    return Package(data, parts)
