"""Reading a site's RSS and Atom feeds: the article links they list, each with
the date the feed gives it.

RSS 2.0 (``pubDate``, or ``dc:date`` as Gnuboard5's ``bbs/rss.php`` writes
it), RSS 1.0 / RDF (``dc:date``) and Atom (``published``, else ``updated``).
A time without a zone (``2025-05-30 08:00:00``, as the ``articleView.html``
CMS writes it) is Korea time, not UTC. A feed's date is only a hint for
ordering and windows: the article page's own date is the one archived.

A body that is no feed (HTTP 200 with "RSS 보기가 금지되어 있습니다", a
members-only board, a login page) is a :class:`Feed` with a ``refusal`` and no
entries: the site has no feed there, which is not an error. The bytes are
decoded by checking them (``euc-kr`` read as CP949, a wrong declaration
overruled by bytes that only decode one way), as pages are
(:func:`pipelines.decoding.decode_html`); a body no encoding reads is no feed either.

Pure functions of the bytes: no network, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pipelines.dates import parse_iso_datetime
from pipelines.decoding import Undecodable, decode_html
from storage.types import SEOUL

# the first characters of a refusal kept as the reason
_REASON_LENGTH = 120
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_TAGS = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"\s+")
# parsing XML from the network: no entities expanded, no DTD or network fetched
_PARSER = etree.XMLParser(
    recover=True, resolve_entities=False, no_network=True, remove_comments=True, huge_tree=False
)
# where each kind of feed keeps an entry's date, first found wins
_DATE_NAMES = ("pubDate", "date", "published", "issued", "updated", "modified")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: the link as written (absolute) and the date the feed gives."""

    url: str
    published: datetime | None = None


@dataclass(frozen=True)
class Feed:
    """What a feed URL answered: its entries in feed order, or why it is no feed."""

    entries: tuple[FeedEntry, ...] = ()
    refusal: str | None = None  # one line: the body is no feed (what it said instead)


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """The entries of the feed ``body`` fetched from ``url``."""
    try:
        text = decode_html(body, content_type).text
    except Undecodable as exc:
        return Feed(refusal=f"undecodable: {exc}")
    root = xml_root(_XML_DECLARATION.sub("", text, count=1).encode())
    kind = local_name(root.tag) if root is not None else None
    if kind not in ("rss", "RDF", "feed"):
        return Feed(refusal=_said(text))
    entries = []
    for item in root.iter("{*}item", "{*}entry"):
        link = _link(item, url)
        if link is not None:
            entries.append(FeedEntry(link, _published(item)))
    return Feed(tuple(entries))


def machine_time(text: str | None) -> datetime | None:
    """A feed's or sitemap's time: ISO 8601 (W3C) or RFC 822, in Asia/Seoul;
    one without a zone (or with RFC 822's unknown ``-0000``) is Korea time."""
    if not text or not text.strip():
        return None
    found = parse_iso_datetime(text)
    if found is not None:
        return found
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=SEOUL)
    return value.astimezone(SEOUL)


def xml_root(data: bytes) -> etree._Element | None:
    """The root element of the XML document ``data`` (parsed leniently, without
    entities, DTDs or network access), or None when it holds none."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None
    return root if root is not None and isinstance(root.tag, str) else None


def local_name(tag: str) -> str:
    """An XML tag without its namespace (``{http://...}item`` -> ``item``)."""
    return tag.rsplit("}", 1)[-1]


def _link(item: etree._Element, url: str) -> str | None:
    """An item's article link: RSS ``<link>`` text, Atom's ``rel="alternate"``
    (or unnamed) ``href``, an RDF item's ``rdf:about``, else a permalink ``guid``."""
    found: str | None = None
    for child in item:
        if not isinstance(child.tag, str):
            continue
        name = local_name(child.tag)
        if name == "link":
            href = child.get("href")
            if href is not None and child.get("rel", "alternate") == "alternate":
                found = href
                break
            if href is None and child.text and child.text.strip():
                found = child.text
                break
    if found is None:
        found = item.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
    if found is None:
        guid = next(
            (c for c in item if isinstance(c.tag, str) and local_name(c.tag) == "guid"), None
        )
        if guid is not None and guid.get("isPermaLink", "true") == "true":
            found = guid.text
    if not found or not found.strip():
        return None
    link = urljoin(url, found.strip())
    return link if urlsplit(link).scheme in ("http", "https") else None


def _published(item: etree._Element) -> datetime | None:
    dates = {
        local_name(child.tag): child.text
        for child in item
        if isinstance(child.tag, str) and local_name(child.tag) in _DATE_NAMES
    }
    for name in _DATE_NAMES:
        found = machine_time(dates.get(name))
        if found is not None:
            return found
    return None


def _said(text: str) -> str:
    """What a body that is no feed says, on one line."""
    shown = _SPACES.sub(" ", _TAGS.sub(" ", text)).strip()
    return shown[:_REASON_LENGTH] or "an empty answer"
