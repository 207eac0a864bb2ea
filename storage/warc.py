"""Export captures as WARC (ISO 28500, version 1.1), written with warcio.

Each file begins with a ``warcinfo`` record (software, robots policy,
User-Agent). Each capture that got a response becomes a ``response`` record
(its payload as received, ``Content-Encoding`` and all) and, when the request
was kept, a ``request`` record linked to it by ``WARC-Concurrent-To``; a
capture whose payload is byte-identical to one written before becomes a
``revisit`` record (identical-payload-digest profile) instead of a response.

Captures made before the exchange was kept (``decoded_only``) hold a decoded
body: their ``Content-Encoding``, ``Content-Length`` and ``Transfer-Encoding``
are renamed ``X-Archive-Orig-...`` and a ``Content-Length`` of the stored body
is given, as replay tools expect. So is ``Transfer-Encoding`` of any capture
(the payload is kept de-chunked).

Files roll over past a size (1 GB by convention): ``NAME.warc.gz``,
``NAME-00001.warc.gz``, ... They are written as ``.partial`` files and renamed
only once the whole export is written, so an interrupted export leaves no
file that looks complete.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, Row, Select, select
from sqlalchemy.orm import Session
from w3lib.url import safe_url_string
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from storage.exchange import reason_phrase
from storage.export import ExportFilter, published_within
from storage.models import Article, Capture, Site

# headers that describe the body as sent, not as a decoded-only capture keeps it
_AS_SENT = ("content-encoding", "content-length", "transfer-encoding")
ORIGINAL = "X-Archive-Orig-"
WARC_SUFFIXES = (".warc.gz", ".warc")


@dataclass(frozen=True)
class WarcInfo:
    """What the ``warcinfo`` record says of the crawler that made the captures."""

    software: str
    robots: str  # "classic" (robots.txt obeyed) or "ignore"
    user_agent: str

    @classmethod
    def of(cls, user_agent: str, robots_obeyed: bool) -> WarcInfo:
        software = f"newsarchive/{version('newsarchive')} (warcio/{version('warcio')})"
        return cls(software, "classic" if robots_obeyed else "ignore", user_agent)

    def fields(self) -> dict[str, str]:
        return {
            "software": self.software,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/"
            "warc-format/warc-1.1/",
            "robots": self.robots,
            "http-header-user-agent": self.user_agent,
        }


@dataclass
class Page:
    """An article's page as a replay tool lists it."""

    url: str
    ts: str  # ISO 8601, UTC
    title: str


@dataclass
class WarcExport:
    """What an export wrote."""

    files: list[Path] = field(default_factory=list)
    captures: int = 0
    responses: int = 0
    revisits: int = 0
    requests: int = 0
    pages: list[Page] = field(default_factory=list)


def is_warc(path: Path) -> bool:
    return path.name.lower().endswith(WARC_SUFFIXES)


def target_uri(capture: Capture) -> str:
    """The URL a capture is replayed at: as requested (after redirects),
    percent-encoded (replay tools fail on raw Hangul)."""
    sent = capture.request["url"] if capture.request else capture.final_url
    return safe_url_string(sent)


def payload_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def _warc_date(when: datetime) -> str:
    return datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True)


def _response_headers(capture: Capture) -> tuple[StatusAndHeaders, bytes]:
    """The HTTP headers and payload a capture's response record holds."""
    status = capture.status or 0
    statusline = f"{status} {capture.reason or reason_phrase(status)}".strip()
    protocol = capture.http_version or "HTTP/1.1"
    if capture.decoded_only or capture.response_headers is None:
        body = capture.body
        pairs = [
            (ORIGINAL + name if name.lower() in _AS_SENT else name, value)
            for name, value in (capture.headers or {}).items()
        ]
        pairs.append(("Content-Length", str(len(body))))
        return StatusAndHeaders(statusline, pairs, protocol=protocol), body
    payload = capture.payload if capture.payload is not None else capture.body
    pairs = [
        (ORIGINAL + name if name.lower() == "transfer-encoding" else name, value)
        for name, value in capture.response_headers
    ]
    return StatusAndHeaders(statusline, pairs, protocol=protocol), payload


def _request_headers(capture: Capture, uri: str) -> StatusAndHeaders | None:
    """The request line and headers as sent; None when they were not kept."""
    if not capture.request:
        return None
    split = urlsplit(uri)
    target = (split.path or "/") + (f"?{split.query}" if split.query else "")
    protocol = capture.http_version or "HTTP/1.1"
    return StatusAndHeaders(
        f"{capture.request['method']} {target} {protocol}",
        [(name, value) for name, value in capture.request["headers"]],
        is_http_request=True,
    )


