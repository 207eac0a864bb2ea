"""The sample portal: the three sites' state, request routing, page cache, hit counting, server."""

from __future__ import annotations

import gzip
import random
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from . import bot_check as cookie_check
from . import feeds as site_feeds
from . import generic, gnuboard5, heavy, newscms, paged_articles, press_board, syndication
from .content import SEOUL, Article, Newsroom, Story, schedule
from .faults import Faults
from .form_boards import FORM_BOARDS, LIST_PATHS, FormBoards
from .images import PHOTO_SUFFIXES, photo_at
from .outlets import Outlet
from .paged_articles import WEEKLY, CountyWeekly
from .press_board import PRESS_BOARD, PressBoard
from .skins import Skin

SITES = ("gnuboard", "newscms", "generic")
_FAMILIES = {"gnuboard": gnuboard5, "newscms": newscms, "generic": generic}
_HTML = "text/html; charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_ROBOTS = (
    "User-agent: *\nDisallow: /bbs/login.php\nDisallow: /bbs/register.php\nDisallow: /admin/\n"
)
_NOT_FOUND = (
    '<!doctype html>\n<html lang="ko"><head><meta charset="utf-8"><title>404 Not Found'
    "</title></head><body><h1>Not Found</h1><p>요청하신 페이지를 찾을 수 없습니다.</p>"
    "</body></html>\n"
).encode()
_HANGUL_WORD = re.compile(r"[가-힣]+")
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d+)?|\[[0-9A-Fa-f:.]+\](:\d+)?")
_POPULAR = {"gnuboard": 10, "newscms": 7}
_XML = "text/xml"  # as CMSs send their feeds and sitemaps, the charset left to the file
_GZIP = "application/x-gzip"
_LATEST = 5

Page = tuple[int, str, bytes]
# the feeds and the sitemap each site serves when the portal serves them (sample_portal.feeds)
_FEEDS = {
    # the board's feed, and a members-only board's, which answers with a refusal
    "gnuboard": [
        f'"{site_feeds.GNUBOARD_RSS}?bo_table={board}"' for board in (gnuboard5.BOARD, "report")
    ],
    "newscms": [f'"{site_feeds.ALL_ARTICLES}"', f'"{site_feeds.SECTION}"'],
    "generic": [f'"{site_feeds.ATOM}"'],
}
_SITEMAPS = {
    "gnuboard": site_feeds.BOARD_SITEMAP,
    "newscms": site_feeds.NEWS_INDEX,
    "generic": site_feeds.BLOG_NEWS,
}


@dataclass
class _Edition:
    """One site's articles at one moment; `publish` swaps in a new edition (and so a new cache)."""

    articles: tuple[Article, ...]
    next_number: int
    regular: tuple[Article, ...] = ()
    notices: tuple[Article, ...] = ()
    by_path: dict[str, Article] = field(default_factory=dict)
    position: dict[str, int] = field(default_factory=dict)
    cache: dict[tuple[str, ...], Page] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.regular = tuple(a for a in self.articles if not a.notice)
        self.notices = tuple(a for a in self.articles if a.notice)
        self.by_path = {a.path: a for a in self.articles}
        self.position = {a.path: i for i, a in enumerate(self.regular)}

    def neighbours(self, article: Article) -> tuple[Article | None, Article | None]:
        """The next newer and next older regular article."""
        i = self.position.get(article.path)
        if i is None:
            return None, None
        newer = self.regular[i - 1] if i > 0 else None
        older = self.regular[i + 1] if i + 1 < len(self.regular) else None
        return newer, older


def _int(query: dict[str, list[str]], name: str) -> int | None:
    value = query.get(name, [""])[0]
    return int(value) if value.isdigit() else None


class SamplePortal:
    """Three fake Korean news sites with deterministic content; render pages with `render`.

    `faults` switches on cases of `faults.CASES` (e.g. `faults.ALL_FAULTS`): error
    answers, hostile pages and trap links planted on every site; see `self.faults`.
    `template_lines` end every article page's body (a site's promo and tip lines),
    outside the articles' own `paragraphs`. `own_blocks`: the blog's posts end
    with its own blocks (`generic.own_blocks`: its picks, a button bar, a
    contact row), which only its learned frame tells from the post.
    `gzip_pages`: pages are sent gzip-encoded to clients that accept it (fault pages as
    they are). `hangul_slugs`: the blog's article URLs end in Hangul words of the title.
    `feeds`: the sites serve RSS and Atom feeds, `sitemaps`: sitemaps named in robots.txt
    (see `sample_portal.feeds`); `sites_yaml` then lists them.
    `bot_check`: every request without the pass cookie gets the script page that
    sets it and reloads (see `sample_portal.bot_check`).
    `form_boards`: the boards paged only by a form post are served too (their
    `list_url` alone listed; see `sample_portal.form_boards`), with no date on
    the press board's pages unless `dated_form_boards`. `paged_articles`: a
    county weekly whose articles continue over several pages is served too
    (see `sample_portal.paged_articles`). `press_board`: a city's press-release
    board whose releases carry photos and attachments is served too, its
    private downloads disallowed in robots.txt (see `sample_portal.press_board`).
    `heavy`: the sites dressed as big portals dress them (pages of about 20 KB
    with a full menu, side boxes and comments, the news CMS's standing block
    under every article, press releases every site reposts with small edits;
    see `sample_portal.heavy`).
    """

    def __init__(
        self,
        articles_per_site: int = 65,
        per_page: int = 15,
        seed: int = 1,
        sites: Iterable[str] | None = None,
        syndicated: bool = False,
        faults: Iterable[str] = (),
        template_lines: Sequence[str] = (),
        gzip_pages: bool = False,
        hangul_slugs: bool = False,
        skins: Iterable[int] = (),
        feeds: bool = False,
        sitemaps: bool = False,
        bot_check: bool = False,
        form_boards: bool = False,
        dated_form_boards: bool = True,
        paged_articles: bool = False,
        own_blocks: bool = False,
        press_board: bool = False,
        heavy: bool = False,
    ) -> None:
        wanted = set(sites) if sites is not None else set(SITES)
        if not wanted or wanted - set(SITES):
            raise ValueError(f"sites must be a non-empty subset of {SITES}")
        self.sites = [site for site in SITES if site in wanted]
        self.per_page = per_page
        self.seed = seed
        self.gzip_pages = gzip_pages
        self.feeds = feeds
        self.sitemaps = sitemaps
        self.bot_check = bot_check
        self.hangul_slugs = hangul_slugs
        self.heavy = heavy
        self.hits: Counter[str] = Counter()
        self._hits_lock = threading.Lock()
        self._lock = threading.Lock()
        self._newsroom = Newsroom(seed)
        # generated-skin sites (sample_portal.skins) by name, "skin7" for seed 7
        self.skins = {f"skin{n}": Skin.from_seed(n) for n in skins}
        self._editions = {
            site: self._archive(site, articles_per_site) for site in (*SITES, *self.skins)
        }
        self.syndicated = syndicated
        self.form_boards = (
            FormBoards(seed, articles_per_site, per_page, dated_form_boards)
            if form_boards
            else None
        )
        self.weekly = (
            CountyWeekly.generate(seed, articles_per_site, per_page) if paged_articles else None
        )
        self.press_board = (
            PressBoard.generate(seed, articles_per_site, per_page) if press_board else None
        )
        # (original, reprint) pairs; see syndication.py
        self.reprints: list[tuple[Article, Article]] = []
        if syndicated:
            edition = self._editions["newscms"]
            articles, self.reprints = syndication.reprints(
                self._editions["gnuboard"].regular, edition.articles
            )
            self._editions["newscms"] = _Edition(articles, edition.next_number)
        self.faults = Faults(self, faults)
        self.template_lines = tuple(template_lines)
        self.own_blocks = own_blocks

    # --- content ---------------------------------------------------------------

    def _archive(self, site: str, count: int) -> _Edition:
        times = schedule(self._newsroom.rng(site), count, seconds=site == "newscms")
        stories = [self._newsroom.story(site, when) for when in times]
        if self.heavy:
            stories = heavy.with_releases(site, stories, self.seed)
        first = 1
        notices: list[Article] = []
        if site == "gnuboard":
            first = 3
            year = min(times[-1].year - 1, 2023) if times else 2023
            pinned = self._newsroom.notices(gnuboard5.PAPER)
            notices = [
                self._article(
                    site,
                    number,
                    datetime(year, 1, number + 1, 9 + number, 0, tzinfo=SEOUL),
                    story,
                    notice=True,
                )
                for number, story in ((2, pinned[1]), (1, pinned[0]))
            ]
        regular = [
            self._article(site, first + count - 1 - i, when, story)
            for i, (when, story) in enumerate(zip(times, stories, strict=True))
        ]
        return _Edition((*regular, *notices), first + count)

    def _article(
        self, site: str, number: int, when: datetime, story: Story, notice: bool = False
    ) -> Article:
        if site in self.skins:
            path = self.skins[site].article_path(number)
        elif site == "generic":
            words = _HANGUL_WORD.findall(story.title)[:3] if self.hangul_slugs else ()
            path = generic.article_path(number, when, "-".join(words) or story.slug)
        else:
            path = _FAMILIES[site].article_path(number)
        return Article(site, path, story.title, story.author, when, story.paragraphs, notice)

    def articles(self, site: str) -> list[Article]:
        """Everything `site` publishes, newest first (Gnuboard's pinned notices are oldest)."""
        return list(self._editions[site].articles)

    def publish(self, site: str, n: int = 1) -> list[Article]:
        """Add `n` articles dated now (Asia/Seoul, to the minute) on top; newest first."""
        with self._lock:
            edition = self._editions[site]
            now = datetime.now(SEOUL).replace(second=0, microsecond=0)
            fresh = [
                self._article(site, edition.next_number + i, now, self._newsroom.story(site, now))
                for i in range(n)
            ]
            fresh.reverse()
            self._editions[site] = _Edition((*fresh, *edition.articles), edition.next_number + n)
        return fresh

    def publish_late(self, site: str, when: datetime) -> Article:
        """Add one article dated `when` where its date puts it in the list (a story
        published late, below newer ones), not on top."""
        with self._lock:
            edition = self._editions[site]
            number = edition.next_number
            late = self._article(site, number, when, self._newsroom.story(site, when))
            regular = list(edition.regular)
            at = next((i for i, a in enumerate(regular) if a.published < when), len(regular))
            regular.insert(at, late)
            self._editions[site] = _Edition((*regular, *edition.notices), number + 1)
        return late

    def sites_yaml(
        self,
        base_url: str,
        list_url_only: bool = False,
        article_patterns: bool = False,
        requisites: str | None = None,
    ) -> str:
        """A sites.yaml listing the served sites' list URLs under `base_url`
        (with their `cms`, unless `list_url_only`; a generated skin's is `generic`),
        each site's `article_pattern` as a user writes it against the links its
        pages show when `article_patterns`, the feeds and sitemaps served, and
        the family sites' `requisites` when given."""
        lines = ["sites:"]
        base = base_url.rstrip("/")
        for site in self.sites:
            family = _FAMILIES[site]
            lines += [f"  - name: {site}", f'    list_url: "{base}{family.LIST_PATH}"']
            if not list_url_only:
                lines.append(f"    cms: {family.CMS}")
            if article_patterns:
                lines.append(f"    article_pattern: '{family.ARTICLE_PATTERN}'")
            if self.feeds:
                lines.append(f"    feeds: [{', '.join(_FEEDS[site])}]")
            if self.sitemaps and site in _SITEMAPS:
                lines.append(f'    sitemaps: ["{_SITEMAPS[site]}"]')
            if requisites is not None:
                lines.append(f"    requisites: {requisites}")
        for site, skin in self.skins.items():
            lines += [f"  - name: {site}", f'    list_url: "{base}{skin.list_url_path}"']
            if not list_url_only:
                lines.append("    cms: generic")
            if article_patterns:
                lines.append(f"    article_pattern: '{skin.article_pattern}'")
        for site in FORM_BOARDS if self.form_boards else ():
            lines += [f"  - name: {site}", f'    list_url: "{base}{LIST_PATHS[site]}"']
        if self.weekly is not None:
            lines += [f"  - name: {WEEKLY}", f'    list_url: "{base}{paged_articles.LIST_PATH}"']
        if self.press_board is not None:
            lines += [f"  - name: {PRESS_BOARD}", f'    list_url: "{base}{press_board.LIST_PATH}"']
        return "\n".join(lines) + "\n"

    def record_hit(self, path: str) -> None:
        """Count one request for `path` (path with query, as requested; a form
        post's as ``POST path``)."""
        with self._hits_lock:
            self.hits[path] += 1

    # --- rendering -------------------------------------------------------------

    def render(
        self, path: str, host: str = "127.0.0.1", form: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of `path` (with query) sent to
        `host`, or a POST of `form` to it."""
        # the press board's downloads carry headers of their own (Content-Disposition)
        answer = self.press_board.route(path, form) if self.press_board else None
        extra: dict[str, str] = {}
        if answer is not None:
            status, content_type, body, extra = answer
        else:
            served = self.form_boards.route(path, form) if self.form_boards else None
            served = served or (self.weekly.route(path, form) if self.weekly else None)
            if served is None and form is not None:
                served = 405, _TEXT, b"Method Not Allowed"
            status, content_type, body = served or self._route(path, host)
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        return status, {**headers, **extra}, body

    def _route(self, path: str, host: str) -> Page:
        split = urlsplit(path)
        route, query = unquote(split.path), parse_qs(split.query)
        if route == "/robots.txt":
            named = [_SITEMAPS[site] for site in self.sites if site in _SITEMAPS]
            lines = [f"Sitemap: http://{host}{path}\n" for path in named if self.sitemaps]
            board = press_board.ROBOTS_RULE if self.press_board else ""
            return 200, _TEXT, (_ROBOTS + board + "".join(lines)).encode()
        served = self._feed(route, query, host) if self.feeds else None
        served = served or (self._sitemap(route, host) if self.sitemaps else None)
        if served is not None:
            return served
        if route == "/":
            return 200, _HTML, self._home()
        if route == "/bbs/board.php" and "gnuboard" in self.sites:
            return self._gnuboard(query, host)
        if route == "/news/section_list_all.html" and "newscms" in self.sites:
            return self._list("newscms", _int(query, "page") or 1, host)
        if route == "/news/article.html" and "newscms" in self.sites:
            no = _int(query, "no")
            return self._view("newscms", newscms.article_path(no) if no else "", host)
        if route in ("/blog/", "/blog/index.html") and "generic" in self.sites:
            return self._list("generic", _int(query, "page") or 1, host)
        if route.startswith("/blog/") and "generic" in self.sites:
            return self._view("generic", route, host)
        for site, skin in self.skins.items():
            if route.startswith(skin.prefix + "/"):
                return self._skinned(site, skin, split.path, split.query, host)
        if route.lower().endswith(PHOTO_SUFFIXES):  # the photos the articles' bodies show
            return 200, "image/jpeg", photo_at(route)
        return 404, _HTML, _NOT_FOUND

    def _feed(self, route: str, query: dict[str, list[str]], host: str) -> Page | None:
        """A feed of `route`, when a served site has one there."""
        if route == site_feeds.GNUBOARD_RSS and "gnuboard" in self.sites:
            board = query.get("bo_table", [""])[0]
            if board in site_feeds.REFUSED_BOARDS:
                return 200, _HTML, site_feeds.REFUSED_BOARDS[board].encode()
            if board != gnuboard5.BOARD:
                return 200, _HTML, gnuboard5.alert_page(gnuboard5.NO_BOARD).encode()
            title = f"{gnuboard5.PAPER} > {gnuboard5.BOARDS[board]}"
            regular = self._editions["gnuboard"].regular
            return 200, _XML, site_feeds.gnuboard_rss(host, board, title, regular).encode()
        if route in (site_feeds.ALL_ARTICLES, site_feeds.SECTION) and "newscms" in self.sites:
            now = datetime.now(SEOUL)
            regular = [
                (a, newscms.modified_time(a, now) or a.published)
                for a in self._editions["newscms"].regular
            ]
            if route == site_feeds.ALL_ARTICLES:
                size = site_feeds.FEED_SIZE["newscms"]
                return (
                    200,
                    _XML,
                    site_feeds.news_rss(host, newscms.PAPER, regular, size, "UTF-8").encode(),
                )
            held = [(a, t) for a, t in regular if newscms.number(a) % site_feeds.SECTIONS == 1]
            text = site_feeds.news_rss(host, newscms.PAPER, held, site_feeds.SECTION_SIZE, "euc-kr")
            return 200, _XML, text.encode("cp949")
        if route == site_feeds.ATOM and "generic" in self.sites:
            regular = self._editions["generic"].regular
            return 200, _XML, site_feeds.atom(host, generic.BLOG, regular).encode()
        return None

    def _sitemap(self, route: str, host: str) -> Page | None:
        """A sitemap of `route`, when a served site has one there."""
        if "newscms" in self.sites and (
            route == site_feeds.NEWS_INDEX or route.startswith("/sitemap/")
        ):
            by_month = site_feeds.months(self._editions["newscms"].regular)
            if route == site_feeds.NEWS_INDEX:
                return (
                    200,
                    _XML,
                    site_feeds.sitemap_index(host, self._editions["newscms"].regular).encode(),
                )
            month = route.removeprefix("/sitemap/").removesuffix(".xml.gz")
            if month in by_month:
                return (
                    200,
                    _GZIP,
                    site_feeds.gzipped(
                        site_feeds.news_sitemap(host, newscms.PAPER, by_month[month])
                    ),
                )
        if route == site_feeds.BLOG_NEWS and "generic" in self.sites:
            newest = self._editions["generic"].regular[: site_feeds.BLOG_NEWS_SIZE]
            return 200, _XML, site_feeds.news_sitemap(host, generic.BLOG, newest).encode()
        if route == site_feeds.BOARD_SITEMAP and "gnuboard" in self.sites:
            articles = self._editions["gnuboard"].articles
            return 200, _XML, site_feeds.board_sitemap(host, articles).encode()
        return None

    def _skinned(self, site: str, skin: Skin, route: str, query: str, host: str) -> Page:
        page = skin.list_page_number(route, query)
        if page is not None:
            return self._list(site, page, host)
        return self._view(site, skin.article_path_of(route, query) or route, host)

    def _home(self) -> bytes:
        links = "\n".join(
            f'<li><a href="{_FAMILIES[site].LIST_PATH.format(page=1)}">{site}</a></li>'
            for site in self.sites
        )
        return (
            f'<!doctype html>\n<html lang="ko"><head><meta charset="utf-8">'
            f"<title>Sample portal</title></head><body><h1>Sample portal</h1>\n<ul>\n{links}\n"
            "</ul></body></html>\n"
        ).encode()

    def _cached(
        self, edition: _Edition, key: tuple[str, ...], build: Callable[[datetime], str]
    ) -> Page:
        now = datetime.now(SEOUL)
        full_key = (*key, now.date().isoformat())
        page = edition.cache.get(full_key)
        if page is None:
            page = edition.cache[full_key] = (200, _HTML, build(now).encode())
        return page

    def _popular(
        self, edition: _Edition, key: str, exclude: Article | None, count: int
    ) -> list[Article]:
        """A stable pseudo-random pick of other articles for a "most read" box."""
        pool = edition.regular
        picks = random.Random(f"{self.seed}|{key}").sample(
            range(len(pool)), min(count + 1, len(pool))
        )
        return [pool[i] for i in picks if pool[i] is not exclude][:count]

    @staticmethod
    def _latest(edition: _Edition, exclude: Article | None) -> list[Article]:
        return [a for a in edition.regular[: _LATEST + 1] if a is not exclude][:_LATEST]

    @staticmethod
    def _picks(edition: _Edition, article: Article) -> list[Article]:
        """The three regular articles after ``article`` (from the first, past the last)."""
        at = edition.position.get(article.path, -1)
        return [edition.regular[(at + step) % len(edition.regular)] for step in (1, 2, 3)]

    def _slice(self, edition: _Edition, page: int) -> tuple[Sequence[Article], int]:
        total_pages = max(1, -(-len(edition.regular) // self.per_page))
        start = (page - 1) * self.per_page
        return edition.regular[start : start + self.per_page], total_pages

    def _gnuboard(self, query: dict[str, list[str]], host: str) -> Page:
        edition = self._editions["gnuboard"]
        bo_table = query.get("bo_table", [""])[0]
        if bo_table not in gnuboard5.BOARDS:
            return 200, _HTML, gnuboard5.alert_page(gnuboard5.NO_BOARD).encode()
        if "wr_id" in query:
            number = _int(query, "wr_id")
            found = number is not None and bo_table == gnuboard5.BOARD
            path = gnuboard5.article_path(number) if found else ""
            if path not in edition.by_path:
                return 200, _HTML, gnuboard5.alert_page(gnuboard5.NOT_FOUND).encode()
            return self._view("gnuboard", path, host)
        page = _int(query, "page") or 1
        if bo_table == gnuboard5.BOARD:
            return self._list("gnuboard", page, host)
        return self._cached(
            edition,
            (host, "board", bo_table, str(page)),
            lambda now: gnuboard5.list_page(
                host=host,
                bo_table=bo_table,
                page=page,
                rows=(),
                notices=(),
                first_number=0,
                total=0,
                total_pages=1,
                popular=self._popular(edition, bo_table, None, 10),
                latest=self._latest(edition, None),
                now=now,
            ),
        )

    def _list(self, site: str, page: int, host: str) -> Page:
        edition = self._editions[site]
        rows, total_pages = self._slice(edition, page)

        def build(now: datetime) -> str:
            if site == "gnuboard":
                html = gnuboard5.list_page(
                    host=host,
                    bo_table=gnuboard5.BOARD,
                    page=page,
                    rows=rows,
                    notices=edition.notices,
                    first_number=len(edition.regular) - (page - 1) * self.per_page,
                    total=len(edition.articles),
                    total_pages=total_pages,
                    popular=self._popular(edition, f"list{page}", None, _POPULAR[site]),
                    latest=self._latest(edition, None),
                    now=now,
                )
                if self.syndicated:
                    html = syndication.with_variant_links(html, rows, page, host)
                return html
            if site == "newscms":
                html = newscms.list_page(
                    page=page,
                    rows=rows,
                    total_pages=total_pages,
                    popular=self._popular(edition, f"list{page}", None, _POPULAR[site]),
                    now=now,
                )
                if self.feeds:
                    html = html.replace(
                        "</head>", site_feeds.alternate_link(newscms.PAPER) + "</head>", 1
                    )
                return html
            if site in self.skins:
                popular = self._popular(edition, f"list{page}", None, _LATEST)
                return self.skins[site].list_page(page, rows, total_pages, popular)
            return generic.list_page(page=page, rows=rows, total_pages=total_pages)

        return self._cached(edition, (host, "list", str(page)), build)

    def _view(self, site: str, path: str, host: str) -> Page:
        edition = self._editions[site]
        stored = edition.by_path.get(path)
        if stored is None:
            return 404, _HTML, _NOT_FOUND
        newer, older = edition.neighbours(stored)
        standing = heavy.standing_lines(site) if self.heavy else ()
        lines = (*stored.paragraphs, *self.template_lines, *standing)
        article = replace(stored, paragraphs=lines)

        def build(now: datetime) -> str:
            page = framed(now)
            if not self.heavy:
                return page
            ranked = self._popular(edition, f"heavy{path}", stored, heavy.RANKED)
            return heavy.dress(page, stored, ranked, self._latest(edition, stored), now)

        def framed(now: datetime) -> str:
            if site == "gnuboard":
                return gnuboard5.article_page(
                    host=host,
                    article=article,
                    newer=newer,
                    older=older,
                    popular=self._popular(edition, path, stored, _POPULAR[site]),
                    latest=self._latest(edition, stored),
                    now=now,
                )
            if site == "newscms":
                return newscms.article_page(
                    article=article,
                    newer=newer,
                    older=older,
                    popular=self._popular(edition, path, stored, _POPULAR[site]),
                    now=now,
                )
            if site in self.skins:
                popular = self._popular(edition, path, stored, _LATEST)
                return self.skins[site].article_page(article, popular)
            latest = self._latest(edition, stored)
            extra = generic.own_blocks(self._picks(edition, stored)) if self.own_blocks else ""
            return generic.article_page(article=article, latest=latest, extra=extra)

        return self._cached(edition, (host, "view", path), build)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = 60
    server: _Server

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self._answer(with_body=True, form=self.rfile.read(length))

    def _answer(self, with_body: bool, form: bytes | None = None) -> None:
        portal = self.server.portal
        portal.record_hit(self.path if form is None else f"POST {self.path}")
        host = self.headers.get("Host", "")
        if not _HOST.fullmatch(host):
            host = f"127.0.0.1:{self.server.server_address[1]}"
        if with_body and portal.faults.serve(self, host):
            return
        if portal.bot_check and not cookie_check.passed(self.headers.get("Cookie")):
            status, headers, body = 200, {"Content-Type": _HTML}, cookie_check.PAGE
            headers["Content-Length"] = str(len(body))
        else:
            status, headers, body = portal.render(self.path, host, form)
            etag = headers.get("ETag")
            if etag is not None and self.headers.get("If-None-Match") == etag:
                status, body = 304, b""  # what the client holds is what it would get
        if (
            portal.gzip_pages
            and status != 304
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            body = gzip.compress(body, mtime=0)
            headers = {**headers, "Content-Encoding": "gzip", "Content-Length": str(len(body))}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence per-request logging."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, portal: SamplePortal | Outlet, port: int) -> None:
        self.portal = portal
        super().__init__(("127.0.0.1", port), _Handler)


@contextmanager
def serve(portal: SamplePortal | Outlet, port: int = 0) -> Iterator[str]:
    """Serve `portal` (or an outlet of :mod:`sample_portal.outlets`) on
    127.0.0.1 in a daemon thread; yields the base URL.

    With faults on, the off-site decoy is served on another port meanwhile.
    """
    server = _Server(portal, port)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.1},
        name="sample-portal",
        daemon=True,
    )
    with ExitStack() as stack:
        if portal.faults.cases:
            stack.enter_context(portal.faults.decoy())
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
