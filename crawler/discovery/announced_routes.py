"""The routes to a site's articles a page shows besides its links: the feeds
it announces (``<link rel="alternate">``), its family's usual feed paths, a
"more" button's JSON endpoint named by its own scripts (inline scripts,
``__NEXT_DATA__``), and whether the page is an empty shell that scripts fill.

Pure functions of a parsed page: no network, no database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from lxml.html import HtmlElement

from pipelines.families import PortalFamily

# the feeds a page announces
ALTERNATE = (
    "//link[@rel='alternate'][@type='application/rss+xml' or @type='application/atom+xml']/@href"
)
# a URL in a script with a page parameter: its part up to the number, the
# number (absent where the script adds it: '...?page=' + page + '&size=10'), the rest
_PAGED_URL = re.compile(
    r"""(?P<head>(?:https?://[^\s"'<>\\]+|/[^\s"'<>\\]*)\?(?:[^\s"'<>\\]*[&?])?"""
    r"""(?:page|pageNo|pageIndex|pageNum|currentPage|p)=)(?P<number>\d*)(?P<rest>[^\s"'<>\\]*)"""
)
# what follows a string that ends in 'page=' when the script adds the number: + page + '&size=10'
_CONCATENATED = re.compile(r"""^['"`]\s*\+\s*[\w.$]+\s*\+\s*['"`](?P<rest>[^'"`\s<>\\]*)""")
# a shell's page shows fewer characters than this outside its scripts
SHELL_TEXT = 80
# JSON keys whose value is an item's URL, or (with the site's article_url) its id
_URL_KEYS = ("url", "href", "link", "path", "permalink", "canonical", "shareUrl")
_ID_KEYS = ("id", "articleId", "article_id", "no", "idxno", "slug")


@dataclass(frozen=True)
class ListApi:
    """A JSON endpoint paged like a list: its URL with ``{page}`` where the number goes."""

    url: str

    def page_url(self, number: int) -> str:
        return self.url.replace("{page}", str(number))


def announced_feeds(tree: HtmlElement, page_url: str) -> list[str]:
    """The feeds ``tree`` (fetched from ``page_url``) announces, absolute, once each."""
    return list(dict.fromkeys(urljoin(page_url, href) for href in tree.xpath(ALTERNATE)))


def usual_feeds(family: PortalFamily, list_url: str) -> list[str]:
    """The family's usual feed URLs on the site of ``list_url`` (a Gnuboard
    board's with its ``bo_table``)."""
    board = parse_qs(urlsplit(list_url).query).get("bo_table", [""])[0]
    return [urljoin(list_url, path.replace("{bo_table}", board)) for path in family.feed_paths]


def is_shell(tree: HtmlElement) -> bool:
    """Whether the page is an empty frame its scripts fill: scripts, and next
    to no text outside them."""
    body = tree.find(".//body")
    if body is None or not tree.xpath("//script"):
        return False
    shown = "".join(
        text
        for text in body.xpath(".//text()[not(ancestor::script) and not(ancestor::style)]")
        if isinstance(text, str)
    )
    return len("".join(shown.split())) < SHELL_TEXT


def list_api(tree: HtmlElement, page_url: str) -> ListApi | None:
    """The JSON endpoint with a page parameter the page's own scripts name
    (``__NEXT_DATA__`` and inline scripts), else None. The list page's own
    URL paged is not one."""
    own = urlsplit(page_url).path
    for script in tree.xpath("//script[not(@src)]"):
        for found in _paged_urls(script.text or ""):
            if urlsplit(urljoin(page_url, found.replace("{page}", "1"))).path != own:
                return ListApi(urljoin(page_url, found))
    return None


def _paged_urls(code: str) -> Iterator[str]:
    """The URLs in ``code`` with a page parameter, ``{page}`` for its number."""
    for match in _PAGED_URL.finditer(code):
        rest = match.group("rest")
        if not match.group("number"):
            joined = _CONCATENATED.match(code[match.end() :])
            if joined is None:
                continue
            rest = joined.group("rest")
        yield f"{match.group('head')}{{page}}{rest}"


def json_links(data: Any, page_url: str, article_url: str | None = None) -> list[str]:
    """The article URLs a JSON answer's items carry (absolute), in order: each
    item's URL, else its id in the site's ``article_url``."""
    found: list[str] = []
    for item in _items(data):
        url = next((item[key] for key in _URL_KEYS if isinstance(item.get(key), str)), None)
        if url is not None and (url.startswith(("/", "http://", "https://"))):
            found.append(urljoin(page_url, url))
            continue
        if article_url is not None:
            key = next((key for key in _ID_KEYS if isinstance(item.get(key), str | int)), None)
            if key is not None:
                found.append(urljoin(page_url, article_url.replace("{id}", str(item[key]))))
    return list(dict.fromkeys(found))


def _items(data: Any) -> Iterator[dict[str, Any]]:
    """The objects of every list in ``data``, depth first."""
    if isinstance(data, dict):
        for value in data.values():
            yield from _items(value)
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, dict):
                yield value
                yield from _items(value)
