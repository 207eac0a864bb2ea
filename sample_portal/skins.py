"""Generated skins: a news site whose markup comes from a seed, so that no code can
key on one markup. Class names and wrappers are random; the list is a table, a
``<ul>`` or a run of ``<div>``s; article URLs take one of several shapes
(``view.php?idx=N``, ``read.php?uid=N&section=X``, ...); some list rows link
their article only by script (``onclick="fnView('N')"``), and on some old-CMS
boards every row does, on the row itself (``<tr onclick="goView('N')">``), so
that the only real article links are the "most read" box's. Each skin lives
under its own path prefix (``/s7/...`` for seed 7).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs

from .content import Article, lead, reporter_email

# article URL shapes after the prefix: (format with n and section, scripts can link it)
SHAPES: tuple[tuple[str, bool], ...] = (
    ("view.php?idx={n}", True),
    ("read.php?uid={n}&section={section}", False),
    ("news/{n}.html", False),
    ("article/{n}", True),
    ("board/view.do?nttId={n}&bbsId=BBSMSTR_000000000021", False),
    ("bbs/content.asp?code=local&num={n}", True),
)
LIST_PATHS = ("list.php?page={page}", "news/list.html?sec=all&pg={page}", "board/?p={page}")
SECTIONS = ("politics", "economy", "society", "local")
LAYOUTS = ("table", "list", "cards")
_SCRIPT_CALLS = (
    ("href=\"javascript:goView('{n}')\"", ""),
    ('href="#none"', "onclick=\"fn_view('{n}'); return false;\""),
    ('href="javascript:void(0);"', 'onclick="readArticle({n})"'),
)
# calls on a whole row of an old-CMS board, which carries no link at all
_ROW_CALLS = ("goView('{n}')", "fn_view('{n}'); return false;", "readArticle({n})")
# the share of scriptable skins whose every row is linked by a call on the row
ROW_SCRIPT_SHARE = 0.4
_LETTERS = ("bcdfghjklmnprstvz", "aeiou")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Skin:
    """One generated site's markup and URL shapes."""

    seed: int
    paper: str
    shape: str
    scriptable: bool
    list_path: str
    layout: str
    names: dict[str, str]
    wrappers: int
    script_share: float
    heading: str
    row_scripts: bool  # every row is linked only by a call on the row itself

    @classmethod
    def from_seed(cls, seed: int) -> Skin:
        rng = random.Random(f"skin/{seed}")
        shape, scriptable = SHAPES[seed % len(SHAPES)]
        roles = ("wrap", "list", "row", "title", "date", "side", "body", "head", "info", "foot")
        names: dict[str, str] = {}
        for role in roles:
            name = "".join(rng.choice(_LETTERS[i % 2]) for i in range(rng.randint(3, 7)))
            names[role] = f"{name}{rng.choice(('', '_', '-'))}{rng.choice(('', 'a', 'x', '2'))}"
        return cls(
            seed=seed,
            paper=f"{rng.choice(('새', '참', '늘', '한'))}{rng.choice(('빛', '울', '솔'))}일보",
            shape=shape,
            scriptable=scriptable,
            list_path=rng.choice(LIST_PATHS),
            layout=LAYOUTS[(seed // len(SHAPES) + seed) % len(LAYOUTS)],
            names=names,
            wrappers=rng.randint(0, 3),
            script_share=rng.choice((0.3, 0.5)) if scriptable else 0.0,
            heading=rng.choice(("h1", "h2")),
            row_scripts=scriptable and rng.random() < ROW_SCRIPT_SHARE,
        )

    @property
    def prefix(self) -> str:
        return f"/s{self.seed}"

    @property
    def list_url_path(self) -> str:
        """The list page path with ``{page}``."""
        return f"{self.prefix}/{self.list_path}"

    @property
    def article_pattern(self) -> str:
        """An ``article_pattern`` as a user writes it against the article links
        the pages show: the shape up to its number, parameters in page order."""
        written = self.shape[: self.shape.index("{n}")]
        return re.escape(f"{self.prefix}/{written}") + r"\d+"

    def article_path(self, number: int) -> str:
        section = SECTIONS[number % len(SECTIONS)]
        return f"{self.prefix}/{self.shape.format(n=number, section=section)}"

    def article_path_of(self, path: str, query: str) -> str | None:
        """The article path ``path?query`` asks for (its parameters in any order)."""
        asked = (path, parse_qs(query))
        for number in _NUMBER.findall(path.removeprefix(self.prefix) + "?" + query):
            route, _, wanted = self.article_path(int(number)).partition("?")
            if (route, parse_qs(wanted)) == asked:
                return self.article_path(int(number))
        return None

    def list_page_number(self, path: str, query: str) -> int | None:
        """The list page ``path?query`` asks for, or None when it is no list page."""
        list_route, _, list_query = self.list_url_path.partition("?")
        if path != list_route:
            return None
        asked = parse_qs(query)
        wanted = parse_qs(list_query.replace("{page}", "PAGE"))
        page = None
        for name, values in wanted.items():
            if values == ["PAGE"]:
                found = asked.get(name, ["1"])[0]
                page = int(found) if found.isdigit() else None
            elif asked.get(name) != values:
                return None
        return page or 1

    def list_page(
        self, page: int, rows: Sequence[Article], total_pages: int, popular: Sequence[Article]
    ) -> str:
        n = self.names
        items = [self._row(a) for a in rows]
        if self.layout == "table":
            listing = (
                f'<table class="{n["list"]}"><thead><tr><th>번호</th><th>제목</th><th>기자</th>'
                f"<th>날짜</th></tr></thead><tbody>\n" + "\n".join(items) + "\n</tbody></table>"
            )
        elif self.layout == "list":
            listing = f'<ul class="{n["list"]}">\n' + "\n".join(items) + "\n</ul>"
        else:
            listing = f'<div class="{n["list"]}">\n' + "\n".join(items) + "\n</div>"
        for depth in range(self.wrappers):
            listing = f'<div class="{n["wrap"]}{depth}">\n{listing}\n</div>'
        pages = " ".join(
            f'<a href="{self.list_url_path.format(page=p)}">{p}</a>'
            for p in range(1, total_pages + 1)
        )
        empty = "" if rows else "<p>등록된 기사가 없습니다.</p>"
        main = f'{listing}{empty}\n<div class="{n["foot"]}pg">{pages}</div>'
        return self._page(f"전체기사 - {self.paper}", main, popular)

    def _row(self, article: Article) -> str:
        n = self.names
        number = self.number(article)
        title = escape(article.title)
        rng = random.Random(f"{self.seed}|{article.path}")
        if self.row_scripts:
            return self._script_row(article, rng.choice(_ROW_CALLS).format(n=number))
        if rng.random() < self.script_share:
            href, onclick = rng.choice(_SCRIPT_CALLS)
            link = f"<a {href.format(n=number)} {onclick.format(n=number)}>{title}</a>"
        else:
            link = f'<a href="{escape(article.path)}">{title}</a>'
        day = f"{article.published:%Y.%m.%d}"
        if self.layout == "table":
            return (
                f'<tr class="{n["row"]}"><td>{number}</td><td class="{n["title"]}">{link}</td>'
                f"<td>{escape(article.author)}</td><td>{day}</td></tr>"
            )
        teaser = escape(lead(article, 80))
        tag = "li" if self.layout == "list" else "div"
        return (
            f'<{tag} class="{n["row"]}"><span class="{n["title"]}">{link}</span>'
            f'<p>{teaser}</p><span class="{n["date"]}">{day}</span></{tag}>'
        )

    def _script_row(self, article: Article, call: str) -> str:
        """A row of an old-CMS board: the call on the row, the title as plain text."""
        n = self.names
        title = escape(article.title)
        day = f"{article.published:%Y.%m.%d}"
        tag = {"table": "tr", "list": "li"}.get(self.layout, "div")
        cells = (
            f'<td>{self.number(article)}</td><td class="{n["title"]}">{title}</td>'
            f"<td>{escape(article.author)}</td><td>{day}</td>"
            if tag == "tr"
            else f'<span class="{n["title"]}">{title}</span><span class="{n["date"]}">{day}</span>'
        )
        return f'<{tag} class="{n["row"]}" onclick="{escape(call)}">{cells}</{tag}>'

    def number(self, article: Article) -> int:
        """The article number in its path (the first number after the prefix)."""
        found = _NUMBER.search(article.path.removeprefix(self.prefix))
        if found is None:
            raise ValueError(f"no number in {article.path}")
        return int(found.group())

    def article_page(self, article: Article, popular: Sequence[Article]) -> str:
        n = self.names
        h = self.heading
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
        email = reporter_email(article.author, "news.example.kr")
        main = f"""<div class="{n["head"]}">
<{h} class="{n["title"]}">{escape(article.title)}</{h}>
<div class="{n["info"]}"><span>{escape(article.author)} 기자</span> \
<span>입력 {article.published:%Y-%m-%d %H:%M}</span></div>
</div>
<div class="{n["body"]}">
{paragraphs}
<p>{escape(article.author.split(", ")[0])} 기자 {email}</p>
</div>"""
        return self._page(f"{article.title} - {self.paper}", main, popular)

    def _page(self, title: str, main: str, popular: Sequence[Article]) -> str:
        n = self.names
        side = "\n".join(
            f'<li><a href="{escape(a.path)}">{escape(a.title)}</a></li>' for a in popular
        )
        sections = "".join(
            f'<li><a href="{self.list_url_path.format(page=1)}&amp;cat={i}">{name}</a></li>'
            for i, name in enumerate(("정치", "경제", "사회", "지역"), 1)
        )
        return f"""<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8"><title>{escape(title)}</title></head>
<body>
<div class="{n["head"]}top"><a href="{self.prefix}/">{self.paper}</a><ul>{sections}</ul></div>
<div class="{n["wrap"]}main">
{main}
</div>
<div class="{n["side"]}"><strong>많이 본 기사</strong><ol>
{side}
</ol></div>
<div class="{n["foot"]}">Copyright &copy; {self.paper}. All rights reserved.</div>
</body></html>
"""
