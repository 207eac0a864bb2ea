"""A city's press-release board whose releases carry page requisites: photos,
the site's logo, an office photo and attachments behind a CMS download URL.

The contract a crawl of complete captures is tested against (``idx`` is a
release's number, ``k`` a photo's or an attachment's place, from 0):

- site ``PRESS_BOARD`` ("pressroom"); list pages ``/press/list.php?page=N``
  (newest first, ``per_page`` rows, a pager of plain links to the other
  pages; a page past the end lists nothing), release pages
  ``/press/view.php?idx=N``; dates in Asia/Seoul: ``%Y-%m-%d`` on the list,
  ``등록일 : %Y-%m-%d %H:%M`` on the release. The newest release is
  ``NEWEST`` (1000), each older one a number less.
- every page's header shows the logo ``/press/images/logo.png`` (alt
  ``CITY``): the same PNG bytes on every page, the site's, no release's.
- a release page names ``<meta property="og:image"
  content="/press/images/{idx}-0.jpg">`` (its first photo); its body
  (``div.view_content``) holds one photo (even ``idx``) or two (odd ``idx``),
  ``<figure><img src="/press/images/{idx}-{k}.jpg" alt="..."><figcaption>``
  naming who is in it: a baseline JPEG each, different bytes for each photo.
- the body closes with the press office's emblem
  ``/press/images/office-{idx}.png`` (``div.office``): another URL on every
  release, the same PNG bytes behind each; then the city's slogan banner
  ``SLOGAN_PATH`` (``div.slogan``), one URL on every release. An image is
  served with an ``ETag``: asked again with it (``If-None-Match``), the
  portal answers 304 Not Modified.
- the attachment row (``div.file_row``, outside the body) links each file
  as ``/press/download.php?idx={idx}&no={k}``, its text the file's Korean
  name: a ``.hwp`` for every release (k = 0), a ``.hwpx`` for an even
  ``idx``, a ``.pdf`` for an ``idx`` divisible by 3, in that order. A
  download answers 200, ``Content-Type: application/octet-stream`` and
  ``Content-Disposition: attachment; filename="press-{idx}-{k}.{ext}";
  filename*=UTF-8''<the name, percent-encoded>``: the URL does not tell the
  kind. Each file's text holds ``PressBoard.attachment_phrase(idx, k)``,
  which no page shows.
- the special releases: ``ROBOTS_RELEASE`` (997) links its one file (a
  ``.hwp``) under ``/press/private/download.php?idx=997&no=0``, which
  robots.txt disallows (``ROBOTS_RULE``) and which is served all the same
  when asked; ``OVERSIZED_RELEASE`` (996) has a PDF of more than
  ``OVERSIZED_BYTES`` (3 MB: a statistical annex of many pages; the phrase on
  its first page); ``BROKEN_RELEASE`` (995) has its one file, a ``.hwp``,
  cut in half (``attachments.truncated``): read under its name, it gives no
  text and the reason "broken or truncated HWP: ..." (by its bytes alone, an
  OLE2 file that is not HWP 5: the cut falls before its FileHeader).
- ``PressBoard.requisites(idx)`` lists what a release page names, each path
  once in the order the page first names it (og:image first; not the
  logo), with its
  bytes' SHA-256 and its flag (``ok``, ``robots``, ``oversized``,
  ``broken``); ``release_numbers()`` the releases, newest first.

A board needs ``PRESS_SPECIALS`` (6) releases at least, so that each special
one is served. Files are made on first request and kept. The board answers
its own paths alone: another board under ``/press/`` is served as before.
"""

from __future__ import annotations

import hashlib
import random
import textwrap
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, quote, urlsplit

from .attachments import make_hwp, make_hwpx, make_pdf, truncated
from .content import Article, Newsroom, schedule
from .images import Color, make_jpeg, make_png

PRESS_BOARD = "pressroom"
CITY = "한빛시"
MAYOR = "한정우"
OFFICE = "홍보담당관실"
SLOGAN = "함께 여는 내일"
LIST_PATH = "/press/list.php?page={page}"
VIEW_PATH = "/press/view.php?idx={idx}"
LOGO_PATH = "/press/images/logo.png"
PHOTO_PATH = "/press/images/{idx}-{k}.jpg"
OFFICE_PHOTO_PATH = "/press/images/office-{idx}.png"
SLOGAN_PATH = "/press/images/slogan.png"
DOWNLOAD_PATH = "/press/download.php?idx={idx}&no={k}"
PRIVATE_DOWNLOAD_PATH = "/press/private/download.php?idx={idx}&no={k}"
ROBOTS_RULE = "Disallow: /press/private/\n"
NEWEST = 1000
ROBOTS_RELEASE = 997
OVERSIZED_RELEASE = 996
BROKEN_RELEASE = 995
PRESS_SPECIALS = NEWEST - BROKEN_RELEASE + 1
OVERSIZED_BYTES = 3_000_000
OK, ROBOTS, OVERSIZED, BROKEN = "ok", "robots", "oversized", "broken"

