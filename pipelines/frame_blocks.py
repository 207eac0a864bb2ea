"""Blocks of a page that are never its article, found by their structure and
the wording Korean boards give them, not by class names: readers' comment
sections, boxes of other articles ("most read", "latest") and the
screen-reader headings and table captions boards put over their parts
(``본문``, ``페이지 정보``, ``글 내용보기``).
They are taken off the parsed page before its article, title, time and
author are read, so none of their text, times or names reaches the article.

A comment section is a block whose items repeat, each with a time and a
short text, that its opening heading, a name (``댓글``, ``comment``, ``reply``,
``cmt``, ``fbList``) or a reply form marks as comments, and whose text is
mostly those items; a reply form (a ``<form>`` with a ``<textarea>``) goes
too. A box is a block that opens with a heading such as ``많이 본 기사`` and
links to other articles. A notice is the largest block around a line
that sites put under every post: a satisfaction survey, the 공공누리 licence,
a broadcaster's tip-off block, that adds no sentence to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from pipelines.dates import parse_korean_datetime
from pipelines.korean_news import SITE_NOTICE, SITE_NOTICE_HINT

_COMMENT_MARK = re.compile(r"댓글|덧글|comment|reply|replies|cmt|fblist|의견", re.IGNORECASE)
# the headings of boxes of other articles
_BOX_HEADING = re.compile(
    r"^(?:많이\s*(?:본|읽은)|인기|최신|주요|관련|추천|화제|실시간|오늘의|이\s*시각|핫|포토)"
    r"[\s\w·]{0,10}$"
)
# screen-reader headings of a board's parts, never the article's text
_HIDDEN_HEADING = re.compile(
    r"^(?:본문|본문\s*내용|페이지\s*정보|게시(?:물|글)\s*정보|글\s*정보|댓글\s*목록|댓글\s*쓰기"
    r"|전체\s*메뉴|주\s*메뉴|하단\s*메뉴|검색|본문\s*바로가기"
    r"|(?:글\s*)?(?:내용|상세)\s*보기|게시(?:물|글)\s*(?:보기|상세))$"
)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BOX_HEADING_TAGS = (*_HEADINGS, "strong", "b", "dt", "caption", "p", "span")
_ITEM_TAGS = frozenset(("li", "div", "article", "tr", "dl", "section", "dd", "p"))
# a comment is short; its items hold most of its section's text
_COMMENT_MAX = 400
_ITEMS_SHARE = 0.7
_BOX_LINKS = 3
# a site's notice block (a survey with its choices, a licence line) is this short
_NOTICE_MAX = 160
_SENTENCE = re.compile(r"[다요까]\s*[.!?]")


def drop_frame_blocks(tree: HtmlElement) -> None:
    """Take the comment sections, reply forms, boxes of other articles,
    screen-reader headings and board captions off ``tree`` (in place)."""
    texts = _PageTexts()
    doomed = [
        *_comment_sections(tree, texts),
        *_reply_forms(tree),
        *_boxes(tree, texts),
        *_notices(tree, texts),
    ]
    labels = tree.iter(*_HEADINGS, "caption")
    doomed += [label for label in labels if _HIDDEN_HEADING.match(texts.text(label))]
    for element in doomed:
        if element.getparent() is not None and not _inside_any(element, doomed):
            element.drop_tree()


class _PageTexts:
    """What the blocks of one page say, each read once while the page is
    looked over (it is not changed until every block to drop is found): an
    element's text, white space folded, and the children of an element that
    read as a comment. A comment section's test reads the items of every
    block inside it, so without this a page of nested blocks is read again
    for each block around them."""

    def __init__(self) -> None:
        self._texts: dict[HtmlElement, str] = {}
        self._stamped: dict[HtmlElement, list[HtmlElement]] = {}
        self._largest: dict[HtmlElement, list[HtmlElement]] = {}

    def text(self, element: HtmlElement) -> str:
        if element not in self._texts:
            self._texts[element] = _text(element)
        return self._texts[element]

    def stamped_children(self, parent: HtmlElement) -> list[HtmlElement]:
        """The children of ``parent`` that each show a time and a short text."""
        if parent not in self._stamped:
            self._stamped[parent] = [
                child
                for child in parent
                if child.tag in _ITEM_TAGS
                and len(self.text(child)) <= _COMMENT_MAX
                and parse_korean_datetime(self.text(child)) is not None
            ]
        return self._stamped[parent]

    def stamped_items(self, element: HtmlElement) -> list[HtmlElement]:
        """The largest run of sibling items under ``element`` that each show a
        time and a short text (a comment list's items); of runs as large, the
        first in the page. Found from the largest run under each child, every
        block's children read once however many blocks hold it."""
        if element not in self._largest:
            for node in reversed(list(element.iter())):  # each block after those it holds
                if node in self._largest:
                    continue
                largest = self.stamped_children(node)
                for child in node:
                    if len(self._largest[child]) > len(largest):
                        largest = self._largest[child]
                self._largest[node] = largest
        return self._largest[element]


def _text(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def _inside_any(element: HtmlElement, others: list[HtmlElement]) -> bool:
    ancestors = set(element.iterancestors())
    return any(other in ancestors for other in others)


def _reply_forms(tree: HtmlElement) -> list[HtmlElement]:
    return [form for form in tree.iter("form") if form.find(".//textarea") is not None]


def _comment_sections(tree: HtmlElement, texts: _PageTexts) -> list[HtmlElement]:
    """The outermost blocks that hold comments (see the module doc)."""
    titles = page_titles(tree)
    with_form = {up for area in tree.iter("textarea") for up in area.iterancestors()}
    headings = _first_headings(tree, texts)
    found = []
    for element in tree.iter("div", "section", "ul", "ol", "table", "aside", "article"):
        # the headline test first: the blocks around a reply form that hold the
        # post too need no reading of every item they hold
        if (
            _may_hold_comments(element, texts, headings.get(element), element in with_form)
            and not holds_headline(element, titles)
            and _holds_comment_items(element, texts)
        ):
            found.append(element)
    return found


def _first_headings(tree: HtmlElement, texts: _PageTexts) -> dict[HtmlElement, HtmlElement]:
    """Each block's first heading that says something, of those it holds:
    found from the headings up, each block once however many it holds."""
    first: dict[HtmlElement, HtmlElement] = {}
    for heading in tree.iter(*_HEADINGS):
        if not texts.text(heading):
            continue
        for up in heading.iterancestors():
            if up in first:
                break  # and every block around it: an earlier heading is theirs
            first[up] = heading
    return first


def page_titles(tree: HtmlElement) -> list[str]:
    """What the page's ``<title>`` and ``og:title`` say, white space folded."""
    said = tree.xpath("//title/text() | //meta[@property='og:title']/@content")
    return [" ".join(text.split()) for text in said if text.strip()]


def holds_headline(element: HtmlElement, titles: list[str]) -> bool:
    """Whether ``element`` holds the post's own headline (an ``h1``, or a
    heading the page's title repeats): then it is the post, whose body may be
    as short as a comment (a members-only notice), not its comments."""
    if element.find(".//h1") is not None:
        return True
    for heading in element.iter(*_HEADINGS):
        text = _text(heading)
        if len(text) >= 8 and any(text in title for title in titles):
            return True
    return False


def _may_hold_comments(
    element: HtmlElement, texts: _PageTexts, heading: HtmlElement | None, holds_form: bool
) -> bool:
    """Whether ``element`` (whose first heading that says something is
    ``heading``, and which holds a reply form's ``<textarea>`` or not) is
    marked as comments, by its id or class or by its heading, or holds a
    reply form: then it holds comments when :func:`_holds_comment_items`."""
    if _COMMENT_MARK.search(f"{element.get('id', '')} {element.get('class', '')}"):
        return True
    return holds_form or (
        heading is not None
        and _COMMENT_MARK.search(texts.text(heading)) is not None
        and texts.text(element).startswith(texts.text(heading))
    )


def _holds_comment_items(element: HtmlElement, texts: _PageTexts) -> bool:
    """Whether most of ``element``'s text is a run of items that each show a
    time and a short text (a comment list)."""
    items = texts.stamped_items(element)
    if len(items) < 2:
        return False
    total = len(texts.text(element))
    return total > 0 and sum(len(texts.text(item)) for item in items) >= _ITEMS_SHARE * total


def _notices(tree: HtmlElement, texts: _PageTexts) -> list[HtmlElement]:
    """The outermost short blocks that hold a line a site puts under every
    post (a satisfaction survey, the 공공누리 licence, a tip-off block)."""
    found: list[HtmlElement] = []
    if not any(SITE_NOTICE_HINT.search(body.text_content()) for body in _bodies(tree)):
        return found  # read whole, the page holds none: no text of it is read alone
    for text, holder in _body_texts(tree):
        if not SITE_NOTICE.search(text):
            continue
        if holder is None or not _adds_no_sentence(holder, " ".join(text.split()), texts):
            continue  # a line among the body's: cleanup takes it off
        block = holder
        while block.getparent() is not None and _adds_no_sentence(
            block.getparent(), texts.text(block), texts
        ):
            block = block.getparent()
        found.append(block)
    return found


def _body_texts(tree: HtmlElement) -> Iterator[tuple[str, HtmlElement | None]]:
    """The texts under ``<body>`` (XPath's ``//body//text()``, not in document
    order), each with the element that holds it: an element's own text, and
    the text after an element (its tail), held by its parent. Read off the
    elements rather than by XPath, which makes an object of every text."""
    for body in _bodies(tree):
        for element in body.iter():
            if element is not body and element.tail:
                yield element.tail, element.getparent()
            if isinstance(element.tag, str) and element.text:  # a comment's is no text
                yield element.text, element


def _bodies(tree: HtmlElement) -> Iterator[HtmlElement]:
    """The ``<body>`` elements of the document ``tree`` is part of."""
    return tree.getroottree().getroot().iter("body")


def _adds_no_sentence(holder: HtmlElement, notice: str, texts: _PageTexts) -> bool:
    """Whether ``holder`` is short and holds no sentence but ``notice`` (a
    survey's choices, a licence's mark may stand beside it)."""
    if holder.tag == "body":
        return False
    text = texts.text(holder)
    return len(text) <= _NOTICE_MAX and not _SENTENCE.search(text.replace(notice, ""))


def _boxes(tree: HtmlElement, texts: _PageTexts) -> list[HtmlElement]:
    """Blocks that open with a box heading (``많이 본 기사``) and link to other articles."""
    found = []
    for heading in tree.iter(*_BOX_HEADING_TAGS):
        parent = heading.getparent()
        if parent is None or not _BOX_HEADING.match(texts.text(heading)):
            continue
        first = next((child for child in parent if isinstance(child.tag, str)), None)
        if first is heading and len(parent.findall(".//a")) >= _BOX_LINKS:
            found.append(parent)
    return found
