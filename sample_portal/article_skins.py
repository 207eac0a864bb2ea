"""Generated article pages with their gold: a board or news page whose frame
comes from a seed, so that no rule can key on one markup. The frame is what
Korean boards put around a post: random wrappers and class names; a side
menu with its heading; the post in a table (the title in a cell, label rows
beside it) or in blocks; label/value rows before and after the body
(작성자, 담당부서, 연락처, 조회수, 작성일/날짜 in the forms boards show,
첨부파일), some posts wrapped in a ``<form>``, the 공공누리 licence and a
satisfaction survey under some bodies;
screen-reader headings (``<h2 class="sound_only">본문</h2>``); a comment
section (names, times, replies, a reply form); a "most read" box of other
articles with their leads; on request, blocks no page alone shows to be frame
(a box of the site's picks, a share bar and a contact row in the site's own
wording, inside the body's block), which only comparing the site's pages
tells (``pipelines.site_frame``). The body is bare text with ``<br>``, one ``<span>`` of
``<br>``-separated lines after HTML comments, ``<div>`` lines or ``<p>``; some skins are EUC-KR.

Each page carries its gold (:class:`Gold`): the title, the post's time, the
author (None where the page names a department) and the body's lines, and
the frame's strings, none of which may reach the body.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import datetime
from html import escape

from .content import SEOUL, Newsroom, Story

_LETTERS = ("bcdfghjklmnprstvz", "aeiou")
_ROLES = ("wrap", "menu", "view", "title", "info", "body", "files", "cmt", "item", "box", "hidden")
_MENU_HEADINGS = ("시정소식", "도정소식", "알림마당", "뉴스센터", "군정소식", "소통광장")
_MENU_ITEMS = ("보도자료", "공지사항", "고시공고", "시정뉴스", "포토뉴스", "입법예고")
_DEPARTMENTS = ("일자리경제과", "기획예산담당관", "홍보담당관", "문화관광과", "복지정책과")
_BOX_HEADINGS = ("많이 본 기사", "인기기사", "최신기사", "주요뉴스")
_COMMENT_HEADINGS = ("댓글목록", "댓글", "전체 댓글", "Comments")
_COMMENTERS = ("동네주민", "김**", "박지*", "익명", "시민기자단", "user77", "행복한하루", "이**")
_COMMENTS = (
    "우리 동네에도 이런 사업이 빨리 들어왔으면 좋겠네요.",
    "좋은 소식 감사합니다. 꼭 신청해보겠습니다!",
    "작년에도 비슷한 발표가 있었는데 실제로 바뀐 게 있나요?",
    "주차 문제부터 먼저 해결해 주셨으면 합니다.",
    "담당자분들 고생 많으셨습니다 ^^",
    "신청 기간이 너무 짧은 것 같아요. 연장 부탁드립니다.",
    "아이들에게 좋은 기회가 될 것 같습니다.",
    "이런 정보는 문자로도 알려주시면 좋겠어요.",
)
_REPLIES = (
    "저도 같은 생각입니다.",
    "문의해 보니 다음 달부터 가능하다고 하네요.",
    "동의합니다 ㅎㅎ",
)
# the site's own blocks, in wording no per-page rule knows
_PICK_HEADINGS = ("함께 읽어요", "편집자 픽", "이 소식과 함께", "눈여겨볼 소식")
_SHARE_BARS = (
    ("나르기", "밴드", "라인", "스토리", "글자 크게", "글자 작게"),
    ("퍼가기", "블로그", "카페", "밴드", "스크랩"),
)
_CONTACTS = ("대표 문의 1588-0000 (평일 09:00~18:00)", "문의처 안내 ☎ 1577-0000 평일 9시~18시")
_DATE_LABELS = ("작성일", "등록일", "날짜", "등록일자")
_GENERIC_TITLES = ("보도자료", "뉴스", "상세보기", "게시판")
_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_WEEKDAYS = "월화수목금토일"
# how much of another article's text a box shows
_TEASER = 60
LAYOUTS = ("blocks", "table")
BODY_FORMS = ("p", "div", "br", "span")
BYLINES = ("reporter", "writer", "department")
LABEL_FORMS = ("colon", "dl", "span")
# how a board shows its post's time: (name, shows the time of day)
DATE_FORMS = (
    ("iso", True),
    ("iso-seconds", True),
    ("ampm", True),
    ("short-year", True),
    ("dotted-day", False),
    ("korean", True),
    ("full-width", True),
)


@dataclass(frozen=True)
class Gold:
    """What a generated page's article is, and the frame's strings around it."""

    title: str
    published: datetime
    author: str | None
    lines: tuple[str, ...]
    frame: tuple[str, ...]

    def leaks(self, body: str) -> list[str]:
        """The frame's strings that ``body`` holds."""
        squeezed = "".join(body.split())
        return [text for text in self.frame if "".join(text.split()) in squeezed]


