"""Two outlets whose list pages do not lead to every article, served like the
sample portal (:func:`sample_portal.serve`):

- ``next``: a Next.js-like outlet. ``/news`` shows the 10 newest articles
  whatever its ``?page=`` says (page 2 repeats page 1); older ones come only
  from the "더보기" button's JSON endpoint, named in ``__NEXT_DATA__`` and an
  inline script (``/api/news?page=N&size=10``, items with ``url`` and
  ``slug``), and from ``/sitemap.xml``, named in robots.txt. Slugs hold no digit.
- ``shell``: the list page is an empty ``<div id="app">`` filled by script; it
  announces an RSS feed (``<link rel="alternate">``, the newest 20) and
  robots.txt a sitemap index with one sitemap a month.

Article pages carry JSON-LD and a ``<time>``. For the cases a
run must not end quietly: ``api=False`` drops the "more" endpoint, ``gone=N``
makes the N oldest articles answer 404 though the routes still list them."""

from __future__ import annotations

import json
import threading
from collections import Counter
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, unquote, urlsplit

from .content import Article, Newsroom, schedule
from .faults import Faults
from .feeds import months

OUTLETS = ("next", "shell")
LIST_PATHS = {"next": "/news?page={page}", "shell": "/app/list?page={page}"}
NEWEST = 10  # articles the Next.js list shows
API_PATH = "/api/news"
FEED_PATH = "/rss.xml"
FEED_SIZE = 20
SITEMAP_INDEX = "/sitemap_index.xml"
_HTML = "text/html; charset=utf-8"
_JSON = "application/json; charset=utf-8"
_XML = "text/xml"
_ROBOTS = "User-agent: *\nDisallow: /admin/\n"
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_NOT_FOUND = b"<!doctype html><html><head><title>404</title></head><body>Not Found</body></html>"

Page = tuple[int, str, bytes]


def _letters(index: int) -> str:
    """``index`` written in letters (0: ``a``, 26: ``ba``): a suffix without digits."""
    out = _LETTERS[index % 26]
    while index >= 26:
        index //= 26
        out = _LETTERS[index % 26] + out
    return out