class RollingWarc:
    """WARC files under one name, rolled over past ``max_size`` bytes, each
    begun with a ``warcinfo`` record; kept ``.partial`` until :meth:`finish`."""

    def __init__(self, path: Path, info: WarcInfo, max_size: int) -> None:
        self.path = path
        self.info = info
        self.max_size = max_size
        self.compressed = path.name.lower().endswith(".gz")
        self.partials: list[Path] = []
        self._out: IO[bytes] | None = None
        self._writer: WARCWriter | None = None

    def _name(self, number: int) -> Path:
        if number == 0:
            return self.path
        suffix = ".warc.gz" if self.compressed else ".warc"
        stem = self.path.name[: -len(suffix)]
        return self.path.with_name(f"{stem}-{number:05d}{suffix}")

    def writer(self) -> WARCWriter:
        """The writer of the current file; a new file when this one is full."""
        if self._writer is not None and self._out is not None:
            if self._out.tell() < self.max_size:
                return self._writer
            self._out.close()
        final = self._name(len(self.partials))
        partial = final.with_name(final.name + ".partial")
        self.partials.append(partial)
        self._out = partial.open("wb")
        self._writer = WARCWriter(self._out, gzip=self.compressed, warc_version="1.1")
        self._writer.write_record(
            self._writer.create_warcinfo_record(final.name, self.info.fields())
        )
        return self._writer

    def finish(self) -> list[Path]:
        """Close the last file and rename every file into place; their paths."""
        if self._out is not None:
            self._out.close()
        finals = []
        for partial in self.partials:
            final = partial.with_name(partial.name.removesuffix(".partial"))
            partial.replace(final)
            finals.append(final)
        return finals


def _captures(wanted: ExportFilter) -> Select[Any]:
    query = (
        select(Capture, Article.title)
        .join(Site, Capture.site_id == Site.id)
        .outerjoin(Article, Article.capture_id == Capture.id)
        .where(Capture.status.is_not(None), *published_within(Capture.published, wanted))
        .order_by(Capture.fetched_at, Capture.id)
    )
    if wanted.site:
        query = query.where(Site.name == wanted.site)
    return query


def _rows(engine: Engine, wanted: ExportFilter) -> Iterator[Row[Any]]:
    """(capture, title of the article extracted from it or None), oldest fetch first."""
    with Session(engine) as session:
        yield from session.execute(_captures(wanted).execution_options(yield_per=200))


def export_warc(
    engine: Engine, path: Path, wanted: ExportFilter, info: WarcInfo, max_size: int
) -> WarcExport:
    """Write the captures ``wanted`` selects (by site, and the publication date
    of what was extracted from them) as WARC to ``path`` (``.warc.gz`` or ``.warc``)."""
    files = RollingWarc(path, info, max_size)
    done = WarcExport()
    first_seen: dict[str, tuple[str, str]] = {}  # payload digest -> (URI, WARC-Date)
    for capture, title in _rows(engine, wanted):
        writer = files.writer()
        uri = target_uri(capture)
        date = _warc_date(capture.fetched_at)
        http_headers, payload = _response_headers(capture)
        digest = payload_digest(payload)
        warc_headers = {"WARC-Date": date}
        if capture.ip_address:
            warc_headers["WARC-IP-Address"] = capture.ip_address
        earlier = first_seen.get(digest)
        if earlier is not None:
            record = writer.create_revisit_record(
                uri, digest, earlier[0], earlier[1], http_headers, warc_headers
            )
            done.revisits += 1
        else:
            first_seen[digest] = (uri, date)
            record = writer.create_warc_record(
                uri,
                "response",
                payload=BytesIO(payload),
                length=len(payload),
                http_headers=http_headers,
                warc_headers_dict={**warc_headers, "WARC-Payload-Digest": digest},
            )
            done.responses += 1
        writer.write_record(record)
        request_headers = _request_headers(capture, uri)
        if request_headers is not None:
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "request",
                    http_headers=request_headers,
                    warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
                )
            )
            done.requests += 1
        done.captures += 1
        if title is not None:
            done.pages.append(Page(uri, date, title))
    if not done.captures:
        files.writer()  # an empty export is still a valid WARC file: its warcinfo
    done.files = files.finish()
    return done
