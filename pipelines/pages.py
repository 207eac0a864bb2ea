"""What a fetched page is before an article is read from it.

Portals answer an article URL with things that are not articles: attachments
(PDF, HWP, images), and, with status 200, Gnuboard's alert pages for deleted
or members-only posts ("글이 존재하지 않습니다", "글을 읽을 권한이 없습니다")
and password or login walls. Extraction asks :func:`refusal` (raw bytes) and
:func:`tree_refusal` (parsed page) and gives up with their one-line reason.
:func:`html_tree` parses a page's text (list and article pages alike), without
what no HTML parser should see: NUL and other control characters, and an XML
declaration naming an encoding the text no longer has. Its parser gives every
element lxml.html's ``HtmlElement`` class in C, where ``lxml.html``'s own
calls Python for each element read (to give forms and their fields classes
of their own, which nothing here uses): that was about 6% of extraction.

Pure functions of the page: no network, no database. They live with the
crawler, whose spider reads list pages with them; extraction (``pipelines``)
builds on them.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

from lxml.etree import ElementDefaultClassLookup, HTMLParser, ParserError
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    document_fromstring,
)

from pipelines.walls import MEMBERS_ONLY, says_wall

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_MAGIC = (
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (docx, hwpx, ...)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Office or HWP document"),
    (b"HWP Document File", "HWP document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
)
# one parser a thread: an lxml parser is not to be used by two threads at once
_PARSERS = threading.local()
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# lxml refuses a str that declares its encoding (old XHTML portals start so)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# elements whose text no reader sees
_UNSEEN = frozenset(("script", "style", "noscript", "template"))
# blank: XPath's normalize-space white space, and no-break and ideographic spaces
_BLANK = " \t\r\n"
_AS_BLANK = str.maketrans("\u00a0\u3000", "  ")
_ALERT = re.compile(r"""\balert\(\s*(["'])(.*?)(?<!\\)\1""", re.DOTALL)
_SPACES = re.compile(r"\s+")


def refusal(body: bytes, content_type: str | None) -> str | None:
    """Why ``body`` is no web page at all (an attachment, an image, another
    file type), or None. The bytes decide over a wrong ``Content-Type``."""
    head = body[:1024].lstrip()
    for bom in _BOMS:
        head = head.removeprefix(bom)
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return f"an attachment ({kind})"
    if head.startswith(b"<"):
        return None
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime and mime not in _HTML_TYPES:
        return f"not a web page ({mime})"
    return None


def html_tree(text: str) -> HtmlElement:
    """The parsed page of ``text``; :class:`Unparseable` with the parser's reason
    when it holds no document."""
    text = _XML_DECLARATION.sub("", parseable(text), count=1)
    if not text.strip():
        raise Unparseable("empty page")
    try:
        return document_fromstring(text, parser=_parser())
    except (ParserError, ValueError) as exc:
        raise Unparseable(f"unparseable HTML: {exc}") from exc


def _parser() -> HTMLParser:
    """This thread's HTML parser: ``lxml.html``'s, with one class for every element."""
    parser: HTMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = HTMLParser()
        parser.set_element_class_lookup(
            ElementDefaultClassLookup(
                element=HtmlElement,
                comment=HtmlComment,
                pi=HtmlProcessingInstruction,
                entity=HtmlEntity,
            )
        )
        _PARSERS.parser = parser
    return parser


def drop_comments(tree: HtmlElement) -> None:
    """Take the HTML comments off ``tree`` (in place), keeping the text that
    follows each: a body's first line written after a comment is that
    comment's tail, which readers that skip comments lose with it."""
    for comment in tree.xpath("//comment()"):
        if comment.getparent() is not None:
            comment.drop_tree()


class Unparseable(ValueError):
    """A page's text holds no HTML document; the message says why, on one line."""


def parseable(text: str) -> str:
    """``text`` without NUL and the other control characters that broken pages
    carry and that an HTML parser would turn into replacement characters."""
    return _CONTROL.sub("", text)


def tree_refusal(tree: HtmlElement) -> str | None:
    """Why a parsed page served in place of an article holds none (an alert
    page, a password or login wall), or None. The reason of a members-only
    page (a wall, an alert that the reader may not read it) begins with
    :data:`~pipelines.walls.MEMBERS_ONLY`: it is worth trying again later."""
    if not shows_text(tree):
        for script in tree.xpath("//script[not(@src)]/text()"):
            found = _ALERT.search(script)
            if found:
                message = _text([found.group(2).replace("\\n", " ").replace('\\"', '"')])
                wall = MEMBERS_ONLY if says_wall(message) else ""
                return f"{wall}alert page: {message}"
    for field in tree.xpath("//input[translate(@type, 'PASSWORD', 'password') = 'password']"):
        forms = field.xpath("ancestor::form[1]")
        holder = (forms[0] if forms else field).getparent()
        if holder is None:
            continue
        said = _text(holder.xpath(".//text()[not(ancestor::script or ancestor::style)]"))
        if says_wall(said):
            return f"{MEMBERS_ONLY}login wall: {said[:120]}"
    return None


def shows_text(tree: HtmlElement) -> bool:
    """Whether the body of ``tree`` shows any text: a text outside scripts,
    styles, ``noscript`` and templates that is more than white space. The
    walk stops at the first such text and never enters an unseen element."""
    return any(_shown(text) for text in _texts_shown(tree))


def shows_more_than(tree: HtmlElement, characters: int) -> bool:
    """Whether the body of ``tree`` shows more than ``characters`` characters
    other than white space, outside scripts, styles, ``noscript`` and
    templates: a bound read without an XPath, stopping once it is passed."""
    count = 0
    for text in _texts_shown(tree):
        count += sum(map(len, text.split()))
        if count > characters:
            return True
    return False


def _texts_shown(tree: HtmlElement) -> Iterator[str]:
    """The texts of ``tree``'s bodies outside unseen elements, in no set
    order; never entering an unseen element."""
    for body in tree.iter("body"):
        if any(up.tag in _UNSEEN for up in body.iterancestors()):
            continue
        stack = [body]
        while stack:
            element = stack.pop()
            if isinstance(element.tag, str) and element.text:
                yield element.text
            for child in element:
                if child.tail:  # the text after a child is its parent's
                    yield child.tail
                if isinstance(child.tag, str) and child.tag not in _UNSEEN:
                    stack.append(child)


def _shown(text: str | None) -> bool:
    return bool(text) and bool(text.translate(_AS_BLANK).strip(_BLANK))


def _text(parts: list[str]) -> str:
    return _SPACES.sub(" ", " ".join(parts)).strip()
