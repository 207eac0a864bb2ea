"""A plain HTML5 news blog that follows no known CMS: semantic tags and JSON-LD only."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from html import escape

from .content import Article, lead, noise_rng, photo_credit

CMS = "generic"
BLOG = "지역정책 리포트"
LIST_PATH = "/blog/?page={page}"
# a user's article_pattern, written against the links as the list pages show them
ARTICLE_PATTERN = r"/blog/\d{4}/\d{2}/\d{2}/[^/?#]+\.html"


def article_path(number: int, published: datetime, slug: str) -> str:
    """Canonical URL path of a post."""
    return f"/blog/{published:%Y/%m/%d}/{slug}-{number}.html"


def number(article: Article) -> int:
    """The post number at the end of its path."""
    return int(article.path.rsplit("-", 1)[1].removesuffix(".html"))


def _day(when: datetime) -> str:
    return f"{when.year}년 {when.month}월 {when.day}일"


def _page(*, title: str, head: str, main: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
{head}
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<header class="site-header">
  <a class="brand" href="/blog/">{BLOG}</a>
  <nav aria-label="주 메뉴">
    <ul>
      <li><a href="/blog/">최신 기사</a></li>
      <li><a href="/blog/?page=2">지난 기사</a></li>
      <li><a href="/about.html">소개</a></li>
      <li><a href="/subscribe.html">구독</a></li>
    </ul>
  </nav>
</header>
<main class="layout">
{main}
</main>
<footer class="site-footer">
  <p>&copy; 2024 {BLOG}. 모든 글의 무단 전재를 금합니다.</p>
  <p>문의 <a href="mailto:contact@sample-blog.kr">contact@sample-blog.kr</a></p>
</footer>
</body>
</html>
"""


def list_page(*, page: int, rows: Sequence[Article], total_pages: int) -> str:
    """`/blog/?page=N`: post summaries, newest first."""
    items = "\n".join(
        f"""<article class="post-summary">
  <h2><a href="{a.path}">{escape(a.title)}</a></h2>
  <p class="meta"><time datetime="{a.published.isoformat()}">{_day(a.published)}</time> · \
글 {escape(a.author)}</p>
  <p class="excerpt">{escape(lead(a, 100))}</p>
</article>"""
        for a in rows
    )
    links = []
    if 1 < page <= total_pages + 1:
        links.append(f'<a rel="prev" href="/blog/?page={page - 1}">← 이전</a>')
    if rows:
        links.append(f"<span>{page} / {total_pages}</span>")
    if page < total_pages:
        links.append(f'<a rel="next" href="/blog/?page={page + 1}">다음 →</a>')
    empty = "" if rows else '<p class="empty">글이 없습니다.</p>'
    main = f"""<section class="post-list">
<h1>최신 기사</h1>
{items}{empty}
<nav class="pagination">{" ".join(links)}</nav>
</section>"""
    return _page(title=f"{BLOG} - {page}쪽", head="", main=main)


# the blog's own blocks under a post (``own_blocks``), in wording no per-page rule knows
_PICKS_HEADING = "함께 읽어요"
_PASS_ON = ("나르기", "밴드", "라인", "스토리", "글자 크게", "글자 작게")
CONTACT_ROW = "대표 문의 1588-0000 (평일 09:00~18:00)"


def own_blocks(picks: Sequence[Article]) -> str:
    """A box of the blog's picks, a bar of buttons and a contact row, as the
    blog puts them under every post: only comparing its pages shows them to
    be no part of the post."""
    listed = "".join(f'<li><a href="{a.path}">{escape(a.title)}</a></li>' for a in picks)
    buttons = " ".join(f'<a href="#">{button}</a>' for button in _PASS_ON)
    return f"""<div class="picks"><em>{_PICKS_HEADING}</em><ul>{listed}</ul></div>
<div class="pass-on">{buttons}</div>
<div class="contact">{CONTACT_ROW}</div>"""


def article_page(*, article: Article, latest: Sequence[Article], extra: str = "") -> str:
    """A post page with a JSON-LD NewsArticle record (``extra`` HTML after its body)."""
    rng = noise_rng(article)
    when = article.published.isoformat()
    record = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "datePublished": when,
        "dateModified": when,
        "author": [{"@type": "Person", "name": name} for name in article.author.split(", ")],
        "publisher": {"@type": "Organization", "name": BLOG},
    }
    json_ld = json.dumps(record, ensure_ascii=False).replace("</", "<\\/")
    head = f"""<meta name="description" content="{escape(lead(article, 100))}">
<link rel="canonical" href="{article.path}">
<script type="application/ld+json">{json_ld}</script>"""
    paragraphs = [f"<p>{escape(p)}</p>" for p in article.paragraphs]
    if rng.random() < 0.3:
        credit = photo_credit(article.title, BLOG)
        paragraphs.insert(
            1,
            f"""<figure>
  <img src="/media/{article.published:%Y/%m}/{number(article)}.jpg" alt="" loading="lazy">
  <figcaption>사진 = {escape(credit)}</figcaption>
</figure>""",
        )
    body = "\n".join([*paragraphs, extra] if extra else paragraphs)
    sidebar = "\n".join(f'    <li><a href="{a.path}">{escape(a.title)}</a></li>' for a in latest)
    main = f"""<article class="post">
<h1>{escape(article.title)}</h1>
<p class="byline">글 {escape(article.author)}</p>
<time datetime="{when}">{_day(article.published)}</time>
{body}
<footer class="post-footer">
  <p class="share">공유하기: <a href="https://twitter.com/intent/tweet">X</a> · \
<a href="https://www.facebook.com/sharer/sharer.php">페이스북</a></p>
</footer>
</article>
<aside class="sidebar">
  <h2>최신 기사</h2>
  <ul>
{sidebar}
  </ul>
  <section class="newsletter">
    <h2>뉴스레터</h2>
    <p>매주 월요일 아침, 지역 정책 소식을 메일로 받아 보세요.</p>
    <form action="/subscribe.html" method="post"><input type="email" name="email" \
placeholder="이메일 주소"> <button type="submit">구독</button></form>
  </section>
</aside>"""
    return _page(title=f"{article.title} | {BLOG}", head=head, main=main)
