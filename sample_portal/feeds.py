"""The sites' feeds and sitemaps, as their CMSs serve them.

- Gnuboard5's ``bbs/rss.php?bo_table=``: RSS 2.0 with the date in
  ``dc:date`` (``2024-03-29T14:12:00+09:00``), the board's newest 15 posts;
  a board non-members may not read, or with RSS off, answers HTTP 200 with a
  one-line Korean refusal instead.
- The news CMS: ``/rss/allArticle.xml`` (the newest 50, ``pubDate`` without a
  zone: ``2024-03-29 14:12:38``, the time of the last edit when there was
  one) and a section feed ``/rss/S1N1.xml`` served in EUC-KR; a sitemap
  index ``/sitemap.xml`` whose children, one a month, are gzipped
  (``/sitemap/2024-03.xml.gz``) and give each article's ``lastmod`` and
  ``news:publication_date``.
- Gnuboard5: a sitemap of the board (``/sitemap_board.xml``), ``lastmod`` days only.
- The news CMS's feed links carry tracking parameters (``utm_source=rss``).
- The blog: an Atom feed ``/blog/feed.xml`` (with a guest post on another
  site), and a Google News sitemap of its newest posts only
  (``/blog/sitemap-news.xml``), as news sitemaps hold the last two days: it
  does not reach back to an older window.

robots.txt names the sitemaps in ``Sitemap:`` lines.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from datetime import datetime
from html import escape

from .content import Article

ALL_ARTICLES = "/rss/allArticle.xml"
SECTION = "/rss/S1N1.xml"
GNUBOARD_RSS = "/bbs/rss.php"
ATOM = "/blog/feed.xml"
NEWS_INDEX = "/sitemap.xml"
BOARD_SITEMAP = "/sitemap_board.xml"
MONTHLY = "/sitemap/{month}.xml.gz"
BLOG_NEWS = "/blog/sitemap-news.xml"
BLOG_NEWS_SIZE = 10
# what the news CMS's feed adds to its links, and a post of the blog's feed kept elsewhere
TRACKING = "utm_source=rss&amp;utm_medium=feed"
GUEST_POST = "https://partner.example.kr/2024/03/guest-post-11.html"
# Gnuboard5's rss.php on a board non-members may not read, and on one with RSS off
MEMBERS_ONLY = "비회원 읽기가 가능한 게시판만 RSS 지원합니다."
RSS_OFF = "RSS 보기가 금지되어 있습니다."
REFUSED_BOARDS = {"report": MEMBERS_ONLY, "free": RSS_OFF}
FEED_SIZE = {"gnuboard": 15, "newscms": 50, "generic": 20}
SECTION_SIZE = 30
SECTIONS = 5  # the section feed holds the articles numbered 1 modulo this


def gnuboard_rss(host: str, board: str, title: str, articles: Sequence[Article]) -> str:
    items = "\n".join(
        f"""<item>
<title>{escape(a.title)}</title>
<link>http://{host}{escape(a.path)}</link>
<description><![CDATA[{a.paragraphs[0]}]]></description>
<dc:creator>{escape(a.author)}</dc:creator>
<dc:date>{a.published.isoformat()}</dc:date>
</item>"""
        for a in articles[: FEED_SIZE["gnuboard"]]
    )
    return f"""<?xml version="1.0" encoding="utf-8" ?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{escape(title)}</title>
<link>http://{host}/bbs/board.php?bo_table={board}</link>
<description>테스트 버전 0.2 (2004-04-26)</description>
<language>ko</language>

{items}

</channel>
</rss>
"""


def news_rss(
    host: str, paper: str, articles: Sequence[tuple[Article, datetime]], size: int, encoding: str
) -> str:
    """The news CMS's feed of ``(article, its feed time)``: ``pubDate`` as the
    CMS writes it, without a zone."""
    items = "\n".join(
        f"""<item>
