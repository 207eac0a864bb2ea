"""Faults and hostile pages the sample portal can serve, all off unless asked
for: ``SamplePortal(faults=ALL_FAULTS)``, or some names of :data:`CASES`.

Each case is planted on every served site in one of three places:

- ``article``: a published article is served badly (errors before it comes
  through, broken markup, disagreeing encodings); it must end archived, with
  its real text;
- ``link``: list page 1 gains a link to a page that is no article (an alert
  page, a PDF, a gzip bomb, a redirect loop, ...); it must never be archived;
- ``list``: the list pages themselves (trap links that must never be
  requested, a list that never ends, a list page that fails).

Some answers need the raw socket: connection resets, a body cut short, a
drip of one byte a second, a 60 MB stream. Off-site links point at a decoy
server (another port of 127.0.0.1) and at ``localhost``; both count the
requests that reach them in :attr:`Faults.offsite_hits`.
"""

from __future__ import annotations

import functools
import socket
import struct
import threading
import time
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from . import generic, gnuboard5, newscms
from .content import BASE_TIME, Article

ARTICLE, FAILED, NOT_ARTICLE, NOT_REQUESTED = "article", "failed", "not_article", "not requested"
_HTML = "text/html; charset=utf-8"
_HOSTILE_NUMBER = 90000  # hostile links are numbered from here, past any real article
_DRIP_INTERVAL = 1.0
_SILENCE = 120.0  # seconds a silent answer holds the connection at most
_HUGE = 60 * 1024 * 1024
_BOMB = 64 * 1024 * 1024  # decompressed size of the gzip bomb
_LONG = 3000  # characters of an absurdly long link
# where each site keeps its article text, and where its list rows go
_BODY_OPEN = {
    "gnuboard": '<div id="bo_v_con">',
    "newscms": '<div id="news_body_area" class="smartOutput">',
    "generic": '<article class="post">',
}
_LIST_OPEN = {
    "gnuboard": "<tbody>",
    "newscms": '<ul class="art_list_all">',
    "generic": "<h1>최신 기사</h1>",
}
_LIST_ROUTES = {
    "gnuboard": "/bbs/board.php",
    "newscms": "/news/section_list_all.html",
    "generic": "/blog/",
}
_LIST_PATHS = {"gnuboard": gnuboard5.LIST_PATH, "newscms": newscms.LIST_PATH}
SCRIPT_TEXT = "스크립트 속 문장은 기사 본문이 아니므로 보관되면 안 됩니다."
SCRIPT_WRITTEN = "자바스크립트가 써 넣는 문단도 보관되면 안 됩니다."
LITERAL_MARKUP = "<img src=x onerror=alert('글자')>"
MARKUP_PARAGRAPH = f"취약점 예시로 든 {LITERAL_MARKUP} 코드는 글자 그대로 보여야 합니다."
LIVE_MARKUP = "alert('요소')"
EXTENDED_HANGUL = "똠방각하와 햏자, 뷁 같은 글자도 CP949에서는 제대로 읽혀야 합니다."


@dataclass(frozen=True)
class Case:
    """One fault or hostile page, where it is planted and what an archive must make of it."""

    name: str
    group: str  # the heading: transient, unbounded, redirects, ...
    where: str  # "article", "link" or "list"
    expect: str  # the capture outcome: article, failed, not_article; or "not requested"
    what: str  # what the portal does, for the closing table


