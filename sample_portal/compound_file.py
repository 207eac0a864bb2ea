"""A minimal writer of OLE2 compound files (Microsoft's Compound File Binary
format, version 3): the container of HWP 5 documents the sample portal makes.

Streams under 4096 bytes go in the mini stream (64-byte mini sectors), the
others in 512-byte sectors; storages are made from the streams' paths
(``BodyText/Section0``). Each storage's children are chained as right
siblings in the format's order (shorter name first, then by upper-case name),
all black: a valid, if unbalanced, tree. No clock: the same streams give the
same bytes.
"""

from __future__ import annotations

import itertools
import struct

_SECTOR = 512
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096
_FREE = 0xFFFFFFFF
_END = 0xFFFFFFFE
_FAT_SECTOR = 0xFFFFFFFD
_NO_STREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5


class _Entry:
    def __init__(self, name: str, kind: int, data: bytes = b"") -> None:
        self.name = name
        self.kind = kind
        self.data = data
        self.children: list[_Entry] = []
        self.index = 0
        self.right = _NO_STREAM
        self.child = _NO_STREAM
        self.start = _END
        self.size = len(data)

    def order(self) -> tuple[int, str]:
        return (len(self.name), self.name.upper())

    def packed(self) -> bytes:
        name = self.name.encode("utf-16-le")
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name) + 2,
            self.kind,
            1,  # black
            _NO_STREAM,
            self.right,
            self.child,
            b"\0" * 16,
            0,
            0,
            0,
            self.start,
            self.size,
        )


def compound_file(streams: dict[str, bytes]) -> bytes:
    """The compound file holding ``streams``, keyed by their ``/``-separated paths."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        *storages, name = path.split("/")
        parent = root
        for storage in storages:
            found = next((c for c in parent.children if c.name == storage), None)
            if found is None:
                found = _Entry(storage, _STORAGE)
                parent.children.append(found)
            parent = found
        parent.children.append(_Entry(name, _STREAM, data))
    entries = _numbered(root)

    mini_streams = [e for e in entries if e.kind == _STREAM and e.size < _MINI_CUTOFF]
    big_streams = [e for e in entries if e.kind == _STREAM and e.size >= _MINI_CUTOFF]
    mini_fat: list[int] = []
    mini_data = bytearray()
    for entry in mini_streams:
        count = _count(entry.size, _MINI_SECTOR)
        entry.start = len(mini_fat) if count else _END
        mini_fat.extend(range(len(mini_fat) + 1, len(mini_fat) + count))
        if count:
            mini_fat.append(_END)
        mini_data += _padded(entry.data, _MINI_SECTOR)

    counts = {
        "directory": _count(len(entries) * 128, _SECTOR),
        "mini_fat": _count(len(mini_fat) * 4, _SECTOR),
        "mini_data": _count(len(mini_data), _SECTOR),
        "big": sum(_count(e.size, _SECTOR) for e in big_streams),
    }
    fat_sectors = 1
    while fat_sectors * (_SECTOR // 4) < fat_sectors + sum(counts.values()):
        fat_sectors += 1
    if fat_sectors > 109:
        raise ValueError("more streams than a header's FAT list holds")

    fat: list[int] = [_FAT_SECTOR] * fat_sectors

    def chain(count: int) -> int:
        if not count:
            return _END
        first = len(fat)
        fat.extend(range(first + 1, first + count))
        fat.append(_END)
        return first

    directory_start = chain(counts["directory"])
    mini_fat_start = chain(counts["mini_fat"])
    root.start = chain(counts["mini_data"])
    root.size = len(mini_data)
    big_data = bytearray()
    for entry in big_streams:
        entry.start = chain(_count(entry.size, _SECTOR))
        big_data += _padded(entry.data, _SECTOR)

    empty = struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, *[_NO_STREAM] * 3, b"", 0, 0, 0, 0, 0)
    directory = b"".join(e.packed() for e in entries)
    directory += empty * (counts["directory"] * 4 - len(entries))
    fat_bytes = struct.pack(f"<{len(fat)}I", *fat)
    fat_bytes += b"\xff" * (fat_sectors * _SECTOR - len(fat_bytes))
    mini_fat_bytes = _padded(struct.pack(f"<{len(mini_fat)}I", *mini_fat), _SECTOR, b"\xff")
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"\0" * 16,
        0x003E,
        0x0003,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        fat_sectors,
        directory_start,
        0,
        _MINI_CUTOFF,
        mini_fat_start if mini_fat else _END,
        counts["mini_fat"],
        _END,
        0,
    ) + struct.pack("<109I", *range(fat_sectors), *[_FREE] * (109 - fat_sectors))
    return b"".join(
        (
            header,
            fat_bytes,
            directory,
            mini_fat_bytes if mini_fat else b"",
            _padded(bytes(mini_data), _SECTOR),
            bytes(big_data),
        )
    )


def _numbered(root: _Entry) -> list[_Entry]:
    """The entries in directory order, each storage's children chained."""
    entries = [root]
    pending = [root]
    while pending:
        storage = pending.pop(0)
        children = sorted(storage.children, key=_Entry.order)
        for child in children:
            child.index = len(entries)
            entries.append(child)
        for left, right in itertools.pairwise(children):
            left.right = right.index
        if children:
            storage.child = children[0].index
        pending.extend(c for c in children if c.kind == _STORAGE)
    return entries


def _count(size: int, unit: int) -> int:
    return -(-size // unit)


def _padded(data: bytes, unit: int, fill: bytes = b"\0") -> bytes:
    return data + fill * (-len(data) % unit)
