"""The further pages of an article paged over several: a pager under the body
links to the same article's URL with one more (or another) numeric query
field, ``&pg=2``, ``page=3``, the link reading its number or 다음/next. Found
on the page itself, for any site; page 1 is the article's own URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urljoin, urlsplit

from lxml.html import HtmlElement

_NEXT_WORDS = {"다음", "다음페이지", "다음 페이지", "next", "›", "»", ">"}


def further_pages(tree: HtmlElement, url: str, article_url: str) -> dict[int, str]:
    """The pages of the article at ``article_url`` that the page at ``url``
    (its tree ``tree``) links to, by number (2 and up)."""
    article = urlsplit(article_url)
    fields = dict(parse_qsl(article.query))
    found: dict[int, str] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:")):
            continue
        target = urlsplit(urljoin(url, href))
        if (target.netloc, target.path) != (article.netloc, article.path):
            continue
        number = _page_number(fields, dict(parse_qsl(target.query)))
        text = " ".join(link.text_content().split())
        if number is not None and number >= 2 and (text == str(number) or text in _NEXT_WORDS):
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