<title><![CDATA[{a.title}]]></title>
<link>http://{host}{escape(a.path)}&amp;{TRACKING}</link>
<description><![CDATA[{a.paragraphs[0]}]]></description>
<author>{escape(a.author)}</author>
<pubDate>{when:%Y-%m-%d %H:%M:%S}</pubDate>
</item>"""
        for a, when in articles[:size]
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>{escape(paper)}</title>
<link>http://{host}/</link>
<description>{escape(paper)} 전체기사</description>
<language>ko</language>
<copyright>Copyright {escape(paper)} All rights reserved.</copyright>
{items}
</channel>
</rss>
"""


def atom(host: str, blog: str, articles: Sequence[Article]) -> str:
    entries = "\n".join(
        f"""<entry>
<title>{escape(a.title)}</title>
<link rel="alternate" type="text/html" href="{escape(a.path)}"/>
<id>tag:{host.split(":")[0]},{a.published:%Y-%m-%d}:{escape(a.path)}</id>
<published>{a.published.isoformat()}</published>
<updated>{a.published.isoformat()}</updated>
<author><name>{escape(a.author)}</name></author>
</entry>"""
        for a in articles[: FEED_SIZE["generic"]]
    )
    updated = articles[0].published.isoformat() if articles else "2024-01-01T00:00:00+09:00"
    guest = f"""<entry>
<title>기고: 지역 소멸 대응의 길</title>
<link rel="alternate" type="text/html" href="{GUEST_POST}"/>
<id>{GUEST_POST}</id>
<published>{updated}</published>
</entry>"""
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://{host}/blog/">
<title>{escape(blog)}</title>
<link rel="self" href="http://{host}{ATOM}"/>
<link rel="alternate" href="http://{host}/blog/"/>
<id>http://{host}/blog/</id>
<updated>{updated}</updated>
{entries}
{guest}
</feed>
"""


def months(articles: Sequence[Article]) -> dict[str, list[Article]]:
    """The articles by month of publication (``2024-03``), newest month first."""
    by_month: dict[str, list[Article]] = {}
    for article in articles:
        by_month.setdefault(f"{article.published:%Y-%m}", []).append(article)
    return by_month


def sitemap_index(host: str, articles: Sequence[Article]) -> str:
    children = "\n".join(
        f"<sitemap><loc>http://{host}{MONTHLY.format(month=month)}</loc>"
        f"<lastmod>{max(a.published for a in held).isoformat()}</lastmod></sitemap>"
        for month, held in months(articles).items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{children}\n</sitemapindex>\n"
    )


def news_sitemap(host: str, paper: str, articles: Sequence[Article]) -> str:
    """A sitemap with Google News' publication dates."""
    urls = "\n".join(
        f"""<url><loc>http://{host}{escape(a.path)}</loc>
<lastmod>{a.published.isoformat()}</lastmod>
<news:news><news:publication><news:name>{escape(paper)}</news:name>\
<news:language>ko</news:language></news:publication>
<news:publication_date>{a.published.isoformat()}</news:publication_date>
<news:title>{escape(a.title)}</news:title></news:news></url>"""
        for a in articles
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{urls}\n</urlset>\n"
    )
    return text


def gzipped(text: str) -> bytes:
    return gzip.compress(text.encode(), mtime=0)


def board_sitemap(host: str, articles: Sequence[Article]) -> str:
    urls = "\n".join(
        f"<url><loc>http://{host}{escape(a.path)}</loc>"
        f"<lastmod>{a.published:%Y-%m-%d}</lastmod><changefreq>never</changefreq></url>"
        for a in articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}\n</urlset>\n"
    )


def alternate_link(paper: str) -> str:
    """The ``<link rel="alternate">`` a news CMS's pages announce their feed by."""
    return (
        f'<link rel="alternate" type="application/rss+xml" title="{escape(paper)} 전체기사" '
        f'href="{ALL_ARTICLES}">\n'
    )
