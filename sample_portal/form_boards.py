"""Boards paged only by posting a form back: a provincial press board on
ASP.NET WebForms (``javascript:__doPostBack('ctl00$Main$pager','2')``, with a
``__VIEWSTATE`` and ``__EVENTVALIDATION`` the server checks, times shown as
``2024-03-05 오후 4:29:12``) and an eGovFrame board (``fn_link_page(N)`` sets
``pageIndex`` of ``listForm`` and submits it, dates shown as ``2024.3.5``).

A GET of either list shows page 1 whatever its query says, as such boards do.
``dated=False`` serves the press board with no date on any page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import parse_qs, urlsplit

from .content import Article, Newsroom, schedule

ASPNET = "aspnet"
EGOV = "egov"
FORM_BOARDS = (ASPNET, EGOV)
LIST_PATHS = {ASPNET: "/press/List.aspx?page={page}", EGOV: "/gov/board/list.do?page={page}"}
VIEW_PATHS = {
    ASPNET: "/press/View.aspx?idx=",
    EGOV: "/gov/board/view.do?bbsId=BBSMSTR_000000000031&nttId=",
}
PAGER = "ctl00$Main$pager"
_SECRET = b"sample-portal-machine-key"
_PAGER_BLOCK = 5

Page = tuple[int, str, bytes]
_HTML = "text/html; charset=utf-8"


def aspnet_time(when: datetime) -> str:
    """``2024-03-05 오후 4:29:12``, as ASP.NET's Korean culture shows a time."""
    half = "오전" if when.hour < 12 else "오후"
    hour = when.hour % 12 or 12
    return f"{when:%Y-%m-%d} {half} {hour}:{when:%M:%S}"


def egov_day(when: datetime) -> str:
    """``2024.3.5``."""
    return f"{when.year}.{when.month}.{when.day}"


def _view_state(page: int) -> tuple[str, str]:
    """The ``__VIEWSTATE`` of list page ``page`` and the ``__EVENTVALIDATION`` that signs it."""
    state = base64.b64encode(f"/wEPDwUKLTk{page:05d}ZGQ=".encode()).decode()
    signature = hmac.new(_SECRET, state.encode(), hashlib.sha256).hexdigest()[:24]
    return state, signature


def _page(title: str, main: str, head: str = "") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{escape(title)}</title>{head}</head>
<body><div id="header"><a href="/">도정소식</a></div>
<div id="container">{main}</div>
<div id="footer"><p>Copyright 2024. All rights reserved.</p></div></body></html>
""".encode()


def _pager(current: int, pages: int, link: str) -> str:
    """Numbered links of ``current``'s block, and 다음 to the next block."""
    first = (current - 1) // _PAGER_BLOCK * _PAGER_BLOCK + 1
    items = []
    for number in range(first, min(first + _PAGER_BLOCK, pages + 1)):
        if number == current:
            items.append(f"<strong>{number}</strong>")
        else:
            items.append(link.format(number=number, label=number))
    if first + _PAGER_BLOCK <= pages:
        items.append(link.format(number=first + _PAGER_BLOCK, label="다음"))
    return f'<div class="paging">{" ".join(items)}</div>'


