"""A county weekly whose articles continue over several pages: most end the
first page with a pager under the body (``1 2 3 다음``, links to
``view.php?idxno=N&pg=2``, ``&pg=3``), every page naming page 1 as its
canonical URL. Its list pages are paged by plain links."""

from __future__ import annotations

import random
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

from .content import Article, Newsroom, schedule

WEEKLY = "weekly"
LIST_PATH = "/weekly/list.php?page={page}"
VIEW_PATH = "/weekly/view.php?idxno="
_HTML = "text/html; charset=utf-8"

Page = tuple[int, str, bytes]


def pages_of(article: Article, number: int) -> list[tuple[str, ...]]:
    """The article's paragraphs as its pages show them: one page for every
    fourth article (and short ones), else two or three."""
    wanted = 1 if number % 4 == 0 else 2 + number % 2
    wanted = min(wanted, len(article.paragraphs))
    size = -(-len(article.paragraphs) // wanted)
    return [article.paragraphs[i : i + size] for i in range(0, len(article.paragraphs), size)]


def _page(title: str, main: str, head: str = "") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{escape(title)} - 군민신문</title>{head}</head>
<body><header><a href="/weekly/list.php?page=1">군민신문</a></header>
<main>{main}</main>
<footer><p>군민신문 | 등록번호 경북 아00123 | 발행인 김발행</p></footer></body></html>
""".encode()


@dataclass
class CountyWeekly:
    """The weekly: its articles newest first, ``per_page`` a list page."""

    articles: tuple[Article, ...]
    per_page: int

    @classmethod
    def generate(cls, seed: int, count: int, per_page: int) -> CountyWeekly:
        newsroom = Newsroom(seed)
        times = schedule(random.Random(f"{seed}/{WEEKLY}"), count, seconds=False)
        articles = tuple(
            Article(WEEKLY, f"{VIEW_PATH}{500 + count - i}", s.title, s.author, when, s.paragraphs)
            for i, (when, s) in enumerate((when, newsroom.story(WEEKLY, when)) for when in times)
        )
        return cls(articles, per_page)

    def number(self, article: Article) -> int:
        return int(article.path.rsplit("=", 1)[1])

    def route(self, path: str, form: bytes | None) -> Page | None:
        split = urlsplit(path)
        query = parse_qs(split.query)
        if form is not None or not split.path.startswith("/weekly/"):
            return None
        if split.path == "/weekly/list.php":
            page = query.get("page", ["1"])[0]
            return self._list(int(page) if page.isdigit() else 1)
        if split.path == "/weekly/view.php":
            number, page = query.get("idxno", [""])[0], query.get("pg", ["1"])[0]
            return self._view(number, int(page) if page.isdigit() else 0)
        return None

    def _list(self, page: int) -> Page:
        shown = self.articles[(page - 1) * self.per_page : page * self.per_page]
        rows = "".join(
            f'<li><a href="view.php?idxno={self.number(a)}">{escape(a.title)}</a>'
            f" <em>{a.published:%Y-%m-%d}</em></li>"
            for a in shown
        )
        pages = -(-len(self.articles) // self.per_page)
        pager = " ".join(
            f'<a href="list.php?page={n}">{n}</a>' for n in range(1, pages + 1) if n != page
        )
        return 200, _HTML, _page("기사목록", f'<ul class="list">{rows}</ul><p>{pager}</p>')

    def _view(self, number: str, page: int) -> Page:
        article = next((a for a in self.articles if str(self.number(a)) == number), None)
        parts = pages_of(article, self.number(article)) if article is not None else []
        if article is None or not 1 <= page <= len(parts):
            return 404, _HTML, _page("없는 기사", "<h1>기사를 찾을 수 없습니다.</h1>")
        base = f"view.php?idxno={number}"
        pager = ""
        if len(parts) > 1:
            links = [
                f"<strong>{n}</strong>" if n == page else f'<a href="{base}&amp;pg={n}">{n}</a>'
                for n in range(1, len(parts) + 1)
            ]
            if page < len(parts):
                links.append(f'<a href="{base}&amp;pg={page + 1}">다음</a>')
            pager = f'<div class="article-paging">{" ".join(links)}</div>'
        body = "".join(f"<p>{escape(p)}</p>" for p in parts[page - 1])
        canonical = f'<link rel="canonical" href="/weekly/{base}">'
        main = f"""<article><h1 class="headline">{escape(article.title)}</h1>
<div class="byline">{escape(article.author)} 기자 | 입력 {article.published:%Y-%m-%d %H:%M}</div>
<div id="article-view-content">{body}</div>
{pager}
</article>"""
        return 200, _HTML, _page(article.title, main, canonical)