_HTML = "text/html; charset=utf-8"
_OCTETS = "application/octet-stream"
_ROUTES = (
    "/press/list.php",
    "/press/view.php",
    "/press/download.php",
    "/press/private/download.php",
)
_IMAGES = "/press/images/"
_IMAGE_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
# a phrase's code word: a syllable for each digit of "{idx}{k}"
_DIGIT_SYLLABLES = "가나다라마바사아자차"
# the annex of the oversized PDF: table rows of common syllables
_ANNEX_SYLLABLES = "가각간강개거건경고공관광교구국군권규금기남내농다단대도동리마면명무문민바발방"
_ANNEX_PAGES = 1200
_NOT_FOUND = (
    '<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8"><title>404</title></head>'
    "<body><p>요청하신 페이지를 찾을 수 없습니다.</p></body></html>\n"
).encode()

# status, Content-Type, body and the answer's other headers
Answer = tuple[int, str, bytes, dict[str, str]]


@dataclass(frozen=True)
class ServedRequisite:
    """One requisite a release page names, as the board serves it."""

    path: str
    kind: str  # "image" | "attachment"
    name: str | None  # an attachment's file name (the link's text, the disposition's)
    caption: str | None  # a photo's figcaption; the logo's and the office photo's alt
    sha256: str
    flag: str  # "ok" | "robots" | "oversized" | "broken"


@dataclass(frozen=True)
class Attachment:
    """Attachment ``k`` of release ``idx``: its Korean file name, its kind (the
    name's extension) and its flag."""

    idx: int
    k: int
    name: str
    extension: str
    flag: str

    @property
    def path(self) -> str:
        template = PRIVATE_DOWNLOAD_PATH if self.flag == ROBOTS else DOWNLOAD_PATH
        return template.format(idx=self.idx, k=self.k)

    @property
    def disposition(self) -> str:
        """The download's Content-Disposition: an ASCII name, then the Korean one."""
        ascii_name = f"press-{self.idx}-{self.k}.{self.extension}"
        return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(self.name)}"


