"""The HTTP exchange of a fetch as it went over the wire (:class:`Exchange`):
the request as sent and the response as received, before its body was
decoded; and the columns of ``storage.models.Capture`` that keep it
(:func:`received_columns`). ``crawler.middlewares.ExchangeMiddleware`` records it."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from storage.payload import decodable

HeaderPairs = list[tuple[str, str]]


@dataclass
class Exchange:
    """One request as sent and the response to it as received."""

    method: str
    request_url: str  # percent-encoded, as sent
    request_headers: HeaderPairs
    http_version: str | None  # "HTTP/1.1"; None when Scrapy did not say
    reason: str  # the status's reason phrase
    # as Scrapy has them: each name where it first came, repeated headers kept apart
    response_headers: HeaderPairs
    ip_address: str | None  # of the server, when Scrapy knows it
    # the body before content decoding; None: the same as the decoded body
    payload: bytes | None = field(default=None, repr=False)


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` (Scrapy does not keep the server's)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


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
