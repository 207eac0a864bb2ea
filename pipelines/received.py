"""What a capture stores of a fetch's exchange as received (``crawler.exchange``):
the columns of ``storage.models.Capture`` that hold the body, the request and
the response as they went over the wire."""

from __future__ import annotations

import zlib
from typing import Any

from crawler.exchange import Exchange
from storage.payload import decodable


def received_columns(exchange: Exchange | None, body: bytes) -> dict[str, Any]:
    """The body columns of a capture whose decoded body is ``body``, and what
    ``exchange`` holds (none of it when no response came).

    A content-encoded payload is kept as received and decoded on demand; the
    decoded body is kept beside it only when ``storage.payload`` cannot decode it.
    """
    if exchange is None:
        return {"body_zlib": zlib.compress(body)}
    columns: dict[str, Any] = {
        "http_version": exchange.http_version,
        "reason": exchange.reason,
        "response_headers": [list(pair) for pair in exchange.response_headers],
        "request": {
            "method": exchange.method,
            "url": exchange.request_url,
            "headers": [list(pair) for pair in exchange.request_headers],
        },
        "ip_address": exchange.ip_address,
    }
    if exchange.payload is None or exchange.payload == body:
        columns["body_zlib"] = zlib.compress(body)
        return columns
    encoding = next(
        (v for k, v in exchange.response_headers if k.lower() == "content-encoding"), None
    )
    columns["payload"] = exchange.payload
    columns["body_zlib"] = b"" if decodable(encoding) else zlib.compress(body)
    return columns