class Outlet:
    """One outlet of ``kind`` (``next`` or ``shell``) with ``count`` articles."""

    gzip_pages = False
    bot_check = False  # what the server asks of a portal: no bot check before the pages

    def __init__(
        self, kind: str, count: int = 45, seed: int = 1, api: bool = True, gone: int = 0
    ) -> None:
        if kind not in OUTLETS:
            raise ValueError(f"unknown outlet {kind!r}: known are {', '.join(OUTLETS)}")
        self.kind = kind
        self.sites = (kind,)
        newsroom = Newsroom(seed)
        times = schedule(newsroom.rng(kind), count, seconds=False)
        prefix = "/news/" if kind == "next" else "/story/"
        self._articles = tuple(
            self._article(kind, prefix, index, when, newsroom) for index, when in enumerate(times)
        )
        self.api = api
        self._by_path = {a.path: a for a in self._articles[: count - gone]}
        self.hits: Counter[str] = Counter()
        self._hits_lock = threading.Lock()
        self.faults = Faults(self, ())

    @staticmethod
    def _article(kind: str, prefix: str, index: int, when: datetime, newsroom: Newsroom) -> Article:
        story = newsroom.story(kind, when)
        slug = "".join(c for c in story.slug if not c.isdigit()).strip("-")
        path = f"{prefix}{slug}-{_letters(index)}"
        return Article(kind, path, story.title, story.author, when, story.paragraphs)

    def articles(self, site: str | None = None) -> list[Article]:
        """Every article, newest first."""
        return list(self._articles)

    def sites_yaml(self, base_url: str) -> str:
        """A sites.yaml naming the outlet by its list URL alone."""
        list_url = base_url.rstrip("/") + LIST_PATHS[self.kind]
        return f'sites:\n  - name: {self.kind}\n    list_url: "{list_url}"\n'

    def record_hit(self, path: str) -> None:
        with self._hits_lock:
            self.hits[path] += 1

    def render(
        self, path: str, host: str = "127.0.0.1", form: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of ``path``; an outlet takes no form post."""
        if form is not None:
            return 405, {"Content-Type": "text/plain"}, b"Method Not Allowed"
        status, content_type, body = self._route(path, host)
        return status, {"Content-Type": content_type, "Content-Length": str(len(body))}, body

    def _route(self, path: str, host: str) -> Page:
        split = urlsplit(path)
        route, query = unquote(split.path), parse_qs(split.query)
        if route == "/robots.txt":
            named = "/sitemap.xml" if self.kind == "next" else SITEMAP_INDEX
            return 200, "text/plain", f"{_ROBOTS}Sitemap: http://{host}{named}\n".encode()
        if route == "/":
            list_path = LIST_PATHS[self.kind].split("?")[0]
            return 200, _HTML, _page("홈", "", f'<a href="{list_path}">뉴스</a>').encode()
        article = self._by_path.get(route)
        if article is not None:
            return 200, _HTML, _article_page(article).encode()
        if self.kind == "next":
            return self._next(route, query, host)
        return self._shell(route, host)

    def _next(self, route: str, query: dict[str, list[str]], host: str) -> Page:
        if route == "/news":
            return 200, _HTML, self._next_list().encode()
        if route == API_PATH and self.api:
            page = _number(query, "page", 1)
            size = min(_number(query, "size", 10), 50)
            items = self._articles[(page - 1) * size : page * size]
            answer = {
                "page": page,
                "hasMore": page * size < len(self._articles),
                "items": [_item(a) for a in items],
            }
            return 200, _JSON, json.dumps(answer, ensure_ascii=False).encode()
        if route == "/sitemap.xml":
            return 200, _XML, _urlset(host, self._articles).encode()
        return 404, _HTML, _NOT_FOUND

    def _next_list(self) -> str:
        newest = self._articles[:NEWEST]
        props: dict[str, object] = {"items": [_item(a) for a in newest]}
        if self.api:
            props["moreApi"] = f"{API_PATH}?page=2&size={NEWEST}"
        data = {"props": {"pageProps": props}, "page": "/news"}
        rows = "\n".join(
            f'<li class="card"><a href="{a.path}"><h3>{escape(a.title)}</h3></a></li>'
            for a in newest
        )
        more = (
            ""
            if not self.api
            else (
                "<script>let page=1;document.getElementById('more').onclick=async()=>{page+=1;"
                f"const r=await fetch('{API_PATH}?page='+page+'&size={NEWEST}');"
                "render(await r.json());};</script>"
            )
        )
        next_data = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        body = (
            f'<div id="__next"><main><h1>최신 뉴스</h1><ul class="cards">{rows}</ul>'
            '<button id="more" type="button">더보기</button></main></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{next_data}</script>{more}'
        )
        return _page("뉴스 | 넥스트일보", "", body)

    def _shell(self, route: str, host: str) -> Page:
        if route == "/app/list":
            head = (
                '<link rel="alternate" type="application/rss+xml" title="전체기사" '
                f'href="{FEED_PATH}">'
            )
            body = '<div id="app"></div><script src="/static/app.js" defer></script>'
            return 200, _HTML, _page("셸일보", head, body).encode()
        if route == FEED_PATH:
            return 200, _XML, _rss(host, self._articles[:FEED_SIZE]).encode()
        by_month = months(self._articles)
        if route == SITEMAP_INDEX:
            children = "\n".join(
                f"<sitemap><loc>http://{host}/sitemaps/{month}.xml</loc>"
                f"<lastmod>{max(a.published for a in held).isoformat()}</lastmod></sitemap>"
                for month, held in by_month.items()
            )
            return 200, _XML, _xml("sitemapindex", children).encode()
        if route.startswith("/sitemaps/") and route.endswith(".xml"):
            held = by_month.get(route.removeprefix("/sitemaps/").removesuffix(".xml"))
            if held is not None:
                return 200, _XML, _urlset(host, held).encode()
        return 404, _HTML, _NOT_FOUND


def _number(query: dict[str, list[str]], name: str, default: int) -> int:
    value = query.get(name, [""])[0]
    return int(value) if value.isdigit() and int(value) > 0 else default


def _item(article: Article) -> dict[str, str]:
    return {
        "slug": article.path.rsplit("/", 1)[1],
        "url": article.path,
        "title": article.title,
        "publishedAt": article.published.isoformat(),
    }


def _article_page(article: Article) -> str:
    record = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": article.published.isoformat(),
        "author": {"@type": "Person", "name": article.author},
    }
    json_ld = json.dumps(record, ensure_ascii=False).replace("</", "<\\/")
    head = (
        f'<link rel="canonical" href="{article.path}">'
        f'<script type="application/ld+json">{json_ld}</script>'
    )
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    body = (
        f"<main><article><h1>{escape(article.title)}</h1>"
        f'<p class="byline">{escape(article.author)} 기자</p>'
        f'<time datetime="{article.published.isoformat()}">{article.published:%Y.%m.%d %H:%M}'
        f"</time>{paragraphs}</article></main>"
    )
    return _page(article.title, head, body)


def _page(title: str, head: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>{escape(title)}'
        f"</title>{head}</head><body>{body}</body></html>\n"
    )


def _xml(root: str, children: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{children}\n</{root}>\n'
    )


def _urlset(host: str, articles: tuple[Article, ...] | list[Article]) -> str:
    urls = "\n".join(
        f"<url><loc>http://{host}{escape(a.path)}</loc>"
        f"<lastmod>{a.published.isoformat()}</lastmod></url>"
        for a in articles
    )
    return _xml("urlset", urls)


def _rss(host: str, articles: tuple[Article, ...]) -> str:
    items = "\n".join(
        f"<item><title>{escape(a.title)}</title><link>http://{host}{escape(a.path)}</link>"
        f"<pubDate>{a.published:%a, %d %b %Y %H:%M:%S +0900}</pubDate></item>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>셸일보</title><link>http://{host}/</link>\n{items}\n</channel></rss>\n"
    )