@dataclass(frozen=True)
class Parts:
    """Which of its optional blocks a page shows (the metamorphic tests toggle them)."""

    comments: bool = True
    box: bool = True
    site_blocks: bool = False  # the site's own blocks inside the body's block


@dataclass(frozen=True)
class GeneratedPage:
    """One generated article page: its URL, bytes and content type, and its gold."""

    url: str
    body: bytes
    content_type: str
    gold: Gold


def _class_name(rng: random.Random) -> str:
    name = "".join(rng.choice(_LETTERS[i % 2]) for i in range(rng.randint(3, 7)))
    return f"{name}{rng.choice(('', '_', '-'))}{rng.choice(('', 'a', 'x', '2'))}"


@dataclass(frozen=True)
class ArticleSkin:
    """One generated site's article page markup."""

    seed: int
    paper: str
    layout: str
    body_form: str
    byline: str
    label_form: str
    date_form: str
    title_tag: str
    generic_title: bool
    menu_heading: str | None
    comments: bool
    box: bool
    box_first: bool
    encoding: str
    wrappers: int
    names: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_seed(cls, seed: int) -> ArticleSkin:
        rng = random.Random(f"article-skin/{seed}")
        layout = LAYOUTS[seed % len(LAYOUTS)]
        return cls(
            seed=seed,
            paper=f"{rng.choice(('새', '참', '늘', '한', '푸른'))}{rng.choice(('빛', '울', '솔'))}"
            f"{rng.choice(('일보', '신문', '시청', '군청'))}",
            layout=layout,
            body_form=BODY_FORMS[(seed // 2) % len(BODY_FORMS)],
            byline=BYLINES[(seed // 6) % len(BYLINES)],
            label_form=rng.choice(LABEL_FORMS),
            date_form=DATE_FORMS[rng.randrange(len(DATE_FORMS))][0],
            title_tag=rng.choice(("h1", "h2", "h3", "div")) if layout == "blocks" else "td",
            # a generic <title> where a labelled cell (제목) shows the headline
            generic_title=layout == "table" and rng.random() < 0.5,
            menu_heading=rng.choice(_MENU_HEADINGS) if rng.random() < 0.6 else None,
            comments=rng.random() < 0.6,
            box=rng.random() < 0.6,
            box_first=rng.random() < 0.3,
            encoding="euc-kr" if rng.random() < 0.25 else "utf-8",
            wrappers=rng.randint(0, 3),
            names={role: _class_name(rng) for role in _ROLES} | {"hidden": "sound_only"},
        )

    def renamed(self, seed: int) -> ArticleSkin:
        """This skin with every class name replaced (the metamorphic tests' rename)."""
        rng = random.Random(f"rename/{seed}")
        return replace(self, names={role: _class_name(rng) for role in self.names})

    def page(self, number: int, parts: Parts | None = None) -> GeneratedPage:
        """Article ``number`` of this site, with the blocks ``parts`` allows."""
        parts = parts or Parts()
        newsroom = Newsroom(self.seed * 1000 + number)
        rng = random.Random(f"article-page/{self.seed}/{number}")
        published = self._published(rng)
        story = newsroom.story(self.paper, published)
        others = [newsroom.story(self.paper, published) for _ in range(3)]
        frame: list[str] = []
        author = self._author_rows(story.author, rng, frame)
        stamp = self._stamp(published)
        extra = self._site_blocks(others, frame) if parts.site_blocks else ""
        view = self._view(story.title, story.paragraphs, author, stamp, rng, frame, extra)
        if self.form_wrapped:
            view = f'<form name="{self.names["view"]}f" method="post">\n{view}\n</form>'
        blocks = [view]
        if self.comments and parts.comments:
            blocks.append(self._comments(published, rng, frame))
        if self.box and parts.box:
            box = self._box(others, frame)
            blocks.insert(0 if self.box_first else len(blocks), box)
        main = "\n".join(blocks)
        for depth in range(self.wrappers):
            main = f'<div class="{self.names["wrap"]}{depth}">\n{main}\n</div>'
        html = self._document(story.title, main, frame)
        gold = Gold(
            title=story.title,
            published=published if self._shows_time else published.replace(hour=0, minute=0),
            author=author.gold,
            lines=story.paragraphs,
            frame=tuple(dict.fromkeys(frame)),
        )
        url = f"http://127.0.0.1/a{self.seed}/view.php?idx={number}"
        content_type = "text/html" if self.encoding != "utf-8" else "text/html; charset=utf-8"
        return GeneratedPage(url, html.encode(self.encoding), content_type, gold)

    @property
    def form_wrapped(self) -> bool:
        """Whether the post stands in a ``<form>`` (as ASP.NET boards put it)."""
        return self.seed % 5 == 0

    @property
    def _shows_time(self) -> bool:
        return dict(DATE_FORMS)[self.date_form]

    def _published(self, rng: random.Random) -> datetime:
        second = rng.randint(0, 59) if self.date_form in ("iso-seconds", "ampm") else 0
        return datetime(
            2024,
            rng.randint(1, 12),
            rng.randint(1, 28),
            rng.randint(7, 21),
            rng.randint(0, 59),
            second,
            tzinfo=SEOUL,
        )

    def _stamp(self, moment: datetime) -> str:
        """``moment`` as this skin's board shows a post's time."""
        hour12 = moment.hour % 12 or 12
        half = "오전" if moment.hour < 12 else "오후"
        weekday = _WEEKDAYS[moment.weekday()]
        return {
            "iso": f"{moment:%Y-%m-%d %H:%M}",
            "iso-seconds": f"{moment:%Y-%m-%d %H:%M:%S}",
            "ampm": f"{moment:%Y-%m-%d} {half} {hour12}:{moment:%M:%S}",
            "short-year": f"{moment:%y-%m-%d %H:%M}",
            "dotted-day": f"{moment.year}.{moment.month}.{moment.day}",
            "korean": f"{moment.year}년 {moment.month}월 {moment.day}일 ({weekday}) "
            f"{moment.hour}시 {moment.minute}분",
            "full-width": f"{moment:%Y.%m.%d %H:%M}".translate(_FULL_WIDTH),
        }[self.date_form]

    def _author_rows(self, writer: str, rng: random.Random, frame: list[str]) -> _Author:
        """Who the page names, and the label rows that say it."""
        department = rng.choice(_DEPARTMENTS)
        phone = f"0{rng.randint(31, 64)}-{rng.randint(200, 999)}-{rng.randint(1000, 9999)}"
        frame += ["담당부서", "연락처", "조회수", phone]
        rows = [("담당부서", department), ("연락처", phone)]
        if self.byline == "writer":
            return _Author([("작성자", writer), *rows], None, writer)
        if self.byline == "reporter":
            return _Author(rows, f"{writer} 기자", writer)
        return _Author([("작성자", department), *rows], None, None)

    def _labels(self, rows: list[tuple[str, str]]) -> str:
        """Label/value rows in this skin's form (table layouts use cells)."""
        if self.layout == "table":
            cells = "".join(
                f'<th scope="row">{label}</th><td>{escape(value)}</td>' for label, value in rows
            )
            return f"<tr>{cells}</tr>"
        if self.label_form == "dl":
            items = "".join(f"<dt>{label}</dt><dd>{escape(value)}</dd>" for label, value in rows)
            return f'<dl class="{self.names["info"]}">{items}</dl>'
        if self.label_form == "span":
            items = " ".join(
                f'<span class="{self.names["info"]}l">{label}</span> {escape(value)}'
                for label, value in rows
            )
            return f'<div class="{self.names["info"]}">{items}</div>'
        items = "".join(f"<li>{label} : {escape(value)}</li>" for label, value in rows)
        return f'<ul class="{self.names["info"]}">{items}</ul>'

    def _body(self, paragraphs: tuple[str, ...]) -> str:
        if self.body_form == "p":
            return "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        if self.body_form == "div":
            return "\n".join(f"<div>{escape(p)}</div>" for p in paragraphs)
        lines = "<br>\n<br>\n".join(escape(p) for p in paragraphs)
        if self.body_form == "span":  # one <span> of lines after the CMS's comments
            photo = f'<div class="{self.names["body"]}p"><img src="/photo/{self.seed}.jpg"></div>'
            return f"{photo}\n<!-- 본문 시작 -->\n<!-- article body -->\n<span>{lines}</span>"
        return lines

    def _files(self, title: str, rng: random.Random, frame: list[str]) -> str:
        name = f"{title[:12].strip()} 보도자료.hwp"
        size = f"({rng.randint(20, 900)}KB)"
        frame += ["첨부파일", name]
        link = f'<a href="/download.php?no={rng.randint(1, 9999)}">{escape(name)}</a> {size}'
        if self.layout == "table":
            return f'<tr><th scope="row">첨부파일</th><td colspan="5">{link}</td></tr>'
        return f'<div class="{self.names["files"]}"><strong>첨부파일</strong> {link}</div>'

    def _view(
        self,
        title: str,
        paragraphs: tuple[str, ...],
        author: _Author,
        stamp: str,
        rng: random.Random,
        frame: list[str],
        extra: str = "",
    ) -> str:
        """The post: its title, label rows, body (and ``extra`` blocks after
        it) and attachment row."""
        n = self.names
        views = str(rng.randint(10, 4000))
        before = [*author.rows, (rng.choice(_DATE_LABELS), stamp)]
        before.append(("조회수", views))
        hidden = f'<h2 class="{n["hidden"]}">본문</h2>'
        frame += ["페이지 정보"]
        files = self._files(title, rng, frame)
        body = self._body(paragraphs) + self._licence(frame) + extra
        if self.layout == "table":
            # a board that labels its body's cell (내용) as it labels the others
            labelled = self.body_form == "span"
            body_label = '<th scope="row">내용</th>' if labelled else ""
            body_span = 5 if labelled else 6
            rows = "\n".join(self._labels([pair]) for pair in before)
            if author.shown:
                shown = f'<td colspan="6" class="{n["info"]}w">{escape(author.shown)}</td>'
                rows = f"<tr>{shown}</tr>\n{rows}"
            return f"""<table class="{n["view"]}"><caption>글 내용보기</caption>
<tbody>
<tr><th scope="row">제목</th><td colspan="5" class="{n["title"]}">{escape(title)}</td></tr>
{rows}
<tr>{body_label}<td colspan="{body_span}" class="{n["body"]}">{body}</td></tr>
{files}
</tbody></table>"""
        t = self.title_tag
        shown = escape(author.shown) if author.shown else ""
        byline = f'<span class="{n["info"]}w">{shown}</span>' if shown else ""
        return f"""<article class="{n["view"]}">
<header><{t} class="{n["title"]}">{escape(title)}</{t}>
<section><h2 class="{n["hidden"]}">페이지 정보</h2>{byline}
{self._labels(before)}</section></header>
<section class="{n["body"]}">{hidden}
{body}
</section>
{files}
</article>"""

    def _licence(self, frame: list[str]) -> str:
        """The 공공누리 licence line and a satisfaction survey some boards
        put under every post's body."""
        if self.seed % 3 != 2:
            return ""
        kind = self.seed % 4 + 1
        licence = f"이 게시물은 공공누리 제{kind}유형 조건에 따라 자유롭게 이용이 가능합니다."
        survey = "현재 페이지의 만족도를 평가해 주십시오."
        frame += [licence, survey]
        return f"\n<p>{licence}</p>\n<div><strong>{survey}</strong> 매우만족 만족 보통</div>"

    def _site_blocks(self, others: list[Story], frame: list[str]) -> str:
        """A box of the site's picks (other articles' titles), a share bar
        and a contact row, in this site's own wording, as pages of the site
        show them whatever the article."""
        n = self.names
        heading = _PICK_HEADINGS[self.seed % len(_PICK_HEADINGS)]
        share = _SHARE_BARS[self.seed % len(_SHARE_BARS)]
        contact = _CONTACTS[self.seed % len(_CONTACTS)]
        frame += [heading, *(other.title for other in others), contact]
        picks = "".join(
            f'<li><a href="view.php?idx={800 + index}">{escape(other.title)}</a></li>'
            for index, other in enumerate(others, 1)
        )
        buttons = " ".join(f'<a href="#" class="{n["box"]}s">{button}</a>' for button in share)
        return f"""
<div class="{n["box"]}p"><em>{heading}</em><ul>{picks}</ul></div>
<div class="{n["box"]}b">{buttons}</div>
<div class="{n["info"]}c">{escape(contact)}</div>"""

    def _comments(self, published: datetime, rng: random.Random, frame: list[str]) -> str:
        """Readers' comments: names, times and texts, a reply, and the reply form."""
        n = self.names
        heading = rng.choice(_COMMENT_HEADINGS)
        items = []
        for index in range(rng.randint(2, 4)):
            name = rng.choice(_COMMENTERS)
            text = _COMMENTS[(self.seed + index) % len(_COMMENTS)]
            moment = published.replace(day=min(published.day + 1, 28), hour=rng.randint(0, 23))
            when = f"{moment:%y-%m-%d %H:%M:%S}"
            frame += [text]
            reply = ""
            if index == 0:
                answer = rng.choice(_REPLIES)
                frame += [answer]
                reply = (
                    f'<li class="{n["item"]} {n["item"]}r"><b>{rng.choice(_COMMENTERS)}</b> '
                    f"<span>{when}</span><p>{escape(answer)}</p></li>"
                )
            items.append(
                f'<li class="{n["item"]}"><b>{escape(name)}</b> <span>{when}</span>'
                f'<p>{escape(text)}</p><a href="#">답글</a></li>{reply}'
            )
        listed = "\n".join(items)
        return f"""<section class="{n["cmt"]}"><h2>{heading}</h2>
<ul>
{listed}
</ul>
<form method="post" action="comment_update.php"><h2 class="{n["hidden"]}">댓글쓰기</h2>
<textarea name="content" title="내용"></textarea><button type="submit">댓글등록</button></form>
</section>"""

    def _box(self, others: list[Story], frame: list[str]) -> str:
        """A "most read" box: other articles' titles and leads."""
        n = self.names
        heading = _BOX_HEADINGS[self.seed % len(_BOX_HEADINGS)]
        items = []
        for index, other in enumerate(others, 1):
            teaser = " ".join(other.paragraphs)[:_TEASER].rstrip()
            frame += [other.title, teaser]
            items.append(
                f'<li><a href="view.php?idx={900 + index}">{escape(other.title)}</a>'
                f"<p>{escape(teaser)}...</p></li>"
            )
        listed = "\n".join(items)
        return f'<div class="{n["box"]}"><h3>{heading}</h3><ol>\n{listed}\n</ol></div>'

    def _document(self, title: str, main: str, frame: list[str]) -> str:
        n = self.names
        menu = ""
        if self.menu_heading:
            frame += [self.menu_heading]
            items = "".join(
                f'<li><a href="list.php?m={i}">{x}</a></li>' for i, x in enumerate(_MENU_ITEMS)
            )
            menu = f'<div class="{n["menu"]}"><h2>{self.menu_heading}</h2><ul>{items}</ul></div>'
        shown = _GENERIC_TITLES[self.seed % len(_GENERIC_TITLES)] if self.generic_title else title
        page_title = f"{shown} | {self.paper}"
        og_title = f"{self.paper} - {shown}" if self.generic_title else title
        charset = (
            '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'
            if self.encoding == "euc-kr"
            else '<meta charset="utf-8">'
        )
        return f"""<!DOCTYPE html>
<html lang="ko"><head>{charset}<title>{escape(page_title)}</title>
<meta property="og:title" content="{escape(og_title)}">
<meta property="og:site_name" content="{escape(self.paper)}"></head>
<body>
<div class="{n["wrap"]}top"><a href="/">{self.paper}</a></div>
{menu}
<div class="{n["wrap"]}main">
{main}
</div>
<div class="{n["wrap"]}foot">Copyright &copy; {self.paper}. All rights reserved.</div>
</body></html>
"""


@dataclass
class _Author:
    """The label rows that name a post's writer, the byline shown, and the gold author."""

    rows: list[tuple[str, str]]
    shown: str | None
    gold: str | None
