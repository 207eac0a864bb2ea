"""An article body's paragraphs: trafilatura over the family's body container
(or, for a portal no family knows, over the whole page), its output read back
as one paragraph a line: ``<br>`` breaks, list items and table rows (cells
joined by `` | ``) each on their own.

Photo captions and credits are not the article's text: their lines are left
out. Before trafilatura reads it, text that sits bare in a block beside other
blocks (a lead written straight into the container before the first
``<p>``, the text after a photo's ``<figure>``, tails of inline elements) is
wrapped in a paragraph of its own: trafilatura reads paragraphs, and would
otherwise lose it. A ``<span>`` of ``<br>``-separated lines is read as a
block, so that its first line is not lost either.

The trafilatura settings for each case are measured on the fixtures and on
the Zyte article benchmark (``benchmarks/extraction.py --sweep``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from functools import cache

import trafilatura
from lxml.etree import Element, _Element
from lxml.html import HtmlElement, builder
from trafilatura.settings import DEFAULT_CONFIG, Extractor


@dataclass(frozen=True)
class BodySettings:
    """How trafilatura is asked to read a body."""

    fast: bool = True  # no fallback extractors (readability, jusText)
    favor_precision: bool = False
    favor_recall: bool = False
    # least text trafilatura keeps before it falls back to its baseline (which
    # runs every paragraph together); None: trafilatura's own (250 characters)
    min_size: int | None = None

    def extractor(self) -> Extractor:
        """trafilatura's options for these settings, built once."""
        return _extractor(self)


# elements that hold paragraphs rather than being one
_BLOCKS = frozenset(
    [
        "div",
        "p",
        "table",
        "ul",
        "ol",
        "dl",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "figure",
        "section",
        "article",
        "pre",
        "header",
        "footer",
        "aside",
        "form",
    ]
)
# blocks whose bare text, beside other blocks, becomes paragraphs of its own
_MIXED_HOLDERS = frozenset(
    ["div", "td", "th", "article", "section", "main", "body", "center", "blockquote", "dd", "font"]
)
# children that end a run of bare text (blocks, and what holds no text of the article)
_RUN_BREAKS = _BLOCKS | {"tr", "tbody", "thead", "main", "center", "dd", "dt", "nav", "iframe"}
# a photo's caption or credit, never the article's text: <figcaption>, and
# elements so named (photocaption, img-caption, photo_txt, ...)
_CAPTION_NAME = re.compile(r"caption|(?:photo|img)[_-]?(?:txt|text|desc|tit)", re.IGNORECASE)
# a box that holds a photo and its caption (``table.article_photo``,
# ``div.thumb_area``), by a part of a class or id name
_PHOTO_BOX_PART = re.compile(r"photo|image|img|figure|thumb|pic|photobox|imgbox", re.I)
_NAME_PARTS = re.compile(r"[\s_-]+")
_PHOTO_BOX_TEXT = 300  # a photo box holds at most a caption's length of text
_NOT_ALNUM = re.compile(r"[\W_]+")
_ANCHOR = 40  # first letters of a paragraph, by which the element holding it is found
# an article's container may hold this many times its letters, and this many
# more (bylines, captions, buttons, a short body's furniture)
_CONTAINER_SLACK = 1.5
_CONTAINER_EXTRA = 200
# a list or table with this many links, holding mostly link text, lists other pages
_LINK_LIST_SIZE = 3
_LINK_SHARE = 0.6

# Measured with `benchmarks/extraction.py --sweep` (fixtures and Zyte benchmark):
# a family's container is the article, and without trafilatura's minimum size
# its short bodies stay whole (F1 1.000 against 0.971); fast mode loses nothing
CONTAINER = BodySettings(fast=True, min_size=1)
# a whole page of a portal no family knows: the fallback extractors and
# precision do best on both the generic fixtures and the Zyte pages
PAGE = BodySettings(fast=False, favor_precision=True)
# a whole page where PAGE finds no text: trafilatura's recall-oriented reading,
# tried before the page is refused
PAGE_RECALL = BodySettings(fast=False, favor_recall=True)


