"""A site's frame, as pure functions: the blocks that stand on the site's
article pages whatever the article (menus and their headings, label rows,
share and print bars, boxes of other articles, footers), learned by comparing
the site's pages, and taken off a parsed page before its article is read (as
:mod:`pipelines.frame_blocks` takes off what one page shows to be frame).

A block is the frame when, on at least ``MIN_SHARE`` of the site's pages (and
``MIN_PAGES`` of them), an element stands at the same *tag path* (the tags from
``<body>`` down, without classes or positions) and either holds the same text
(a *text* block), or is a block of links of the same *shape* (its tags, a run
of like items counted once) whose text changes from page to page (a "latest"
box: its titles change, its place and shape do not). What is stored is those
two kinds of keys (kind, tag path, text or shape), because on the generated
skins (48 sites of 10 pages: every page's own blocks off, no line of an
article lost; ``benchmarks/site_frame.py``) classes are random per site and renamed with a
redesign (the tests rename them all and learn the same frame), positions
among siblings shift with a page's optional blocks (comments, a photo, a
licence line), and digits vary inside one label row (조회수, a phone number)
while a short article body may differ from another only in its digits (a
closure notice of another day): so the text is compared whole, digits and
all, and a row whose text changes is no frame by its text; the real sets
(korean-news-real, -real2) hold one page per site, so there the frame is
never learned and extraction is the per-page one.

The frame is never the article's own text: a block that holds a sentence (a
series' standing sentence), the page's headline, a time or a writer's name
(the source of the time and the byline), or a label the page's rows are read
by, is never a frame block, nor a text that is a part of the site's varying
text (a city's name heading a section's stories); text kept by fewer pages
than ``MIN_SHARE`` (a lead two re-posted stories share) is none either.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from lxml.html import HtmlElement

from pipelines import korean_news, pages
from pipelines.dates import parse_korean_datetime
from pipelines.decoding import Undecodable, decode_html
from pipelines.frame_blocks import drop_frame_blocks, holds_headline, page_titles

MIN_PAGES = 5  # pages a site must have archived before its frame is learned
MIN_SHARE = 0.6  # share of the site's pages a block must stand on
MAX_CHARS = 300  # a longer block is text, however often it recurs
# a block of links: this many links, holding this share of its text
BOX_LINKS = 3
BOX_LINK_SHARE = 0.6
TEXT = "text"
SHAPE = "shape"
_SEPARATOR = "\t"
_SENTENCE = re.compile(r"[다요까죠]\s*[.!?]")
_WRITER = re.compile(rf"{korean_news.WRITER_ROW.pattern}|{korean_news.NAME}\s*{korean_news.ROLE}")
_LABEL = re.compile(f"{korean_news.LABEL_ALONE.pattern}|{korean_news.BODY_LABEL.pattern}")
_SKIPPED = frozenset(("script", "style", "noscript", "template", "head", "title", "meta"))


@dataclass(frozen=True)
class FrameBlock:
    """One learned block, as :func:`describe` shows it."""

    kind: str  # TEXT or SHAPE
    path: str  # the tags from <body> down
    what: str  # the text, or the shape


def block_key(kind: str, path: str, what: str) -> str:
    """The stored key of a frame block."""
    return _SEPARATOR.join((kind, path, what))


def describe(frame: Iterable[str]) -> list[FrameBlock]:
    """The stored keys ``frame`` as blocks, by path."""
    blocks = [FrameBlock(*key.split(_SEPARATOR, 2)) for key in frame]
    return sorted(blocks, key=lambda block: (block.path, block.kind, block.what))


def page_tree(body: bytes, content_type: str | None) -> HtmlElement | None:
    """The parsed page as extraction reads it once the page's own frame is off
    (:func:`pipelines.frame_blocks.drop_frame_blocks`); None for no web page."""
    if pages.refusal(body, content_type):
        return None
    try:
        tree = pages.html_tree(decode_html(body, content_type).text)
    except (pages.Unparseable, Undecodable):
        return None
    pages.drop_comments(tree)
    drop_frame_blocks(tree)
    return tree


def learn_from_pages(pages: Iterable[tuple[bytes, str | None]]) -> tuple[frozenset[str], int]:
    """The frame :func:`learn` finds in raw pages (body, content type), and
    how many of them were web pages it learned from."""
    trees = [tree for page in pages if (tree := page_tree(*page)) is not None]
    return learn(trees), len(trees)


def text_key(element: HtmlElement) -> str:
    """An element's text as blocks are compared: NFKC, spacing collapsed."""
    # str.split() splits where the pattern \s+ would: at Unicode's spaces
    return " ".join(unicodedata.normalize("NFKC", element.text_content()).split()).lower()