CASES: dict[str, Case] = {
    case.name: case
    for case in (
        Case("503-retry-after", "transient", "article", ARTICLE,
             "503 with Retry-After: 1, twice, then the article"),
        Case("500-then-ok", "transient", "article", ARTICLE, "500 twice, then the article"),
        Case("reset-then-ok", "transient", "article", ARTICLE,
             "connection reset twice, then the article"),
        Case("cut-then-ok", "transient", "article", ARTICLE,
             "body cut short of its Content-Length once, then the article"),
        Case("slow", "transient", "article", ARTICLE, "every answer 1.5 s late"),
        Case("503-forever", "transient", "link", FAILED, "503 with Retry-After: 1, always"),
        Case("retry-after-long", "transient", "link", FAILED, "503 with Retry-After: 7200"),
        Case("reset-forever", "transient", "link", FAILED, "connection reset, always"),
        Case("gzip-bomb", "unbounded", "link", FAILED,
             "64 KiB of gzip that inflates to 64 MiB"),
        Case("huge-page", "unbounded", "link", FAILED, "a 60 MB page with its Content-Length"),
        Case("huge-unsized", "unbounded", "link", FAILED,
             "a 60 MB page without Content-Length"),
        Case("drip", "unbounded", "link", FAILED, "one byte a second"),
        Case("silent", "unbounded", "link", FAILED,
             "the request read, no answer: the connection held open"),
        Case("redirect-chain", "redirects", "article", ARTICLE,
             "301, 302, 307, then the article under another URL"),
        Case("redirect-loop", "redirects", "link", FAILED, "302s going round two URLs"),
        Case("redirect-loop-back", "redirects", "link", FAILED,
             "302 to another URL, which 302s back to the page"),
        Case("redirect-offsite", "redirects", "link", FAILED, "302 to another host"),
        Case("http-404", "not an article", "link", NOT_ARTICLE, "404 Not Found"),
        Case("deleted-post", "not an article", "link", NOT_ARTICLE,
             "200, Gnuboard alert: 글이 존재하지 않습니다"),
        Case("members-only", "members only", "link", FAILED,
             "200, Gnuboard alert: 글을 읽을 권한이 없습니다 (회원만)"),
        Case("password-wall", "members only", "link", FAILED,
             "200, the article replaced by a 비밀글 password form"),
        Case("login-wall", "members only", "link", FAILED,
             "200, the article replaced by 회원 전용 and a login form"),
        Case("paywall", "members only", "link", FAILED,
             "200, the full template, the article text only a 유료회원 전용 notice"),
        Case("pdf", "not an article", "link", NOT_ARTICLE, "200, application/pdf attachment"),
        Case("hwp", "not an article", "link", NOT_ARTICLE,
             "200, an HWP file as application/octet-stream"),
        Case("empty", "not an article", "link", NOT_ARTICLE, "200 with an empty body"),
        Case("unclosed-tags", "broken markup", "article", ARTICLE,
             "unclosed <div>, <span>, <font>, no </p>"),
        Case("nul-bytes", "broken markup", "article", ARTICLE, "NUL bytes through the text"),
        Case("truncated", "broken markup", "article", ARTICLE,
             "the HTML ends after the last paragraph"),
        Case("script-text", "broken markup", "article", ARTICLE,
             "text inside <script> in the article body"),
        Case("markup-in-text", "stored text", "article", ARTICLE,
             "a live <img onerror> and markup written as text in the body"),
        Case("euckr-extended", "encodings", "article", ARTICLE,
             "euc-kr header and meta, CP949-only Hangul (똠, 햏, 뷁)"),
        Case("cp949-under-utf8", "encodings", "article", ARTICLE,
             "CP949 bytes, header charset=utf-8, meta euc-kr"),
        Case("utf8-under-euckr", "encodings", "article", ARTICLE,
             "UTF-8 bytes, header charset=euc-kr"),
        Case("undecodable", "encodings", "link", FAILED,
             "UTF-8 and CP949 paragraphs mixed, no charset"),
        Case("offsite-links", "traps", "list", NOT_REQUESTED,
             "article-like links to another port, localhost and an .invalid host"),
        Case("script-links", "traps", "list", NOT_REQUESTED, "javascript:, mailto:, tel: links"),
        Case("long-url", "traps", "list", NOT_REQUESTED,
             f"an article-like link of {_LONG}+ characters"),
        Case("calendar", "traps", "list", NOT_REQUESTED, "calendar links (?date=), endless"),
        Case("endless-list", "traps", "list", NOT_REQUESTED,
             "list pages past the end repeat the last one, with a next link"),
        Case("list-503-once", "transient", "list", ARTICLE, "list page 2 answers 503 once"),
        Case("list-not-html", "list pages", "list", FAILED,
             "list page 2 is a PDF (its articles cannot be found)"),
        Case("list-404-past-end", "list pages", "list", NOT_REQUESTED,
             "list pages past the end answer 404"),
    )
}  # fmt: skip
# every case at once: but a broken list page hides its articles, and the end of
# the list is either endless or a 404
ALL_FAULTS = tuple(name for name in CASES if name not in ("list-not-html", "list-404-past-end"))


@dataclass(frozen=True)
class Planted:
    """A case on one site: the URL path the crawler will ask for, and for an
    ``article`` case the published article behind it."""

    case: Case
    site: str
    path: str
    article: Article | None = None