def _logo() -> bytes:
    """The city's emblem (a green disc on blue) and a bar for its name."""

    def pixel(x: int, y: int) -> Color:
        if (x - 20) ** 2 + (y - 20) ** 2 <= 196:
            return (30, 140, 80) if y > 20 else (20, 80, 160)
        if 44 <= x <= 150 and 14 <= y <= 26:
            return (40, 40, 40) if (x // 6) % 3 else (255, 255, 255)
        return (255, 255, 255)

    return make_png([[pixel(x, y) for x in range(160)] for y in range(40)])


def _slogan() -> bytes:
    """The city's slogan banner: coloured bands and a bar of lettering."""

    def pixel(x: int, y: int) -> Color:
        if 16 <= y <= 30 and 16 <= x <= 144:  # its lettering, a glyph every 9 pixels
            return (250, 250, 250) if (x * 7 + y * 13) % 11 < 5 else (30, 30, 30)
        return (
            (200, 60 + x // 2, 60) if y < 14 else (250, 180, 40 + x) if y < 27 else (40, 120, 200)
        )

    return make_png([[pixel(x, y) for x in range(160)] for y in range(40)])


def _office_photo() -> bytes:
    """A press officer's portrait: a head and shoulders on grey."""

    def pixel(x: int, y: int) -> Color:
        if (x - 30) ** 2 + (y - 28) ** 2 <= 144:
            return (224, 190, 160)
        if y >= 48 and abs(x - 30) <= 8 + (y - 48):
            return (30, 40, 70)
        return (200, 200, 205)

    return make_png([[pixel(x, y) for x in range(60)] for y in range(80)])


def _photo(seed: int, idx: int, k: int) -> bytes:
    """An event photo: sky over ground, people standing, each tile a little off."""
    rng = random.Random(f"{seed}/{PRESS_BOARD}/{idx}/{k}")
    people = set(rng.sample(range(1, 11), 4))

    def off(level: int) -> int:
        return min(255, max(0, level + rng.randint(-24, 24)))

    def tile(column: int, row: int) -> Color:
        if row >= 3 and column in people:
            r, g, b = (40, 40, 60) if row >= 5 else (220, 185, 150)
        elif row < 4:
            r, g, b = 120 + 10 * row, 170 + 8 * row, 230
        else:
            r, g, b = 90, 120 - 5 * row, 60
        return off(r), off(g), off(b)

    return make_jpeg([[tile(column, row) for column in range(12)] for row in range(8)])


def _page(title: str, main: str, head: str = "") -> bytes:
    menu = "".join(
        f'<li><a href="{LIST_PATH.format(page=1)}">{item}</a></li>'
        for item in ("시정소식", "보도자료", "고시공고", "시민참여")
    )
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{escape(title)} | 보도자료 | {CITY}</title>
{head}</head>
<body><header id="header"><h1 class="logo"><a href="{LIST_PATH.format(page=1)}"><img
 src="{LOGO_PATH}" alt="{CITY}"></a></h1>
<nav id="gnb"><ul>{menu}</ul></nav></header>
<div id="container"><p class="location">홈 &gt; 열린시정 &gt; 시정소식 &gt; 보도자료</p>
{main}
</div>
<footer id="footer"><address>(12345) {CITY} 시청로 1 {CITY}청 | 대표전화 000-123-4567</address>
<p>Copyright © {CITY}. All rights reserved.</p></footer></body></html>
""".encode()


@dataclass
class PressBoard:
    """The board: its releases newest first (``NEWEST`` the first), ``per_page`` a list page."""

    seed: int
    releases: tuple[Article, ...]
    per_page: int

    def __post_init__(self) -> None:
        self._by_number = {self.number(a): a for a in self.releases}
        self._files: dict[str, tuple[str, bytes]] = {}

    @classmethod
    def generate(cls, seed: int, count: int, per_page: int) -> PressBoard:
        if count < PRESS_SPECIALS:
            raise ValueError(f"a press board needs {PRESS_SPECIALS} releases at least")
        newsroom = Newsroom(seed)
        times = schedule(random.Random(f"{seed}/{PRESS_BOARD}"), count, seconds=False)
        releases = []
        for i, when in enumerate(times):
            story = newsroom.story(PRESS_BOARD, when)
            path = VIEW_PATH.format(idx=NEWEST - i)
            releases.append(
                Article(PRESS_BOARD, path, story.title, story.author, when, story.paragraphs)
            )
        return cls(seed, tuple(releases), per_page)

    @staticmethod
    def number(article: Article) -> int:
        return int(article.path.rsplit("=", 1)[1])

    def release_numbers(self) -> list[int]:
        """Every release's number, newest first."""
        return [self.number(a) for a in self.releases]

    def photo_count(self, idx: int) -> int:
        """One photo for an even ``idx``, two for an odd one."""
        return 1 + idx % 2

    def attachments(self, idx: int) -> list[Attachment]:
        """The release's files, k = 0, 1, ...: its .hwp, then .hwpx and .pdf when it has them."""
        release = self._by_number[idx]
        words = " ".join(w for w in release.title.split()[:3] if w.isalnum())
        stem = f"{release.published:%Y}년 {words or '보도자료'}"
        first = ROBOTS if idx == ROBOTS_RELEASE else BROKEN if idx == BROKEN_RELEASE else OK
        files = [(f"{stem} 보도자료.hwp", first)]
        if idx % 2 == 0:
            files.append((f"{stem} 세부 추진계획.hwpx", OK))
        if idx % 3 == 0:
            files.append((f"{stem} 추진 현황.pdf", OVERSIZED if idx == OVERSIZED_RELEASE else OK))
        return [
            Attachment(idx, k, name, name.rsplit(".", 1)[1], flag)
            for k, (name, flag) in enumerate(files)
        ]

    def attachment_phrase(self, idx: int, k: int) -> str:
        """The phrase only attachment ``k`` of release ``idx`` holds (no page shows it)."""
        word = "".join(_DIGIT_SYLLABLES[int(d)] for d in f"{idx}{k}")
        return f"보도자료 관리번호 제{idx}-{k}호 확인어 {word}"

    def requisites(self, idx: int) -> list[ServedRequisite]:
        """The requisites of release ``idx``: what its page names as its own (its
        photos, the office photo closing its body, its files; not the site's
        logo), each path once, in the order of its first mention."""
        release = self._by_number[idx]
        found = []
        for k in range(self.photo_count(idx)):
            path = PHOTO_PATH.format(idx=idx, k=k)
            found.append(self._requisite(path, "image", None, self._caption(release, k), OK))
        office = OFFICE_PHOTO_PATH.format(idx=idx)
        found.append(self._requisite(office, "image", None, f"{CITY} {OFFICE}", OK))
        found.append(self._requisite(SLOGAN_PATH, "image", None, f"{CITY} {SLOGAN}", OK))
        for attached in self.attachments(idx):
            found.append(
                self._requisite(attached.path, "attachment", attached.name, None, attached.flag)
            )
        return found

    def _requisite(
        self, path: str, kind: str, name: str | None, caption: str | None, flag: str
    ) -> ServedRequisite:
        served = self._file(path)
        if served is None:
            raise KeyError(path)
        return ServedRequisite(
            path, kind, name, caption, hashlib.sha256(served[1]).hexdigest(), flag
        )

    # --- routing ---------------------------------------------------------------

    def route(self, path: str, form: bytes | None) -> Answer | None:
        """The answer at ``path`` when the board serves it (GETs only)."""
        split = urlsplit(path)
        mine = split.path in _ROUTES or split.path.startswith(_IMAGES)
        if form is not None or not mine:  # the other boards under /press/ are not its own
            return None
        query = parse_qs(split.query)
        if split.path == "/press/list.php":
            page = query.get("page", ["1"])[0]
            return 200, _HTML, self._list(int(page) if page.isdigit() else 1), {}
        if split.path == "/press/view.php":
            idx = query.get("idx", [""])[0]
            release = self._by_number.get(int(idx)) if idx.isdigit() else None
            if release is None:
                return 404, _HTML, _NOT_FOUND, {}
            return 200, _HTML, self._view(release), {}
        served = self._file(path)
        if served is None:
            return 404, _HTML, _NOT_FOUND, {}
        content_type, body = served
        attached = self._attachment(path)
        if attached is not None:
            return 200, content_type, body, {"Content-Disposition": attached.disposition}
        # an image's validator: asked again with it, the server answers 304
        return 200, content_type, body, {"ETag": f'"{hashlib.sha256(body).hexdigest()[:16]}"'}

    def _attachment(self, path: str) -> Attachment | None:
        """The attachment a download path serves, when it is that file's link."""
        query = parse_qs(urlsplit(path).query)
        idx, k = query.get("idx", [""])[0], query.get("no", [""])[0]
        if not (idx.isdigit() and k.isdigit()) or int(idx) not in self._by_number:
            return None
        files = self.attachments(int(idx))
        if int(k) >= len(files) or files[int(k)].path != path:
            return None
        return files[int(k)]

    def _file(self, path: str) -> tuple[str, bytes] | None:
        """The Content-Type and bytes of the image or download at ``path``, made once."""
        if path not in self._files:
            made = self._make(path)
            if made is None:
                return None
            self._files[path] = made
        return self._files[path]

    def _make(self, path: str) -> tuple[str, bytes] | None:
        if path == LOGO_PATH:
            return _IMAGE_TYPES["png"], _logo()
        if path == SLOGAN_PATH:
            return _IMAGE_TYPES["png"], _slogan()
        name = path.removeprefix(_IMAGES)
        if name != path:
            stem, _, extension = name.partition(".")
            number = stem.removeprefix("office-")
            if extension == "png" and number != stem and number.isdigit():
                known = int(number) in self._by_number
                return (_IMAGE_TYPES["png"], _office_photo()) if known else None
            idx, _, k = stem.partition("-")
            if extension != "jpg" or not (idx.isdigit() and k.isdigit()):
                return None
            if int(idx) not in self._by_number or int(k) >= self.photo_count(int(idx)):
                return None
            return _IMAGE_TYPES["jpg"], _photo(self.seed, int(idx), int(k))
        attached = self._attachment(path)
        return (_OCTETS, self._document(attached)) if attached else None

    def _document(self, attached: Attachment) -> bytes:
        release = self._by_number[attached.idx]
        phrase = self.attachment_phrase(attached.idx, attached.k)
        heading = [release.title, f"{CITY} {OFFICE} | 배포일 {release.published:%Y-%m-%d}"]
        if attached.extension == "hwpx":
            return make_hwpx(
                [[f"붙임 {attached.k}. 세부 추진계획", *heading, phrase], list(release.paragraphs)]
            )
        if attached.extension == "pdf":
            lines = [line for p in release.paragraphs for line in textwrap.wrap(p, 38)]
            pages = [[*heading, phrase, *lines]]
            if attached.flag == OVERSIZED:
                pages += self._annex(attached.idx)
            return make_pdf(pages, release.title)
        document = make_hwp([*heading, phrase, *release.paragraphs])
        return truncated(document) if attached.flag == BROKEN else document

    def _annex(self, idx: int) -> list[list[str]]:
        """The pages of a statistical annex: rows of codes and counts, enough of
        them for the PDF to pass ``OVERSIZED_BYTES``."""
        rng = random.Random(f"{self.seed}/{PRESS_BOARD}/{idx}/annex")
        return [
            [
                f"{page}-{row:02d} {''.join(rng.choices(_ANNEX_SYLLABLES, k=30))}"
                f" {rng.randrange(10**6):06d}"
                for row in range(48)
            ]
            for page in range(1, _ANNEX_PAGES + 1)
        ]

    # --- pages -----------------------------------------------------------------

    def _caption(self, release: Article, k: int) -> str:
        writer = release.author.split(",")[0]
        if k == 0:
            return f"{MAYOR} {CITY}장(가운데)이 {release.title} 관련 현장을 둘러보고 있다."
        return f"{writer} 주무관(왼쪽)이 참석자들에게 {release.title} 사업 내용을 설명하고 있다."

    def _list(self, page: int) -> bytes:
        start = (page - 1) * self.per_page
        shown = self.releases[start : start + self.per_page]
        rows = (
            "".join(
                f'<tr><td class="num">{self.number(a)}</td><td class="subject">'
                f'<a href="{VIEW_PATH.format(idx=self.number(a))}">{escape(a.title)}</a></td>'
                f'<td class="dept">{OFFICE}</td><td class="file">첨부</td>'
                f'<td class="date">{a.published:%Y-%m-%d}</td></tr>'
                for a in shown
            )
            or '<tr><td colspan="5" class="empty">등록된 게시물이 없습니다.</td></tr>'
        )
        pages = -(-len(self.releases) // self.per_page)
        pager = " ".join(
            f"<strong>{n}</strong>"
            if n == page
            else f'<a href="{LIST_PATH.format(page=n)}">{n}</a>'
            for n in range(1, pages + 1)
        )
        main = f"""<h2 class="title">보도자료</h2>
<table class="board_list"><thead><tr><th>번호</th><th>제목</th><th>담당부서</th><th>첨부</th>
<th>등록일</th></tr></thead>
<tbody>{rows}</tbody></table>
<div class="paging">{pager}</div>"""
        return _page("보도자료", main)

    def _view(self, release: Article) -> bytes:
        idx = self.number(release)
        figures = "".join(
            f'<figure><img src="{PHOTO_PATH.format(idx=idx, k=k)}" alt="{escape(release.title)}'
            f' 사진 {k + 1}"><figcaption>{escape(self._caption(release, k))}</figcaption>'
            "</figure>\n"
            for k in range(self.photo_count(idx))
        )
        body = "".join(f"<p>{escape(p)}</p>\n" for p in release.paragraphs)
        files = "".join(
            f'<li><a href="{escape(attached.path)}">{escape(attached.name)}</a></li>'
            for attached in self.attachments(idx)
        )
        at = self.releases.index(release)
        around = "".join(
            f'<li>{label} <a href="{self.releases[n].path}">{escape(self.releases[n].title)}'
            "</a></li>"
            for label, n in (("이전글", at + 1), ("다음글", at - 1))
            if 0 <= n < len(self.releases)
        )
        page = at // self.per_page + 1
        head = (
            f'<meta property="og:type" content="article">\n'
            f'<meta property="og:title" content="{escape(release.title)}">\n'
            f'<meta property="og:image" content="{PHOTO_PATH.format(idx=idx, k=0)}">\n'
        )
        office = OFFICE_PHOTO_PATH.format(idx=idx)
        main = f"""<div class="board_view">
<h2 class="view_title">{escape(release.title)}</h2>
<ul class="view_info"><li>작성자 : {OFFICE}</li>
<li>등록일 : {release.published:%Y-%m-%d %H:%M}</li><li>조회수 : {idx * 37 % 500 + 20}</li></ul>
<div class="file_row"><strong>첨부파일</strong><ul>{files}</ul></div>
<div class="view_content">
{figures}{body}<div class="office"><img src="{office}" alt="{CITY} {OFFICE}"></div>
<div class="slogan"><img src="{SLOGAN_PATH}" alt="{CITY} {SLOGAN}"></div>
</div>
<div class="manager">
<p>담당부서 : {OFFICE} | 담당자 : {escape(release.author)} | 전화 : 000-123-4600</p></div>
</div>
<ul class="view_nav">{around}</ul>
<p class="btn"><a href="{LIST_PATH.format(page=page)}">목록</a></p>"""
        return _page(release.title, main, head)