def learn(trees: Iterable[HtmlElement]) -> frozenset[str]:
    """The frame (block keys) of a site whose article pages these are (parsed
    by :func:`page_tree`); none below ``MIN_PAGES`` pages. Only a page's
    outermost frame blocks are kept: a menu, not each of its items."""
    trees = list(trees)
    if len(trees) < MIN_PAGES:
        return frozenset()
    seen: Counter[str] = Counter()
    per_page: list[dict[HtmlElement, list[str]]] = []
    read: list[_PageKeys] = []
    for tree in trees:
        keys: dict[HtmlElement, list[str]] = {}
        page = _PageKeys()
        for element, key in _candidates(tree, page):
            keys.setdefault(element, []).append(key)
        per_page.append(keys)
        read.append(page)
        seen.update({key for found in keys.values() for key in found})
    needed = max(MIN_PAGES, MIN_SHARE * len(trees))
    recurring = {key for key, count in seen.items() if count >= needed}
    # a block that is the article's own on one page is no frame (looked at
    # only for the blocks that recur: the test is the costly part)
    for tree, keys, page in zip(trees, per_page, read, strict=True):
        titles = page_titles(tree)
        for element, found in keys.items():
            if recurring.intersection(found) and _article_part(element, titles, page):
                recurring.difference_update(found)
    shared = {_what(key) for key in recurring}
    # the texts the pages do not share, of which a learned text may be no part
    varying = "\n".join(
        text
        for tree in trees
        for element, _ in _paths(tree)
        if (text := _own_text(element)) not in shared
    )
    learned = {key for key in recurring if _kind(key) == SHAPE or _what(key) not in varying}
    outermost: set[str] = set()
    for keys in per_page:
        framed = {element for element, found in keys.items() if learned.intersection(found)}
        for element in framed:
            if not any(up in framed for up in element.iterancestors()):
                outermost.update(learned.intersection(keys[element]))
    return frozenset(outermost)


def drop_site_frame(tree: HtmlElement, frame: frozenset[str]) -> None:
    """Take the blocks of the site's learned ``frame`` off ``tree`` (in place)."""
    if not frame:
        return
    kinds: dict[str, set[str]] = {}  # the kinds of block the frame has at each path
    for key in frame:
        kind, path, _ = key.split(_SEPARATOR, 2)
        kinds.setdefault(path, set()).add(kind)
    titles = page_titles(tree)
    page = _PageKeys()
    doomed = {
        element
        for element, _ in _candidates(tree, page, kinds, frame)
        if not _article_part(element, titles, page)
    }
    for element in doomed:
        outermost = not any(up in doomed for up in element.iterancestors())
        if outermost and element.getparent() is not None:
            element.drop_tree()


class _PageKeys:
    """The text keys and shapes of one page's elements, each made once while
    the page is looked over (it is not changed meanwhile): a block's links,
    and its children's shapes, are those of every block around it too."""

    def __init__(self) -> None:
        self._texts: dict[HtmlElement, str] = {}
        self._shapes: dict[HtmlElement, str] = {}

    def text(self, element: HtmlElement) -> str:
        if element not in self._texts:
            self._texts[element] = text_key(element)
        return self._texts[element]

    def shape(self, element: HtmlElement) -> str:
        """``element``'s tags, nested, a run of like children written once with ``+``."""
        if element not in self._shapes:
            children: list[str] = []
            for child in element:
                if not isinstance(child.tag, str) or child.tag in _SKIPPED:
                    continue
                shape = self.shape(child)
                if children and children[-1].removesuffix("+") == shape:
                    children[-1] = f"{shape}+"
                else:
                    children.append(shape)
            self._shapes[element] = (
                f"{element.tag}({','.join(children)})" if children else element.tag
            )
        return self._shapes[element]