# --- answers ---------------------------------------------------------------------


class _Answer(Protocol):
    def send(self, handler: BaseHTTPRequestHandler) -> None: ...


@dataclass(frozen=True)
class _Page:
    status: int
    headers: dict[str, str]
    body: bytes
    delay: float = 0.0

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        if self.delay:
            time.sleep(self.delay)
        handler.send_response(self.status)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body)


class _Reset:
    """Close the connection with a TCP reset before answering."""

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()
        handler.close_connection = True


@dataclass(frozen=True)
class _Cut:
    """Promise the whole body, send half of it, close."""

    body: bytes

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", _HTML)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        handler.wfile.write(self.body[: len(self.body) // 2])
        handler.close_connection = True


@dataclass(frozen=True)
class _Drip:
    """A page sent one byte every ``interval`` seconds, until the client gives up."""

    body: bytes
    interval: float = _DRIP_INTERVAL

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", _HTML)
        handler.send_header("Content-Length", str(len(self.body)))
        handler.end_headers()
        try:
            for byte in self.body:
                handler.wfile.write(bytes([byte]))
                time.sleep(self.interval)
        except OSError:
            return


class _Silent:
    """Read the request and answer nothing, until the client gives up."""

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.connection.settimeout(_SILENCE)
        try:
            handler.connection.recv(1)  # b"" once the client closes
        except OSError:
            return


@dataclass(frozen=True)
class _Stream:
    """``size`` bytes of HTML, streamed, with or without a Content-Length."""

    size: int
    sized: bool

    def send(self, handler: BaseHTTPRequestHandler) -> None:
        handler.close_connection = True
        handler.send_response(200)
        handler.send_header("Content-Type", _HTML)
        if self.sized:
            handler.send_header("Content-Length", str(self.size))
        else:
            handler.send_header("Connection", "close")
        handler.end_headers()
        chunk = ("<p>" + "끝없는 페이지입니다. " * 2000 + "</p>\n").encode()
        sent = 0
        try:
            while sent < self.size:
                part = chunk[: self.size - sent]
                handler.wfile.write(part)
                sent += len(part)
        except OSError:
            return


def _redirect(status: int, location: str) -> _Page:
    return _Page(status, {"Location": location, "Content-Type": _HTML}, b"")


