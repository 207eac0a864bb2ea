"""Which of a page's titles is its headline, for pages whose metadata is the
site's frame: an ``og:title`` or ``<title>`` made only of the site's name
and its board's breadcrumb (``전라남도청누리집 - 보도자료 |``,
``알림마당>담양뉴스>보도자료 > 상세``), or a keyword list
(``경북도청, 경상북도, 경북, 도청``) is no headline. Such a page shows its
headline in its post: a ``제목`` row's cell, else the first element outside
sidebars that its class names a title or subject (``view_title``,
``subject``, ``tit``), the longest when several do.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml.html import HtmlElement

# what splits a <title> into the headline, the board's breadcrumb and the site
_PARTS = re.compile(r"\s+[-–—]\s+|\s*[|<>»›:/ㅣ│]\s*")
# a part that names a board, a menu or a page kind, not a story (Korean CMS wording)
_BOARD_PART = re.compile(
    r"^[\w·]{0,10}(?:자료|소식|뉴스|뉴스룸|사항|게시판|보기|마당|광장|센터|공고|예고|상세|해명"
    r"|알림|정보|목록|[시군도구]정|board|news|view|list)$",
    re.IGNORECASE,
)
# a part that names the site: 나주시청, 신안군청 홈페이지, 전라남도청누리집, 경상북도
_SITE_PART = re.compile(r"^[\w·]{1,12}(?:\s?(?:누리집|홈페이지|포털)|청|[시군구도])$")
# a menu entry: one word of this length at most (a link to a story reads as a headline)
_MENU_ENTRY_MAX = 12
_KEYWORD_LIST = re.compile(r"\s*,\s*")
_TITLE_LABEL = re.compile(r"^제\s*목$")
_TITLE_NAMES = re.compile(r"title|subject|\btit\b|headline", re.IGNORECASE)
# a headline shown in a post: this many characters, and one space at least
_HEADLINE_MIN = 6
_HEADLINE_MAX = 200


def is_frame_title(text: str, sites: set[str], links: set[str]) -> bool:
    """Whether every part of ``text`` names the site, its board or a menu
    entry the page links to (``links``): a title every page of the site has."""
    parts = [part.strip() for part in _PARTS.split(text) if part.strip()]
    return bool(parts) and all(
        part in sites
        or (part in links and len(part) <= _MENU_ENTRY_MAX and " " not in part)
        or _BOARD_PART.match(part)
        or _SITE_PART.match(part)
        for part in parts
    )


def without_keywords(text: str, keywords: set[str]) -> str | None:
    """``text`` without the trailing items of the page's meta keywords that
    some sites append to ``og:title``; None when it is a keyword list (all
    its items but one are keywords)."""
    items = _KEYWORD_LIST.split(text)
    listed = sum(item in keywords for item in items)
    if len(items) >= 3 and listed >= len(items) - 1:
        return None
    while len(items) > 1 and items[-1] in keywords:
        text = text[: text.rindex(items.pop())].rstrip().removesuffix(",").rstrip()
    return text


def meta_keywords(tree: HtmlElement) -> set[str]:
    """The items of the page's ``<meta name="keywords">``."""
    found = tree.xpath("//meta[translate(@name, 'KEYWORDS', 'keywords')='keywords']/@content")
    return {item.strip() for content in found for item in content.split(",") if item.strip()}


def link_texts(tree: HtmlElement) -> set[str]:
    """The texts of the page's links (its menus' entries among them)."""
    return {" ".join(link.text_content().split()) for link in tree.iter("a")}


def post_headline(tree: HtmlElement, is_aside: Callable[[HtmlElement], bool]) -> str | None:
    """The headline a post shows: the cell of its ``제목`` row, else the
    longest text outside sidebars (``is_aside``) and links that an element
    whose class names a title holds (a pop-up's title is shorter)."""
    for label in tree.iter("th", "dt", "label", "span", "strong"):
        if not _TITLE_LABEL.match(_text(label)):
            continue
        row = label if label.tag in ("th", "dt") else label.getparent()
        cell = row.getnext() if row is not None else None
        if cell is not None and _is_headline(_text(cell)):
            return _text(cell)
    named = [element for element in tree.xpath("//body//*[@class or @id]") if _names_title(element)]
    shown = [
        _text(element)
        for element in named
        if not any(
            isinstance(node.tag, str) and _names_title(node) for node in element.iterdescendants()
        )
        and not any(is_aside(node) for node in (element, *element.iterancestors()))
        and not _mostly_links(element)
    ]
    return max(shown, key=len) if shown else None


def _mostly_links(element: HtmlElement) -> bool:
    """A breadcrumb or a list of links, not a headline."""
    linked = sum(len(_text(link)) for link in element.iter("a"))
    return 2 * linked > len(_text(element))


def _names_title(element: HtmlElement) -> bool:
    names = f"{element.get('class', '')} {element.get('id', '')}"
    return bool(_TITLE_NAMES.search(names)) and _is_headline(_text(element))


def _is_headline(text: str) -> bool:
    return _HEADLINE_MIN <= len(text) <= _HEADLINE_MAX and " " in text


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())
