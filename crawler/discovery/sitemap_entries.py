"""Reading a site's XML sitemaps: the article URLs they list with their
dates, or the child sitemaps of a sitemap index with theirs.

Scrapy's :class:`scrapy.utils.sitemap.Sitemap` reads ``loc`` and ``lastmod``
but drops Google News' ``news:publication_date``, the date that says when an
article was published (``lastmod`` says when it last changed); so entries
are read here, with the same safe parser settings (no entity expansion, no
network). Gzipped sitemaps (``.xml.gz``, sent without ``Content-Encoding``)
are unpacked with Scrapy's :func:`scrapy.utils.gz.gunzip` within a size
limit, so a gzip bomb fails with :class:`SitemapUnreadable` instead of filling
memory. ``Sitemap:`` lines of robots.txt are read with Scrapy's
:func:`scrapy.utils.sitemap.sitemap_urls_from_robots`.

Pure functions of the bytes: no network, no database.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from crawler.discovery.feed_entries import local_name, machine_time, xml_root

_GZIP_MAGIC = b"\x1f\x8b"


class SitemapUnreadable(ValueError):
    """A gzipped sitemap unpacks past the size limit, or is broken; the message says which."""


@dataclass(frozen=True)
class SitemapEntry:
    """One ``<url>`` (an article) or ``<sitemap>`` (a child sitemap) of a sitemap."""

    url: str
    lastmod: datetime | None = None
    published: datetime | None = None  # news:publication_date, articles only

    @property
    def date(self) -> datetime | None:
        """The publication date when given, else the last modification."""
        return self.published or self.lastmod


@dataclass(frozen=True)
class SitemapPage:
    """A sitemap as read: an index of child sitemaps, or a set of URLs."""

    is_index: bool
    entries: tuple[SitemapEntry, ...] = ()


def robots_sitemaps(robots: bytes, base_url: str) -> list[str]:
    """The sitemap URLs the ``Sitemap:`` lines of a robots.txt name, in order, once each."""
    return list(dict.fromkeys(sitemap_urls_from_robots(robots, base_url=base_url)))


def sitemap_body(body: bytes, max_size: int) -> bytes:
    """The XML of a sitemap as fetched: gzipped bytes unpacked to at most ``max_size``."""
    if not body.startswith(_GZIP_MAGIC):
        return body
    try:
        return gunzip(body, max_size=max_size)
    except ValueError as exc:  # Scrapy's: past max_size
        raise SitemapUnreadable(f"gzipped sitemap unpacks past {max_size} bytes") from exc
    except (OSError, EOFError, zlib.error, struct.error) as exc:
        raise SitemapUnreadable(f"broken gzip: {exc}") from exc


def parse_sitemap(body: bytes, url: str, max_size: int) -> SitemapPage | None:
    """The sitemap in ``body`` (fetched from ``url``; gzipped or not), or None
    when it is no sitemap (an HTML page, a refusal)."""
    root = xml_root(sitemap_body(body, max_size))
    if root is None:
        return None
    kind = local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return None
    return SitemapPage(kind == "sitemapindex", tuple(_entries(root, url)))


def in_window(entry: SitemapEntry, since: date, until: date) -> bool:
    """Whether the article of ``entry`` may be published from ``since`` to
    ``until``: its publication date inside; or, given only when it last
    changed, not changed before ``since`` (an article changes after it is
    published); or given no date at all."""
    if entry.published is not None:
        return since <= entry.published.date() <= until
    return entry.lastmod is None or entry.lastmod.date() >= since


def _entries(root: etree._Element, url: str) -> Iterator[SitemapEntry]:
    for element in root:
        if not isinstance(element.tag, str) or local_name(element.tag) not in ("url", "sitemap"):
            continue
        fields: dict[str, str] = {}
        for child in element.iter():
            if isinstance(child.tag, str) and child.text and child.text.strip():
                fields.setdefault(local_name(child.tag), child.text.strip())
        loc = fields.get("loc")
        if not loc:
            continue
        link = urljoin(url, loc)
        if urlsplit(link).scheme not in ("http", "https"):
            continue
        yield SitemapEntry(
            link, machine_time(fields.get("lastmod")), machine_time(fields.get("publication_date"))
        )
