"""A payload as received, decoded on demand: the body of a response sent with
``Content-Encoding`` (gzip, deflate, br; zstd when a zstd module is installed).

A capture whose payload is content-encoded keeps the payload alone and
decodes it when read: inflating costs about what decompressing a stored copy
costs, and the payload is no larger than that copy (``benchmarks/warc_export.py``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from importlib import import_module


def _gunzip(data: bytes) -> bytes:
    """Every gzip member of ``data`` (a server may send several), inflated."""
    parts = []
    while data:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        parts.append(inflater.decompress(data))
        parts.append(inflater.flush())
        data = inflater.unused_data
    return b"".join(parts)


def _inflate(data: bytes) -> bytes:
    """``deflate`` as the RFC says (zlib), or as some servers send it (raw deflate)."""
    try:
        return zlib.decompress(data)
    except zlib.error:
        return zlib.decompress(data, -zlib.MAX_WBITS)


def _module_decoder(names: tuple[str, ...], function: str) -> Callable[[bytes], bytes] | None:
    for name in names:
        try:
            return getattr(import_module(name), function)
        except ImportError:
            continue
    return None


DECODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _inflate,
}
for _encoding, _names, _function in (
    ("br", ("brotli", "brotlicffi"), "decompress"),
    ("zstd", ("compression.zstd", "backports.zstd"), "decompress"),
):
    _decoder = _module_decoder(_names, _function)
    if _decoder is not None:
        DECODERS[_encoding] = _decoder


def encodings(content_encoding: str | None) -> list[str]:
    """The codings of a ``Content-Encoding`` value, in the order they were applied."""
    if not content_encoding:
        return []
    return [part.strip().lower() for part in content_encoding.split(",") if part.strip()]


def decodable(content_encoding: str | None) -> bool:
    """Whether :func:`decode` can undo every coding of ``content_encoding``."""
    codings = encodings(content_encoding)
    return bool(codings) and all(coding in DECODERS or coding == "identity" for coding in codings)


def decode(payload: bytes, content_encoding: str | None) -> bytes:
    """``payload`` with the codings of ``content_encoding`` undone, last applied first."""
    for coding in reversed(encodings(content_encoding)):
        if coding != "identity":
            payload = DECODERS[coding](payload)
    return payload