def _candidates(
    tree: HtmlElement,
    page: _PageKeys,
    kinds: dict[str, set[str]] | None = None,
    only: frozenset[str] | None = None,
) -> Iterator[tuple[HtmlElement, str]]:
    """The page's elements that may be frame blocks, with their keys (only
    the kinds of key ``kinds`` names at each path, when given; only the keys
    of ``only``, when given: a block of links is told one only then, that
    being the costly test)."""
    on_the_way = None if kinds is None else {up for path in kinds for up in _path_and_up(path)}
    for element, path in _paths(tree, on_the_way):
        wanted = (TEXT, SHAPE) if kinds is None else kinds.get(path, ())
        if not wanted:
            continue
        text = page.text(element)
        if not text:
            continue
        if TEXT in wanted and len(text) <= MAX_CHARS:
            key = block_key(TEXT, path, text)
            if only is None or key in only:
                yield element, key
        if SHAPE in wanted and len(links := element.findall(".//a")) >= BOX_LINKS:
            key = block_key(SHAPE, path, page.shape(element))
            if (only is None or key in only) and _linked_most(links, text, page):
                yield element, key


def _article_part(element: HtmlElement, titles: list[str], page: _PageKeys) -> bool:
    """Whether ``element`` holds what is the article's own: a sentence, the
    headline, a time or a writer's name, or is a label the page's own rows are
    read by (제목, 작성자, 내용: the title, byline, date and body are found by
    them, and cleanup keeps label rows out of the body)."""
    text = page.text(element)
    return bool(
        _LABEL.match(text)
        or _SENTENCE.search(text)
        or _WRITER.search(text)
        or holds_headline(element, titles)
        or parse_korean_datetime(text) is not None
    )


def _linked_most(links: list[HtmlElement], text: str, page: _PageKeys) -> bool:
    """Whether ``links`` hold ``BOX_LINK_SHARE`` of ``text``: their block
    (``BOX_LINKS`` of them or more) is a block of links. The links are read
    until they hold it: a box's last links need no reading."""
    needed = BOX_LINK_SHARE * len(text)
    linked = 0
    for link in links:
        linked += len(page.text(link))
        if linked >= needed:
            return True
    return False


def _paths(tree: HtmlElement, within: set[str] | None = None) -> Iterator[tuple[HtmlElement, str]]:
    """The elements under ``<body>`` with their tag paths, in document order
    (only those whose path is one of ``within``, when given: a block at no
    such path is not entered)."""
    body = tree.find("body") if tree.tag != "body" else tree
    if body is None:
        return
    stack: list[tuple[HtmlElement, str]] = [(body, "body")]
    while stack:
        element, path = stack.pop()
        yield element, path
        children = [c for c in element if isinstance(c.tag, str) and c.tag not in _SKIPPED]
        below = ((child, f"{path}/{child.tag}") for child in reversed(children))
        stack.extend((child, at) for child, at in below if within is None or at in within)


def _path_and_up(path: str) -> Iterator[str]:
    """``path`` and the paths of the blocks around it: ``body/div/ul``, ``body/div``, ``body``."""
    parts = path.split("/")
    return ("/".join(parts[:end]) for end in range(len(parts), 0, -1))


def _own_text(element: HtmlElement) -> str:
    """The text an element holds itself (not its children's), as compared."""
    parts = [element.text or "", *(child.tail or "" for child in element)]
    return " ".join(unicodedata.normalize("NFKC", " ".join(parts)).split()).lower()


def _kind(key: str) -> str:
    return key.split(_SEPARATOR, 1)[0]


def _what(key: str) -> str:
    return key.split(_SEPARATOR, 2)[2]