@cache
def _extractor(settings: BodySettings) -> Extractor:
    config = DEFAULT_CONFIG
    if settings.min_size is not None:
        config = deepcopy(DEFAULT_CONFIG)
        for key in ("MIN_EXTRACTED_SIZE", "MIN_OUTPUT_SIZE"):
            config["DEFAULT"][key] = str(settings.min_size)
    return Extractor(
        config=config,
        output_format="python",
        fast=settings.fast,
        precision=settings.favor_precision,
        recall=settings.favor_recall,
        comments=False,
        tables=True,
        images=False,
        links=False,
        dedup=False,  # a process-wide cache: not deterministic, not for archives
    )


def body_paragraphs(element: HtmlElement, url: str, settings: BodySettings) -> list[str]:
    """The paragraphs trafilatura finds in ``element`` (a page, or a body
    container); ``element`` itself is left as it was, for what is read after."""
    element = deepcopy(element)
    _drop_link_lists(element)
    captions = _caption_lines(element)
    _line_spans_as_blocks(element)
    _wrap_bare_text(element)
    if element.tag != "html":
        _divs_as_paragraphs(element)
        # trafilatura looks for an article in a document: give it one that
        # holds only the container, so nothing outside it can leak in (as a
        # <div>: trafilatura loses the leading text of a nested <article>)
        element.tag = "div"
        element = builder.HTML(builder.BODY(builder.ARTICLE(element)))
    document = trafilatura.bare_extraction(element, url=url, options=settings.extractor())
    body = getattr(document, "body", None)
    if body is None:
        return []
    lines = (" ".join(line.split()) for line in _lines(body))
    return [line for line in lines if line and line not in captions]


def _divs_as_paragraphs(container: HtmlElement) -> None:
    """Editors mix ``<p>`` and ``<div>`` paragraphs in one body, and trafilatura
    then keeps only the ``<p>`` ones: a ``<div>`` holding no block is a paragraph."""
    for div in list(container.iterdescendants("div")):
        if not any(child.tag in _BLOCKS for child in div.iterdescendants()):
            div.tag = "p"


def article_container(page: HtmlElement, paragraphs: Sequence[str]) -> HtmlElement | None:
    """The innermost element of ``page`` holding the first, longest and last
    of an article's ``paragraphs`` (found on the whole page), when its text
    is not much longer than theirs: the article's container, to be read as a
    family's container is. None when there is no such element."""
    if not paragraphs:
        return None
    within = _letters_within(page)
    ends = {paragraphs[0], max(paragraphs, key=len), paragraphs[-1]}
    holders = [_holder(page, within, letters([line])[:_ANCHOR]) for line in ends]
    if any(holder is None for holder in holders):
        return None
    common = holders[0]
    for holder in holders[1:]:
        while common is not None and not _holds(common, holder):
            common = common.getparent()
    if common is None or common.tag in ("html", "body"):
        return None
    if len(within[common]) > _CONTAINER_SLACK * len(letters(paragraphs)) + _CONTAINER_EXTRA:
        return None
    return common


def _letters_within(page: HtmlElement) -> dict[HtmlElement, str]:
    """Each element's text as letters and digits (children before parents,
    each piece of text cleaned once)."""
    within: dict[HtmlElement, str] = {}
    for element in reversed(list(page.iter(Element))):
        parts = [letters([element.text or ""])]
        for child in element:
            parts.append(within.get(child, ""))
            parts.append(letters([child.tail or ""]))
        within[element] = "".join(parts)
    return within


def _holder(page: HtmlElement, within: dict[HtmlElement, str], wanted: str) -> HtmlElement | None:
    """The last element, in document order, whose text holds ``wanted`` (one
    deepest on its path)."""
    found = None
    for element in page.iter(Element):
        if wanted and wanted in within[element]:
            found = element
    return found


def _holds(ancestor: HtmlElement, element: HtmlElement) -> bool:
    return ancestor is element or any(up is ancestor for up in element.iterancestors())


def letters(lines: Iterable[str]) -> str:
    """The letters and digits of ``lines``, run together: text to compare
    whatever its spacing, punctuation and paragraph breaks."""
    return _NOT_ALNUM.sub("", "".join(lines))


