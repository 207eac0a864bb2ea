"""The HTTP exchange of a page as it went over the wire: the request as sent
and the response as received, before Scrapy decodes its body.

``ExchangeMiddleware`` sits between ``RedirectMiddleware`` (600) and
``HttpCompressionMiddleware`` (590): it sees the final response of a fetch
(redirects followed) while its body is still gzip, deflate or br, and keeps
it on the request's ``meta`` for the spider. The size limit of
``HttpCompressionMiddleware`` still holds on the decoded body, so a gzip bomb
is refused as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from urllib.parse import urlsplit

from scrapy.http import Request, Response
from scrapy.http.headers import Headers

# the request meta key the exchange of a fetch is kept under
EXCHANGE = "newsarchive_exchange"

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


def header_pairs(headers: Headers) -> HeaderPairs:
    """Scrapy's headers as (name, value) pairs, one per value."""
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, values in headers.items()
        for value in values
    ]


def reason_phrase(status: int) -> str:
    """The standard reason phrase of ``status`` (Scrapy does not keep the server's)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _with_host(url: str, pairs: Iterable[tuple[str, str]]) -> HeaderPairs:
    """``pairs`` with the ``Host`` header the HTTP client adds when it sends them."""
    pairs = list(pairs)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs.insert(0, ("Host", urlsplit(url).netloc))
    return pairs


def exchange_of(response: Response | None) -> Exchange | None:
    """The exchange that brought ``response`` to the spider; its payload only when
    Scrapy decoded the body (so an item does not carry the body twice)."""
    if response is None or response.request is None:
        return None
    exchange: Exchange | None = response.request.meta.get(EXCHANGE)
    if exchange is None or exchange.payload is not response.body:
        return exchange
    return replace(exchange, payload=None)


class ExchangeMiddleware:
    """Keeps each fetch's :class:`Exchange` on ``request.meta[EXCHANGE]``."""

    def process_response(self, request: Request, response: Response) -> Response:
        request.meta[EXCHANGE] = Exchange(
            method=request.method,
            request_url=request.url,
            request_headers=_with_host(request.url, header_pairs(request.headers)),
            http_version=response.protocol,
            reason=reason_phrase(response.status),
            response_headers=header_pairs(response.headers),
            payload=response.body,
            ip_address=str(response.ip_address) if response.ip_address is not None else None,
        )
        return response
