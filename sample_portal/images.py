"""Small, valid images made byte for byte: a baseline JPEG of flat 8x8 tiles
(each block its DC coefficient alone) and an 8-bit RGB PNG.

Both makers are deterministic: the same pixels give the same bytes, so a
test may compare digests.
"""

from __future__ import annotations

import random
import struct
import zlib
from collections.abc import Sequence

Color = tuple[int, int, int]
# the paths a portal answers with :func:`photo_at` when no other route does
PHOTO_SUFFIXES = (".jpg", ".jpeg")

# JPEG: one quantization table (the DC step 8 makes a tile's DC its mean level
# less 128), the standard luminance DC Huffman table (ITU T.81 Annex K.3) and
# an AC table holding only the end-of-block code
_DC_BITS = (0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
_DC_VALUES = tuple(range(12))
_AC_BITS = (1, *(0,) * 15)
_AC_VALUES = (0x00,)
_END_OF_BLOCK = (0, 1)  # code 0, one bit long
_JFIF = b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"


def _huffman_codes(bits: Sequence[int], values: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Each value's (code, length) from a DHT's counts per length."""
    codes: dict[int, tuple[int, int]] = {}
    code, at = 0, 0
    for length, count in enumerate(bits, 1):
        for _ in range(count):
            codes[values[at]] = (code, length)
            code, at = code + 1, at + 1
        code <<= 1
    return codes


_DC_CODES = _huffman_codes(_DC_BITS, _DC_VALUES)


def _segment(marker: int, payload: bytes) -> bytes:
    return struct.pack(">BBH", 0xFF, marker, len(payload) + 2) + payload


def _ycbcr(color: Color) -> tuple[int, int, int]:
    """The tile's levels less 128 (a DC quantized by 8), in JPEG's YCbCr."""
    r, g, b = color
    y = 0.299 * r + 0.587 * g + 0.114 * b
    cb = -0.168736 * r - 0.331264 * g + 0.5 * b
    cr = 0.5 * r - 0.418688 * g - 0.081312 * b
    return round(y - 128), round(cb), round(cr)


def make_jpeg(tiles: Sequence[Sequence[Color]]) -> bytes:
    """A baseline JPEG (JFIF, 4:4:4) whose 8x8 blocks are the flat colors of
    ``tiles`` (rows of RGB colors): 8 pixels a tile each way."""
    height, width = 8 * len(tiles), 8 * len(tiles[0])
    bits, count = 0, 0
    data = bytearray()

    def put(code: int, length: int) -> None:
        nonlocal bits, count
        bits, count = bits << length | code, count + length
        while count >= 8:
            count -= 8
            byte = bits >> count & 0xFF
            data.extend(b"\xff\x00" if byte == 0xFF else bytes((byte,)))
        bits &= (1 << count) - 1

    previous = [0, 0, 0]
    for row in tiles:
        for color in row:
            for component, level in enumerate(_ycbcr(color)):
                difference = level - previous[component]
                previous[component] = level
                size = abs(difference).bit_length()
                put(*_DC_CODES[size])
                if size:
                    put(difference if difference > 0 else difference + (1 << size) - 1, size)
                put(*_END_OF_BLOCK)
    if count:
        put((1 << (8 - count)) - 1, 8 - count)
    components = b"".join(struct.pack(">BBB", n, 0x11, 0) for n in (1, 2, 3))
    tables = b"".join(
        bytes((kind,)) + bytes(counts) + bytes(values)
        for kind, counts, values in ((0x00, _DC_BITS, _DC_VALUES), (0x10, _AC_BITS, _AC_VALUES))
    )
    scan = bytes((3,)) + b"".join(bytes((n, 0x00)) for n in (1, 2, 3)) + b"\x00\x3f\x00"
    return (
        b"\xff\xd8"
        + _segment(0xE0, _JFIF)
        + _segment(0xDB, b"\x00" + bytes((8, *(1,) * 63)))
        + _segment(0xC0, struct.pack(">BHHB", 8, height, width, 3) + components)
        + _segment(0xC4, tables)
        + _segment(0xDA, scan)
        + bytes(data)
        + b"\xff\xd9"
    )


def _chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def make_png(pixels: Sequence[Sequence[Color]]) -> bytes:
    """An 8-bit RGB PNG of ``pixels`` (rows of RGB colors), no interlace."""
    height, width = len(pixels), len(pixels[0])
    raw = b"".join(b"\0" + bytes(v for color in row for v in color) for row in pixels)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def photo_at(path: str) -> bytes:
    """The photo an article's body shows at ``path``: 12 by 8 tiles of colours
    drawn from the path, so each path has its own bytes, the same every time."""
    rng = random.Random(path)

    def colour() -> Color:
        return rng.randrange(256), rng.randrange(256), rng.randrange(256)

    return make_jpeg([[colour() for _ in range(12)] for _ in range(8)])