def _caption_lines(element: HtmlElement) -> set[str]:
    """The lines of the photo captions and credits in ``element``, and of the
    boxes holding a photo and its caption: what trafilatura reads there is
    not the article's text. (They are left in the page: trafilatura weighs
    the page as it is.)"""
    lines: set[str] = set()
    for caption in element.xpath(".//figcaption | .//*[@class or @id]"):
        if _is_caption(caption):
            lines.add(" ".join(caption.text_content().split()))
            lines.update(" ".join(text.split()) for text in caption.itertext())
    lines.discard("")
    return lines


def _is_caption(element: HtmlElement) -> bool:
    if element.tag == "figcaption":
        return True
    names = f"{element.get('id', '')} {element.get('class', '')}"
    named = bool(_CAPTION_NAME.search(names)) or (
        any(_PHOTO_BOX_PART.fullmatch(part) for part in _NAME_PARTS.split(names))
        and element.find(".//img") is not None
    )
    return named and len(element.text_content().strip()) <= _PHOTO_BOX_TEXT


def _line_spans_as_blocks(root: HtmlElement) -> None:
    """A ``<span>`` or ``<font>`` whose lines ``<br>`` breaks is a block of
    paragraphs: as a ``<div>``, its first line (its own text, before the first
    break) is not lost where trafilatura reads a table cell."""
    for inline in list(root.iter("span", "font")):
        if inline.find("br") is not None and (inline.text or "").strip():
            inline.tag = "div"


def _wrap_bare_text(root: HtmlElement) -> None:
    """Wrap each run of bare text and inline elements that stands beside
    blocks (``text <figure/> text <p/> text<br>text``) in a ``<p>``."""
    for holder in list(root.iter(*_MIXED_HOLDERS)):
        children = list(holder)
        if not any(_breaks_run(child) for child in children):
            continue
        if not (holder.text or "").strip() and not any(
            (child.tail or "").strip() for child in children
        ):
            continue
        run = builder.P()
        run.text, holder.text = holder.text, None
        for child in children:
            holder.remove(child)
        for child in children:
            if _breaks_run(child):
                _close_run(holder, run)
                run = builder.P()
                run.text, child.tail = child.tail, None
                holder.append(child)
            else:
                run.append(child)
        _close_run(holder, run)


def _breaks_run(child: _Element) -> bool:
    return isinstance(child.tag, str) and child.tag in _RUN_BREAKS


def _close_run(holder: HtmlElement, run: HtmlElement) -> None:
    """Put ``run`` into ``holder`` when it holds anything; its loose elements
    go back as they were when it holds no text."""
    if "".join(run.itertext()).strip():
        holder.append(run)
    else:
        for child in list(run):
            holder.append(child)


def _drop_link_lists(element: HtmlElement) -> None:
    """Remove the lists and tables that are mostly links to other pages (other
    articles, related articles, board listings) from ``element``."""
    for listing in element.xpath(".//table | .//ul | .//ol"):
        links = listing.xpath(".//a[@href]")
        if len(links) < _LINK_LIST_SIZE:
            continue
        text = len("".join(listing.itertext()).strip())
        linked = sum(len("".join(link.itertext()).strip()) for link in links)
        if text and linked >= _LINK_SHARE * text and listing.getparent() is not None:
            listing.drop_tree()


def _lines(body: _Element) -> Iterator[str]:
    """trafilatura's output element, one text line at a time."""
    yield from (body.text or "").splitlines()
    for child in body:
        if child.tag == "table":
            yield from _rows(child)
        elif child.tag == "list":
            yield from _items(child)
        else:
            yield from _text(child).splitlines()
        yield from (child.tail or "").splitlines()


def _rows(table: _Element) -> Iterator[str]:
    for row in table.iter("row"):
        cells = (" ".join(_text(cell).split()) for cell in row if cell.tag == "cell")
        yield " | ".join(cell for cell in cells if cell)


def _items(listing: _Element) -> Iterator[str]:
    for item in listing:
        if item.tag == "item":
            yield from _lines(item)


def _text(element: _Element) -> str:
    """The text of ``element``, ``<lb/>`` as a line break."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)
