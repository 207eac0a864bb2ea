"""An article a page carries in its own data rather than in its visible
markup (the body is filled in by scripts): JSON-LD ``articleBody``, Next.js's
``__NEXT_DATA__``, or a CMS's global content object assigned in an inline
script (``Fusion.globalContent = {...};``). The JSON is read as text; no
script is ever run.

In that JSON an article is either one long string under a body key
(``articleBody``, ``body``, ``content``), or a list of content elements each
of ``"type": "text"`` with its ``content`` (the paragraphs in order); the
longest one found is the article.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement, fragment_fromstring

_BODY_KEYS = frozenset(("articleBody", "body", "content", "text"))
# an object assigned in an inline script: ``x.globalContent = {`` / ``window.__STATE__ = {``
_ASSIGNMENT = re.compile(r"[\w$.\]\[\"']+\s*=\s*(?=\{)")
# a body's least length, in characters, for a string to be taken as one
_BODY_MIN = 100
_DECODER = json.JSONDecoder()


def embedded_paragraphs(tree: HtmlElement) -> list[str]:
    """The paragraphs of the longest article the page's data carries, or []."""
    best: list[str] = []
    for data in _page_data(tree):
        for paragraphs in _articles(data):
            if sum(map(len, paragraphs)) > sum(map(len, best)):
                best = paragraphs
    return best


def _page_data(tree: HtmlElement) -> Iterator[Any]:
    """Each JSON document of the page: JSON-LD, ``__NEXT_DATA__``, and the
    objects its inline scripts assign."""
    for script in tree.iter("script"):
        if script.get("src"):
            continue
        text = script.text or ""
        if script.get("type") == "application/ld+json" or script.get("id") == "__NEXT_DATA__":
            try:
                yield json.loads(text)
            except ValueError:
                continue
            continue
        for assignment in _ASSIGNMENT.finditer(text):
            try:
                yield _DECODER.raw_decode(text, assignment.end())[0]
            except ValueError:
                continue


def _articles(data: Any) -> Iterator[list[str]]:
    """The article-like texts inside ``data`` (see the module doc)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _BODY_KEYS and isinstance(value, str) and len(value) >= _BODY_MIN:
                    yield _lines(value)
                elif isinstance(value, dict | list):
                    stack.append(value)
        elif isinstance(node, list):
            texts = [
                item["content"]
                for item in node
                if isinstance(item, dict)
                and item.get("type") == "text"
                and isinstance(item.get("content"), str)
            ]
            if texts:
                yield [line for text in texts for line in _lines(text)]
            stack.extend(item for item in node if isinstance(item, dict | list))


def _lines(text: str) -> list[str]:
    """``text`` (plain, or HTML with ``<p>``/``<br>``) as its lines."""
    if "<" in text:
        fragment = fragment_fromstring(text, create_parent="div")
        for br in fragment.iter("br"):
            br.tail = "\n" + (br.tail or "")
        for block in fragment.iter("p", "div", "li"):
            block.tail = "\n" + (block.tail or "")
        text = fragment.text_content()
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]
