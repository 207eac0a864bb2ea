"""The further pages of an article paged over several: a pager under the body
links to the same article's URL with one more (or another) numeric query
field, ``&pg=2``, ``page=3``, the link reading its number or 다음/next. Found
on the page itself, for any site; page 1 is the article's own URL."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

from pipelines.pages import Unparseable, html_tree

_NEXT_WORDS = {"다음", "다음페이지", "다음 페이지", "next", "›", "»", ">"}
_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)


def further_pages_in(text: str, url: str, article_url: str) -> dict[int, str]:
    """:func:`further_pages` of the page of ``text``: parsed only when one of
    its links could be a further page (most articles have none: a scan of the
    links' addresses costs a fraction of a parse)."""
    # a further page's address holds the article's query fields, and a query
    pairs = [pair for pair in urlsplit(article_url).query.split("&") if pair] or ["?"]
    candidates = [html.unescape(href) for href in _HREF.findall(text)]
    for pair in pairs:
        candidates = [href for href in candidates if pair in href]
    if not any(_is_further(href, url, article_url) for href in candidates):
        return {}
    try:
        return further_pages(html_tree(text), url, article_url)
    except Unparseable:
        return {}


def _is_further(href: str, url: str, article_url: str) -> bool:
    article, target = urlsplit(article_url), urlsplit(urljoin(url, href))
    same = (target.netloc, target.path) == (article.netloc, article.path)
    fields = dict(parse_qsl(article.query))
    return same and (_page_number(fields, dict(parse_qsl(target.query))) or 0) >= 2


def further_pages(tree: HtmlElement, url: str, article_url: str) -> dict[int, str]:
    """The pages of the article at ``article_url`` that the page at ``url``
    (its tree ``tree``) links to, by number (2 and up)."""
    fields = dict(parse_qsl(urlsplit(article_url).query))
    found: dict[int, str] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if (
            not href
            or href.startswith(("#", "javascript:"))
            or not _is_further(href, url, article_url)
        ):
            continue
        target = urlsplit(urljoin(url, href))
        number = _page_number(fields, dict(parse_qsl(target.query)))
        text = " ".join(link.text_content().split())
        if number is not None and (text == str(number) or text in _NEXT_WORDS):
            found.setdefault(number, target._replace(fragment="").geturl())
    return found


def _page_number(article: dict[str, str], target: dict[str, str]) -> int | None:
    """The page a link's query ``target`` asks of the article of query
    ``article``: every field of the article's kept, and one numeric more."""
    if any(target.get(name) != value for name, value in article.items()):
        return None
    extra = [value for name, value in target.items() if name not in article]
    if len(extra) != 1 or not extra[0].isdigit():
        return None
    return int(extra[0])