@dataclass
class FormBoard:
    """One form-paged board: its articles newest first, ``per_page`` a list page."""

    name: str
    articles: tuple[Article, ...]
    per_page: int
    dated: bool = True

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.articles) // self.per_page))

    def list_page(self, form: dict[str, list[str]] | None) -> Page:
        """The list page a GET (``form`` None) or a post of ``form`` asks for."""
        number = 1
        if form is not None:
            asked = self._asked(form)
            if asked is None:
                return 500, _HTML, _page("오류", "<h1>Validation of viewstate MAC failed.</h1>")
            number = asked
        if not 1 <= number <= self.pages:
            number = self.pages
        shown = self.articles[(number - 1) * self.per_page : number * self.per_page]
        if self.name == ASPNET:
            return 200, _HTML, self._aspnet_list(number, shown)
        return 200, _HTML, self._egov_list(number, shown)

    def _asked(self, form: dict[str, list[str]]) -> int | None:
        """The page a posted form asks for; None when the post is not one the page made."""
        if self.name == EGOV:
            index = form.get("pageIndex", [""])[0]
            ok = form.get("bbsId", [""])[0] == "BBSMSTR_000000000031"
            return int(index) if ok and index.isdigit() else None
        state = form.get("__VIEWSTATE", [""])[0]
        validation = form.get("__EVENTVALIDATION", [""])[0]
        expected = hmac.new(_SECRET, state.encode(), hashlib.sha256).hexdigest()[:24]
        argument = form.get("__EVENTARGUMENT", [""])[0]
        if form.get("__EVENTTARGET", [""])[0] != PAGER or validation != expected:
            return None
        return int(argument) if argument.isdigit() else None

    def _date(self, when: datetime) -> str:
        if not self.dated:
            return ""
        return aspnet_time(when) if self.name == ASPNET else egov_day(when)

    def _aspnet_list(self, number: int, shown: Sequence[Article]) -> bytes:
        state, validation = _view_state(number)
        rows = "".join(
            f'<tr><td>{self._number(a)}</td><td class="title"><a href="View.aspx?idx='
            f'{self._number(a)}">{escape(a.title)}</a></td><td>{escape(a.author)}</td>'
            f"<td>{self._date(a.published)}</td></tr>"
            for a in shown
        )
        link = "<a href=\"javascript:__doPostBack('" + PAGER + "','{number}')\">{label}</a>"
        main = f"""<form method="post" action="./List.aspx?page=1" id="aspnetForm">
<input type="hidden" name="__EVENTTARGET" id="__EVENTTARGET" value="">
<input type="hidden" name="__EVENTARGUMENT" id="__EVENTARGUMENT" value="">
<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="{state}">
<input type="hidden" name="__EVENTVALIDATION" id="__EVENTVALIDATION" value="{validation}">
<script type="text/javascript">
function __doPostBack(eventTarget, eventArgument) {{
  var theForm = document.forms['aspnetForm'];
  if (!theForm.onsubmit || (theForm.onsubmit() != false)) {{
    theForm.__EVENTTARGET.value = eventTarget;
    theForm.__EVENTARGUMENT.value = eventArgument;
    theForm.submit();
  }}
}}
</script>
<h2>보도자료</h2>
<table class="board"><thead><tr><th>번호</th><th>제목</th><th>부서</th><th>등록일</th></tr>
</thead><tbody>{rows}</tbody></table>
{_pager(number, self.pages, link)}
</form>"""
        return _page("보도자료 목록", main)

    def _egov_list(self, number: int, shown: Sequence[Article]) -> bytes:
        rows = "".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a> <span>{escape(a.author)}</span> '
            f"<span>{self._date(a.published)}</span></li>"
            for a in shown
        )
        link = '<a href="#" onclick="fn_link_page({number}); return false;">{label}</a>'
        main = f"""<h2>공지사항</h2>
<form name="listForm" id="listForm" method="post" action="/gov/board/list.do">
<input type="hidden" name="bbsId" value="BBSMSTR_000000000031">
<input type="hidden" name="pageIndex" value="{number}">
<input type="text" name="searchWrd" value="" title="검색어">
<ul class="bbs_list">{rows}</ul>
{_pager(number, self.pages, link)}
</form>
<script>
function fn_link_page(pageNo) {{
  document.listForm.pageIndex.value = pageNo;
  document.listForm.action = "/gov/board/list.do";
  document.listForm.submit();
}}
</script>"""
        return _page("공지사항 목록", main)

    def _number(self, article: Article) -> str:
        return article.path.rsplit("=", 1)[1]

    def view(self, number: str) -> Page:
        article = next((a for a in self.articles if self._number(a) == number), None)
        if article is None:
            return 404, _HTML, _page("없는 글", "<h1>게시물이 없습니다.</h1>")
        body = "".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        stamp = self._date(article.published)
        main = f"""<div class="view"><h3 class="view_title">{escape(article.title)}</h3>
<div class="view_info"><span>작성자 {escape(article.author)}</span>
{f"<span>등록일 {stamp}</span>" if stamp else ""}</div>
<div class="view_cont">{body}</div>
<div class="btn"><a href="{LIST_PATHS[self.name].format(page=1)}">목록</a></div></div>"""
        return 200, _HTML, _page(article.title, main)


class FormBoards:
    """The two form-paged boards, ``count`` articles each."""

    def __init__(self, seed: int, count: int, per_page: int, dated: bool = True) -> None:
        newsroom = Newsroom(seed)
        self.boards: dict[str, FormBoard] = {}
        for name in FORM_BOARDS:
            times = schedule(random.Random(f"{seed}/{name}"), count, seconds=True)
            view = VIEW_PATHS[name]
            articles = tuple(
                Article(name, f"{view}{1000 + count - i}", s.title, s.author, when, s.paragraphs)
                for i, (when, s) in enumerate((when, newsroom.story(name, when)) for when in times)
            )
            self.boards[name] = FormBoard(name, articles, per_page, dated or name != ASPNET)

    def route(self, path: str, form: bytes | None) -> Page | None:
        """The page at ``path`` (a GET, or a post of ``form``), when a board serves it."""
        split = urlsplit(path)
        query = parse_qs(split.query)
        posted = parse_qs(form.decode(), keep_blank_values=True) if form is not None else None
        if split.path == "/press/List.aspx":
            return self.boards[ASPNET].list_page(posted)
        if split.path == "/press/View.aspx":
            return self.boards[ASPNET].view(query.get("idx", [""])[0])
        if split.path == "/gov/board/list.do":
            return self.boards[EGOV].list_page(posted)
        if split.path == "/gov/board/view.do":
            return self.boards[EGOV].view(query.get("nttId", [""])[0])
        return None
