"""Fetching one requisite of an article, a photo or a file, and telling what
came of it (:class:`~crawler.items.FetchedRequisite`).

The request goes through the downloader as the site's pages do (robots.txt,
the politeness delays, retries, the exchange kept as received), on any host:
photos often live on a CDN. Its size is capped by ``download_maxsize``. What
it is, an image or an attachment, and its file's name are told by the
response (``Content-Disposition``, the bytes) before the link. A requisite
refused by robots.txt is recorded with its name and never fetched; one over
the cap, failed, or answered with an HTML page instead of a file is recorded
with why; none of these fails its article. A URL an earlier run stored is
asked for conditionally: a 304 is the bytes stored before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from email.message import Message
from email.utils import collapse_rfc2231_value
from urllib.parse import unquote, urlsplit

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import Response

from crawler.items import CaptureItem, FetchedRequisite
from crawler.middlewares import REQUISITE, exchange_of, joined_headers
from pipelines.attachment_text import AttachmentReading, attachment_kind
from pipelines.requisite_links import ATTACHMENT, IMAGE, RequisiteLink
from storage.models import RequisiteStatus
from storage.requisites import KnownRequisite
from storage.types import now_seoul

# the requisites of an article go before new list pages and articles (it waits for them)
REQUISITE_PRIORITY = 10
ROBOTS_REASON = "disallowed by robots.txt: not fetched"

ReadAttachment = Callable[[bytes, str | None, str | None], Awaitable[AttachmentReading]]


class RequisiteFetcher:
    """Fetches requisites through one crawler's downloader, reading an
    attachment's text with ``read_attachment`` (the extraction service's)."""

    def __init__(self, crawler: Crawler, read_attachment: ReadAttachment) -> None:
        self.crawler = crawler
        self.read_attachment = read_attachment

    async def fetch(
        self, link: RequisiteLink, site: str, known: KnownRequisite | None, max_bytes: int
    ) -> FetchedRequisite:
        """``link`` fetched (at most ``max_bytes``; conditionally when ``known``)
        for an article of ``site``, and what came of it."""
        request = scrapy.Request(
            link.url,
            headers=_conditional_headers(known),
            meta={REQUISITE: True, "download_maxsize": max_bytes},
            priority=REQUISITE_PRIORITY,
            dont_filter=True,
        )
        fetched_at = now_seoul()
        try:
            response = await self.crawler.engine.download_async(request)
        except IgnoreRequest as exc:
            if "robots" in str(exc).lower():
                return unkept(link, RequisiteStatus.ROBOTS, ROBOTS_REASON, fetched_at)
            return unkept(link, RequisiteStatus.FAILED, f"not fetched: {exc}", fetched_at)
        except DownloadCancelledError:
            reason = f"over the cap of {max_bytes} bytes: not kept"
            return unkept(link, RequisiteStatus.TOO_LARGE, reason, fetched_at)
        except Exception as exc:  # no response: a reset, a timeout, a DNS failure
            reason = f"{type(exc).__name__}: {exc}"[:300]
            return unkept(link, RequisiteStatus.FAILED, reason, fetched_at)
        return await self._received(link, site, known, response, fetched_at)

    async def _received(
        self,
        link: RequisiteLink,
        site: str,
        known: KnownRequisite | None,
        response: Response,
        fetched_at: datetime,
    ) -> FetchedRequisite:
        """What a response to ``link``'s request makes of it."""
        headers = joined_headers(response)
        fetch = CaptureItem(
            site=site,
            family=None,
            url=link.url,
            final_url=response.url,
            status=response.status,
            headers=headers,
            body=response.body,
            fetched_at=fetched_at,
            list_page=0,
            exchange=exchange_of(response),
        )
        media_type = headers.get("Content-Type")
        if response.status == 304 and known is not None:
            return FetchedRequisite(
                link.url,
                known.kind,
                RequisiteStatus.UNCHANGED,
                fetch.fetched_at,
                file_type=known.file_type,
                name=known.name,
                caption=link.caption,
                reason=known.reason,
                media_type=known.media_type,
                sha256=known.sha256,
                size=known.size,
                text=known.text,
                fetch=fetch,
            )
        if response.status != 200:
            reason = f"HTTP {response.status}"
            return unkept(link, RequisiteStatus.FAILED, reason, fetched_at, fetch, media_type)
        body = response.body
        name = disposition_name(headers.get("Content-Disposition")) or link.name or _url_name(link)
        file_type = attachment_kind(body, name, media_type)
        kind = IMAGE if file_type == "image" else ATTACHMENT
        if kind == ATTACHMENT and (media_type or "").lower().startswith("text/html"):
            reason = "answered with a web page, not a file"
            return unkept(link, RequisiteStatus.FAILED, reason, fetched_at, fetch, media_type)
        text = reason = None
        if kind == ATTACHMENT:
            reading = await self.read_attachment(body, name, media_type)
            file_type, text, reason = reading.kind, reading.text, reading.refusal
        sha256 = hashlib.sha256(body).hexdigest()
        return FetchedRequisite(
            link.url,
            kind,
            RequisiteStatus.STORED,
            fetch.fetched_at,
            file_type=file_type,
            name=name,
            caption=link.caption,
            reason=reason,
            media_type=media_type,
            sha256=sha256,
            size=len(body),
            text=text,
            fetch=fetch,
            body=None if known is not None and known.sha256 == sha256 else body,
        )


def unkept(
    link: RequisiteLink,
    status: RequisiteStatus,
    reason: str,
    fetched_at: datetime,
    fetch: CaptureItem | None = None,
    media_type: str | None = None,
) -> FetchedRequisite:
    """``link`` with no bytes kept (refused, over a cap, failed), and why."""
    return FetchedRequisite(
        link.url,
        link.kind,
        status,
        fetched_at,
        name=link.name,
        caption=link.caption,
        reason=reason,
        media_type=media_type,
        fetch=fetch,
    )


def disposition_name(value: str | None) -> str | None:
    """The file name a ``Content-Disposition`` value gives: its ``filename*``
    (RFC 6266) before its ``filename``, read as UTF-8 or CP949 when a server
    sent it raw (headers come as Latin-1)."""
    if not value:
        return None
    message = Message()
    message["Content-Disposition"] = value
    names = [
        named for key, named in message.get_params([], header="content-disposition")
        if key == "filename"
    ]  # fmt: skip
    encoded = [collapse_rfc2231_value(named) for named in names if isinstance(named, tuple)]
    if encoded:
        return encoded[0].strip() or None
    if not names:
        return None
    raw = str(names[0]).strip('"').encode("latin-1", errors="ignore")
    for encoding in ("utf-8", "cp949"):
        try:
            return unquote(raw.decode(encoding), encoding=encoding).strip() or None
        except UnicodeDecodeError:
            continue
    return None


def _url_name(link: RequisiteLink) -> str | None:
    """The last part of the link's path, when it names a file."""
    last = unquote(urlsplit(link.url).path.rsplit("/", 1)[-1])
    return last if "." in last else None


def _conditional_headers(known: KnownRequisite | None) -> dict[str, str]:
    """The validators of the bytes an earlier run stored of the URL."""
    headers = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers
