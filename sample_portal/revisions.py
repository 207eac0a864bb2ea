"""A Gnuboard news board whose articles change after publication, over
simulated days: the case of revisits, corrections and takedowns.

``EditedBoard`` keeps a simulated clock (``now``; ``next_day`` moves it on a
day, publishes that day's posts and makes the edits planned for the day).
Its editors change a figure in a post, retitle one, append a corrections
notice, delete one (Gnuboard then answers its "글이 존재하지 않습니다" alert)
or make one answer 404, and may put one back (:data:`EDITS`). Every edit is
recorded in ``edits`` with the day it was made, so tests and the benchmark can
compare what a crawler found with what was done.

Posts with an even number carry ``ETag`` and ``Last-Modified`` (of their
text: an unchanged post answers a conditional request with 304); odd ones
carry neither. What changes every day without being an edit: a post's view
count, its comments, the popular and latest-posts sidebars.

Served by :func:`serve_board` on 127.0.0.1 (a server of its own: it answers
conditional requests, which the portal's does not look at).
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import gnuboard5
from .content import SEOUL, Article, Newsroom
from .images import PHOTO_SUFFIXES, photo_at

SITE = "edited"
# simulated day 0 starts at midnight of this day (Asia/Seoul)
START = datetime(2026, 9, 1, tzinfo=SEOUL)
# the kinds of edit: what changes, and whether the post is then there
FIGURE, RETITLE, CORRECTION, DELETE, MISSING, RESTORE = (
    "figure",
    "retitle",
    "correction",
    "delete",
    "404",
    "restore",
)
EDITS = (FIGURE, RETITLE, CORRECTION, DELETE, MISSING, RESTORE)
CHANGES = (FIGURE, RETITLE, CORRECTION)  # edits that make a new version
TAKEDOWNS = (DELETE, MISSING)
# a corrections notice's headings, one correction after another
CORRECTION_HEADINGS = ("[수정]", "[바로잡습니다]", "정정보도문")
_NUMBER = re.compile(r"\d+")
_VIEWS = re.compile(r'(<i class="fa fa-eye" aria-hidden="true"></i> )[\d,]+회')
_HTML = "text/html; charset=utf-8"
_PER_PAGE = 15
_NOT_FOUND = (
    b'<!doctype html><html lang="ko"><head><meta charset="utf-8"><title>404 Not Found</title>'
    b"</head><body><h1>Not Found</h1></body></html>"
)


@dataclass(frozen=True)
class Edit:
    """One edit made to a post: its path, the day it was made, its kind."""

    path: str
    day: int
    kind: str


@dataclass
class _Post:
    article: Article
    revision: int = 1  # bumped by every change of its text
    modified: datetime | None = None
    state: str = "up"  # "up", DELETE or MISSING


class EditedBoard:
    """A news board of ``per_day`` new posts a simulated day; of each day's
    new posts, ``edit_share`` get one change (a figure, a title or a
    corrections notice) and ``takedown_share`` are taken down, each at a
    random age up to ``within`` days."""

    gzip_pages = False
    bot_check = False

    def __init__(
        self,
        per_day: int = 5,
        seed: int = 1,
        edit_share: float = 0.0,
        takedown_share: float = 0.0,
        within: int = 28,
    ) -> None:
        self.sites = (SITE,)
        self.per_day = per_day
        self.edit_share = edit_share
        self.takedown_share = takedown_share
        self.within = within
        self.day = -1  # no day yet: ``next_day`` starts day 0
        self.edits: list[Edit] = []
        self.hits: Counter[str] = Counter()
        self._newsroom = Newsroom(seed)
        self._rng = random.Random(f"edits|{seed}")
        self._posts: dict[str, _Post] = {}
        self._order: list[str] = []  # paths, newest first
        self._planned: dict[int, list[tuple[str, str]]] = {}  # day -> (path, kind)
        self._lock = threading.Lock()

    # --- the simulated clock ---------------------------------------------------

    def now(self) -> datetime:
        """The simulated time: 23:00 of the current day, after its posts and edits."""
        return START + timedelta(days=self.day, hours=23)

    def next_day(self) -> list[Article]:
        """Move on a day: publish its posts (from 07:00, an hour apart) and make
        the edits planned for it; the new posts."""
        with self._lock:
            self.day += 1
            fresh = []
            for i in range(self.per_day):
                when = START + timedelta(days=self.day, hours=7 + i % 14, minutes=i // 14)
                number = len(self._posts) + 1
                story = self._newsroom.story(SITE, when)
                path = gnuboard5.article_path(number)
                article = Article(SITE, path, story.title, story.author, when, story.paragraphs)
                self._posts[path] = _Post(article)
                self._order.insert(0, path)
                fresh.append(article)
                self._plan(path)
            for path, kind in self._planned.pop(self.day, []):
                self._edit(path, kind)
        return fresh

    def _plan(self, path: str) -> None:
        draw = self._rng.random()
        if draw < self.edit_share:
            kind = self._rng.choice(CHANGES)
        elif draw < self.edit_share + self.takedown_share:
            kind = self._rng.choice(TAKEDOWNS)
        else:
            return
        day = self.day + self._rng.randint(1, self.within)
        self._planned.setdefault(day, []).append((path, kind))

    def edit(self, path: str, kind: str) -> None:
        """Make an edit of ``kind`` (one of :data:`EDITS`) to the post at ``path`` now."""
        with self._lock:
            self._edit(path, kind)

    def _edit(self, path: str, kind: str) -> None:
        post = self._posts[path]
        when = START + timedelta(days=self.day, hours=12)
        article = post.article
        if kind == FIGURE:
            paragraphs = list(article.paragraphs)
            at = next((i for i, p in enumerate(paragraphs) if _NUMBER.search(p)), 0)
            found = _NUMBER.search(paragraphs[at])
            if found is None:
                paragraphs[at] += " 사업비는 총 12억원이다."
            else:
                figure = str(int(found.group()) + 7)
                paragraphs[at] = (
                    paragraphs[at][: found.start()] + figure + paragraphs[at][found.end() :]
                )
            article = replace(article, paragraphs=tuple(paragraphs))
        elif kind == RETITLE:
            article = replace(article, title=f"{article.title}…예산 추가 확보")
        elif kind == CORRECTION:
            made = sum(edit.kind == CORRECTION for edit in self.edits)
            heading = CORRECTION_HEADINGS[made % len(CORRECTION_HEADINGS)]
            notice = f"{heading} 본문 중 사업 규모를 바로잡았습니다. ({when:%Y.%m.%d %H:%M} 수정)"
            article = replace(article, paragraphs=(*article.paragraphs, notice))
        elif kind in TAKEDOWNS:
            post.state = kind
        elif kind == RESTORE:
            post.state = "up"
        else:
            raise ValueError(f"unknown edit {kind!r}: known are {', '.join(EDITS)}")
        if article is not post.article:
            post.article, post.revision, post.modified = article, post.revision + 1, when
        self.edits.append(Edit(path, self.day, kind))

    def articles(self) -> list[Article]:
        """Every post as it reads now, newest first (taken-down ones too)."""
        return [self._posts[path].article for path in self._order]

    def sites_yaml(self, base_url: str, revisit: str | None = None) -> str:
        """A sites.yaml listing the board (with ``revisit: REVISIT`` when given)."""
        lines = [
            "sites:",
            f"  - name: {SITE}",
            f'    list_url: "{base_url.rstrip("/")}{gnuboard5.LIST_PATH}"',
            f"    cms: {gnuboard5.CMS}",
        ]
        if revisit is not None:
            lines.append(f"    revisit: {revisit}")
        return "\n".join(lines) + "\n"

    # --- rendering -------------------------------------------------------------

    def answer(
        self, path: str, host: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of ``path`` with request ``headers``."""
        with self._lock:
            self.hits[path] += 1
            split = urlsplit(path)
            query = parse_qs(split.query)
            if split.path == "/robots.txt":
                return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /admin/\n"
            if split.path.lower().endswith(PHOTO_SUFFIXES):  # the photos the posts show
                return 200, {"Content-Type": "image/jpeg"}, photo_at(split.path)
            if split.path != "/bbs/board.php" or query.get("bo_table") != [gnuboard5.BOARD]:
                return 404, {"Content-Type": _HTML}, _NOT_FOUND
            if "wr_id" in query:
                return self._view(
                    f"/bbs/board.php?bo_table={gnuboard5.BOARD}&wr_id={query['wr_id'][0]}",
                    host,
                    headers,
                )
            page = int(query.get("page", ["1"])[0] or 1)
            return 200, {"Content-Type": _HTML}, self._list(page, host).encode()

    def _up(self) -> list[Article]:
        return [self._posts[p].article for p in self._order if self._posts[p].state == "up"]

    def _sidebars(self, exclude: Article | None) -> tuple[list[Article], list[Article]]:
        """The popular and latest posts: the popular ones drawn anew each day."""
        up = [a for a in self._up() if a is not exclude]
        rng = random.Random(f"popular|{self.day}")
        return rng.sample(up, min(7, len(up))), up[:5]

    def _list(self, page: int, host: str) -> str:
        up = self._up()
        total_pages = max(1, -(-len(up) // _PER_PAGE))
        popular, latest = self._sidebars(None)
        return gnuboard5.list_page(
            host=host,
            bo_table=gnuboard5.BOARD,
            page=page,
            rows=up[(page - 1) * _PER_PAGE : page * _PER_PAGE],
            notices=(),
            first_number=len(up) - (page - 1) * _PER_PAGE,
            total=len(up),
            total_pages=total_pages,
            popular=popular,
            latest=latest,
            now=self.now(),
        )

    def _view(
        self, path: str, host: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        post = self._posts.get(path)
        if post is None or post.state == DELETE:
            alert = gnuboard5.alert_page(gnuboard5.NOT_FOUND).encode()
            return 200, {"Content-Type": _HTML}, alert
        if post.state == MISSING:
            return 404, {"Content-Type": _HTML}, _NOT_FOUND
        sent = {"Content-Type": _HTML}
        if gnuboard5.wr_id(post.article) % 2 == 0:
            changed = post.modified or post.article.published
            sent["ETag"] = f'"{gnuboard5.wr_id(post.article)}-{post.revision}"'
            sent["Last-Modified"] = format_datetime(changed.astimezone(UTC), usegmt=True)
            if _fresh(headers, sent["ETag"], changed):
                return 304, {k: v for k, v in sent.items() if k != "Content-Type"}, b""
        up = self._up()
        at = up.index(post.article) if post.article in up else 0
        newer = up[at - 1] if at > 0 else None
        older = up[at + 1] if at + 1 < len(up) else None
        popular, latest = self._sidebars(post.article)
        html = gnuboard5.article_page(
            host=host,
            article=post.article,
            newer=newer,
            older=older,
            popular=popular,
            latest=latest,
            now=self.now(),
        )
        views = 40 + 37 * (self.day - _age_origin(post.article)) + gnuboard5.wr_id(post.article)
        html = _VIEWS.sub(lambda m: f"{m.group(1)}{views:,}회", html)
        return 200, sent, html.encode()


def _age_origin(article: Article) -> int:
    return (article.published - START).days


def _fresh(headers: dict[str, str], etag: str, changed: datetime) -> bool:
    """Whether a conditional request's validators still hold (RFC 9110: the
    ETag decides when one is sent)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    if "if-none-match" in lowered:
        return etag in [tag.strip() for tag in lowered["if-none-match"].split(",")]
    since = lowered.get("if-modified-since")
    if since is None:
        return False
    try:
        return changed.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        status, headers, body = self.server.board.answer(self.path, host, dict(self.headers))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silence per-request logging."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, board: EditedBoard) -> None:
        self.board = board
        super().__init__(("127.0.0.1", 0), _Handler)


@contextmanager
def serve_board(board: EditedBoard) -> Iterator[str]:
    """Serve ``board`` on 127.0.0.1 in a daemon thread; yields its base URL."""
    server = _Server(board)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