@functools.cache
def _gzip_bomb() -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    parts = [packer.compress(zeros) for _ in range(_BOMB // len(zeros))]
    return b"".join(parts) + packer.flush()


def _pdf() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _hwp() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"HWP Document File" + bytes(256)


def _not_found() -> bytes:
    return (
        '<!doctype html>\n<html lang="ko"><head><meta charset="utf-8"><title>404 Not Found'
        "</title></head><body><h1>Not Found</h1><p>요청하신 기사를 찾을 수 없습니다.</p>"
        "</body></html>\n"
    ).encode()


# --- page surgery ------------------------------------------------------------------


def _body_start(html: str, site: str) -> int:
    """Where the article text starts: just inside the site's body container."""
    opening = html.index(_BODY_OPEN[site])
    return html.index(">", opening) + 1


def _text_end(html: str, article: Article) -> int:
    """Just after the last paragraph of ``article`` in ``html``."""
    last = escape(article.paragraphs[-1])
    return html.rindex(last) + len(last)


def _insert(html: str, at: int, text: str) -> str:
    return html[:at] + text + html[at:]


def _swap_text(html: str, site: str, article: Article, replacement: str) -> str:
    """``html`` with the article text replaced by ``replacement``."""
    return html[: _body_start(html, site)] + replacement + html[_text_end(html, article) :]


def _unclosed(html: str, site: str, article: Article) -> str:
    start, end = _body_start(html, site), _text_end(html, article)
    inner = html[start:end].replace("</p>", "").replace("</span>", "")
    opener = '<div class="se-box"><span style="font-size:11pt"><font face="굴림">'
    return html[:start] + opener + inner + html[end:]


def _nul_bytes(html: str, site: str, article: Article) -> str:
    start, end = _body_start(html, site), _text_end(html, article)
    inner = html[start:end].replace("다.", "다.\x00").replace("</p>", "\x00</p>")
    return html[:start] + "\x00" + inner + "\x00" + html[end:]


def _script_text(html: str, site: str, article: Article) -> str:
    script = (
        f'<script>var teaser = "{SCRIPT_TEXT}";\n'
        f"document.write('<p>{SCRIPT_WRITTEN}</p>');</script>\n"
    )
    return _insert(html, _body_start(html, site), script)


def _markup_in_text(html: str, site: str, article: Article) -> str:
    extra = f'<p>{escape(MARKUP_PARAGRAPH)}</p>\n<img src="/x.png" onerror="{LIVE_MARKUP}">\n'
    return _insert(html, _body_start(html, site), extra)


def _wall(paper: str, kind: str) -> str:
    if kind == "password-wall":
        return """<div id="pw_confirm" class="mbskin">
<h1>비밀글 보기</h1>
<p><strong>비밀글 기능으로 보호된 글입니다.</strong> 작성자와 관리자만 열람하실 수 있습니다.
본인이라면 비밀번호를 입력하세요.</p>
<form name="fboardpassword" action="/bbs/password_check.php" method="post">
<label for="pw_wr_password" class="sound_only">비밀번호</label>
<input type="password" name="wr_password" id="pw_wr_password" required maxlength="20">
<input type="submit" value="확인" class="btn_submit">
</form>
</div>"""
    if kind == "paywall":
        return """<div class="article-paywall">
<p>이 기사는 유료회원 전용 기사입니다.</p>
<p>유료회원만 열람 가능합니다. 로그인 후 이용해 주세요.</p>
<p><a href="/member/login.html">로그인</a> <a href="/member/join.html">회원가입</a></p>
</div>"""
    return f"""<div class="member_only">
<p>이 기사는 {escape(paper)} 회원 전용 기사입니다. 로그인 후 이용하실 수 있습니다.</p>
<form action="/member/login_check.html" method="post">
<input type="text" name="user_id" placeholder="아이디">
<input type="password" name="user_pw" placeholder="비밀번호">
<button type="submit">로그인</button>
</form>
</div>"""


_PAPERS = {"gnuboard": gnuboard5.PAPER, "newscms": newscms.PAPER, "generic": generic.BLOG}
_SURGERY: dict[str, Callable[[str, str, Article], str]] = {
    "unclosed-tags": _unclosed,
    "nul-bytes": _nul_bytes,
    "script-text": _script_text,
    "markup-in-text": _markup_in_text,
}


def _hostile_path(site: str, number: int, name: str) -> str:
    if site == "gnuboard":
        return gnuboard5.article_path(number)
    if site == "newscms":
        return newscms.article_path(number)
    return generic.article_path(number, BASE_TIME, name)


def _row(site: str, href: str, title: str) -> str:
    """A list row linking to ``href``, in the markup of ``site``'s list pages."""
    href, title = escape(href), escape(title)
    if site == "gnuboard":
        return (
            f'<tr><td class="td_num2">-</td><td class="td_subject"><div class="bo_tit">'
            f'<a href="{href}">{title}</a></div></td><td class="td_name sv_use">'
            f'<span class="sv_member">{gnuboard5.PAPER}</span></td><td class="td_num">0</td>'
            f'<td class="td_datetime">03-29</td></tr>\n'
        )
    if site == "newscms":
        return f'<li><a href="{href}"><h2 class="titles">{title}</h2></a></li>\n'
    return f'<article class="post-summary"><h2><a href="{href}">{title}</a></h2></article>\n'


# --- the registry --------------------------------------------------------------------


class Portal(Protocol):
    """What the faults read of the sample portal (``server.SamplePortal``, which
    imports this module)."""

    sites: list[str]
    per_page: int

    def articles(self, site: str) -> list[Article]: ...

    def render(self, path: str, host: str = ...) -> tuple[int, dict[str, str], bytes]: ...


class Faults:
    """The cases switched on for one sample portal, planted on its sites."""

    def __init__(self, portal: Portal, names: Iterable[str]) -> None:
        wanted = list(dict.fromkeys(names))
        unknown = sorted(set(wanted) - set(CASES))
        if unknown:
            raise ValueError(f"unknown faults {unknown}: known are {', '.join(CASES)}")
        self.portal = portal
        self.cases = [CASES[name] for name in wanted]
        self.offsite_hits: Counter[str] = Counter()
        self.times: defaultdict[str, list[float]] = defaultdict(list)  # request times by path
        self.decoy_port = 0
        self._attempts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._planted: dict[str, Planted] = {}
        self._moved: dict[str, Planted] = {}  # redirect targets: path -> the planted case
        for site in portal.sites:
            self._plant(site)

    def _plant(self, site: str) -> None:
        regular = [a for a in self.portal.articles(site) if not a.notice]
        on_articles = [case for case in self.cases if case.where == "article"]
        if on_articles and len(on_articles) + 1 > len(regular):
            raise ValueError(
                f"{len(on_articles)} article faults need more than {len(regular)} articles a site"
            )
        for article, case in zip(regular[1:], on_articles, strict=False):
            self._planted[article.path] = Planted(case, site, article.path, article)
        links = [case for case in self.cases if case.where == "link"]
        for number, case in enumerate(links, start=_HOSTILE_NUMBER):
            path = _hostile_path(site, number, case.name)
            self._planted[path] = Planted(case, site, path)

    def planted(self, site: str) -> dict[str, Planted]:
        """The cases planted on ``site`` that have a URL, by case name."""
        return {p.case.name: p for p in self._planted.values() if p.site == site}

    def on(self, name: str) -> bool:
        return CASES[name] in self.cases

    def hostile_urls(self, base_url: str) -> set[str]:
        """Every URL of a ``link`` case, on every site."""
        return {base_url + p.path for p in self._planted.values() if p.case.where == "link"}

    # --- serving -------------------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler, host: str) -> bool:
        """Answer ``handler``'s GET when a case covers it; False: serve the normal page."""
        if not self.cases:
            return False
        own = f"127.0.0.1:{handler.server.server_address[1]}"
        if host != own:
            with self._lock:
                self.offsite_hits[host] += 1
        answer = self._answer(handler.path, own)
        if answer is None:
            return False
        answer.send(handler)
        return True

    def _attempt(self, path: str) -> int:
        """Count a request for ``path``; 1 for the first."""
        with self._lock:
            self._attempts[path] += 1
            self.times[path].append(time.monotonic())
            return self._attempts[path]

    def _answer(self, path: str, host: str) -> _Answer | None:
        split = urlsplit(path)
        if split.path.startswith(("/moved/", "/loop/")):
            return self._hop(split.path, parse_qs(split.query).get("to", [""])[0], host)
        planted = self._planted.get(path)
        if planted is not None:
            return self._planted_answer(planted, self._attempt(path), host)
        for site in self.portal.sites:
            page = self._list_page_number(site, split.path, parse_qs(split.query))
            if page is not None:
                return self._list_answer(site, page, host, self._attempt(path))
        return None

    def _render(self, path: str, host: str) -> tuple[str, dict[str, str]]:
        status, headers, body = self.portal.render(path, host)
        assert status == 200, (path, status)
        headers.pop("Content-Length", None)
        return body.decode("utf-8"), headers

    def _page(self, html: str, headers: dict[str, str], delay: float = 0.0) -> _Page:
        return _Page(200, headers, html.encode("utf-8"), delay)

    def _planted_answer(self, planted: Planted, attempt: int, host: str) -> _Answer:
        name, site = planted.case.name, planted.site
        if planted.article is not None:
            return self._article_answer(planted, planted.article, attempt, host)
        pages = {
            "503-forever": lambda: _Page(503, {"Retry-After": "1", "Content-Type": _HTML}, b""),
            "retry-after-long": lambda: _Page(
                503, {"Retry-After": "7200", "Content-Type": _HTML}, b""
            ),
            "reset-forever": _Reset,
            "gzip-bomb": lambda: _Page(
                200, {"Content-Type": _HTML, "Content-Encoding": "gzip"}, _gzip_bomb()
            ),
            "huge-page": lambda: _Stream(_HUGE, sized=True),
            "huge-unsized": lambda: _Stream(_HUGE, sized=False),
            "drip": lambda: _Drip(self._base_page(site, host).encode()),
            "silent": _Silent,
            "redirect-loop": lambda: _redirect(302, f"/loop/a?to={quote(planted.path)}"),
            "redirect-loop-back": lambda: _redirect(302, f"/loop/back?to={quote(planted.path)}"),
            "redirect-offsite": lambda: _redirect(
                302, f"http://127.0.0.1:{self.decoy_port}{planted.path}"
            ),
            "http-404": lambda: _Page(404, {"Content-Type": _HTML}, _not_found()),
            "deleted-post": lambda: _Page(
                200, {"Content-Type": _HTML}, gnuboard5.alert_page(gnuboard5.NOT_FOUND).encode()
            ),
            "members-only": lambda: _Page(
                200,
                {"Content-Type": _HTML},
                gnuboard5.alert_page(
                    "글을 읽을 권한이 없습니다.\\n\\n회원이시라면 로그인 후 이용해 보십시오."
                ).encode(),
            ),
            "password-wall": lambda: self._walled(site, host, name),
            "login-wall": lambda: self._walled(site, host, name),
            "paywall": lambda: self._walled(site, host, name),
            "pdf": lambda: _Page(
                200,
                {
                    "Content-Type": "application/pdf",
                    "Content-Disposition": 'attachment; filename="press-release.pdf"',
                },
                _pdf(),
            ),
            "hwp": lambda: _Page(200, {"Content-Type": "application/octet-stream"}, _hwp()),
            "empty": lambda: _Page(200, {"Content-Type": _HTML}, b""),
            "undecodable": lambda: self._undecodable(site, host),
        }
        return pages[name]()

    def _base(self, site: str) -> Article:
        """The published article whose page a hostile page is made from."""
        return [a for a in self.portal.articles(site) if not a.notice][-1]

    def _base_page(self, site: str, host: str) -> str:
        return self._render(self._base(site).path, host)[0]

    def drip_seconds(self, site: str) -> float:
        """How long the drip takes to send its whole page, in seconds."""
        return len(self._base_page(site, "127.0.0.1").encode()) * _DRIP_INTERVAL

    def _walled(self, site: str, host: str, kind: str) -> _Page:
        html, headers = self._render(self._base(site).path, host)
        wall = _wall(_PAPERS[site], kind)
        return self._page(_swap_text(html, site, self._base(site), wall), headers)

    def _undecodable(self, site: str, host: str) -> _Page:
        html = self._base_page(site, host).replace('<meta charset="utf-8">', "")
        start = _body_start(html, site)
        middle = len(html[start:]) // 2 + start
        body = html[:middle].encode("utf-8") + html[middle:].encode("cp949", "xmlcharrefreplace")
        return _Page(200, {"Content-Type": "text/html"}, body)

    def _article_answer(
        self, planted: Planted, article: Article, attempt: int, host: str
    ) -> _Answer:
        name, site = planted.case.name, planted.site
        if name == "503-retry-after" and attempt <= 2:
            return _Page(503, {"Retry-After": "1", "Content-Type": _HTML}, b"")
        if name == "500-then-ok" and attempt <= 2:
            return _Page(500, {"Content-Type": _HTML}, b"<h1>Internal Server Error</h1>")
        if name == "reset-then-ok" and attempt <= 2:
            return _Reset()
        if name == "redirect-chain":
            return _redirect(301, f"/moved/1?to={quote(planted.path)}")
        html, headers = self._render(planted.path, host)
        if name == "cut-then-ok" and attempt <= 1:
            return _Cut(html.encode("utf-8"))
        if name == "slow":
            return self._page(html, headers, delay=1.5)
        if name == "truncated":
            return self._page(html[: _text_end(html, article)], headers)
        if name in _SURGERY:
            return self._page(_SURGERY[name](html, site, article), headers)
        if planted.case.group == "encodings":
            return self._encoded(name, html, site)
        return self._page(html, headers)

    def _encoded(self, name: str, html: str, site: str) -> _Page:
        euckr_meta = html.replace('<meta charset="utf-8">', '<meta charset="euc-kr">', 1)
        if name == "euckr-extended":
            extended = f"<p>{EXTENDED_HANGUL}</p>\n"
            page = _insert(euckr_meta, _body_start(euckr_meta, site), extended)
            body = page.encode("cp949", "xmlcharrefreplace")
            return _Page(200, {"Content-Type": "text/html; charset=euc-kr"}, body)
        if name == "cp949-under-utf8":
            body = euckr_meta.encode("cp949", "xmlcharrefreplace")
            return _Page(200, {"Content-Type": "text/html; charset=utf-8"}, body)
        assert name == "utf8-under-euckr", name
        return _Page(200, {"Content-Type": "text/html; charset=euc-kr"}, html.encode("utf-8"))

    def _hop(self, route: str, target: str, host: str) -> _Answer:
        """The redirect chain (``/moved/1``, ``/moved/2``, ``/moved/final``) and
        loops (``/loop/a`` and ``/loop/b``; ``/loop/back`` to the page itself)."""
        self._attempt(route)
        back = quote(target)
        hops = {
            "/moved/1": lambda: _redirect(302, f"/moved/2?to={back}"),
            "/moved/2": lambda: _redirect(307, f"/moved/final?to={back}"),
            "/loop/a": lambda: _redirect(302, f"/loop/b?to={back}"),
            "/loop/b": lambda: _redirect(302, f"/loop/a?to={back}"),
            "/loop/back": lambda: _redirect(302, unquote(target)),
        }
        if route in hops:
            return hops[route]()
        html, headers = self._render(unquote(target), host)
        return self._page(html, headers)

    # --- list pages ----------------------------------------------------------------

    def _list_page_number(self, site: str, route: str, query: dict[str, list[str]]) -> int | None:
        if route != _LIST_ROUTES[site] or "wr_id" in query or "date" in query:
            return None
        if site == "gnuboard" and query.get("bo_table", [""])[0] != gnuboard5.BOARD:
            return None
        page = query.get("page", ["1"])[0]
        return int(page) if page.isdigit() else 1

    def _list_path(self, site: str, page: int) -> str:
        return _LIST_PATHS.get(site, generic.LIST_PATH).format(page=page)

    def _last_page(self, site: str) -> int:
        regular = [a for a in self.portal.articles(site) if not a.notice]
        return max(1, -(-len(regular) // self.portal.per_page))

    def _list_answer(self, site: str, page: int, host: str, attempt: int) -> _Answer:
        if page == 2 and self.on("list-503-once") and attempt == 1:
            return _Page(503, {"Content-Type": _HTML}, b"")
        if page == 2 and self.on("list-not-html"):
            return _Page(200, {"Content-Type": "application/pdf"}, _pdf())
        if page > self._last_page(site) and self.on("list-404-past-end"):
            return _Page(404, {"Content-Type": _HTML}, _not_found())
        shown = min(page, self._last_page(site)) if self.on("endless-list") else page
        html, headers = self._render(self._list_path(site, shown), host)
        rows = "".join(_row(site, href, title) for href, title in self._links(site, page, host))
        opening = html.index(_LIST_OPEN[site]) + len(_LIST_OPEN[site])
        return self._page(_insert(html, opening, "\n" + rows), headers)

    def _links(self, site: str, page: int, host: str) -> Iterator[tuple[str, str]]:
        """The extra links of list page ``page``: hostile pages (page 1) and traps."""
        if page == 1:
            for planted in self._planted.values():
                if planted.site == site and planted.case.where == "link":
                    yield planted.path, f"[{planted.case.name}] 보도자료"
        like = _hostile_path(site, 5, "trap")
        port = host.rsplit(":", 1)[1]
        if self.on("offsite-links"):
            yield f"http://127.0.0.1:{self.decoy_port}{like}", "다른 포트의 기사"
            yield f"http://localhost:{port}{like}", "다른 호스트 이름의 기사"
            yield f"http://news.example.invalid{like}", "다른 사이트의 기사"
        if self.on("script-links"):
            yield "javascript:void(0)", "자바스크립트 링크"
            yield f"javascript:location.href='{like}'", "자바스크립트 이동"
            yield "mailto:news@example.invalid", "제보 메일"
            yield "tel:054-000-0000", "전화 제보"
        if self.on("long-url"):
            yield _hostile_path(site, int("7" * _LONG), "long"), "아주 긴 주소의 기사"
        if self.on("calendar"):
            board = "bo_table=news&" if site == "gnuboard" else ""
            for day in range(1, 8):
                yield f"{_LIST_ROUTES[site]}?{board}date=2024-03-{day:02d}", f"3월 {day}일"
        if self.on("endless-list"):
            yield self._list_path(site, page + 1), "다음 페이지"

    # --- the decoy: another host ------------------------------------------------------

    @contextmanager
    def decoy(self) -> Iterator[None]:
        """Serve the off-site decoy on another port of 127.0.0.1 while inside."""
        faults = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with faults._lock:
                    faults.offsite_hits[f"127.0.0.1:{faults.decoy_port}"] += 1
                body = b"<html><body><h1>off-site</h1><p>an off-site page</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", _HTML)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Silence per-request logging."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.decoy_port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, name="decoy", daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.shutdown()
            server.server_close()
            thread.join()
