"""An article a page carries in its own data rather than in its visible
markup (the body is filled in by scripts): JSON-LD ``articleBody``, Next.js's
``__NEXT_DATA__``, or a CMS's global content object assigned in an inline
script (``Fusion.globalContent = {...};``). The JSON is read as text; no
script is ever run.

In that JSON an article is either one long string under a body key
(``articleBody``, ``body``, ``content``), or a list of content elements each
of ``"type": "text"`` with its ``content`` (the paragraphs in order); the
longest one found is the article. Its writers are what the object holding it
credits (``author``, ``credits``/``by``, ``byline``, ``writer``, ``reporter``):
a credit's ``byline`` as the site prints it (``홍길동 기자``, wherever in the
credit), else its ``name``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement, fragment_fromstring

_BODY_KEYS = frozenset(("articleBody", "body", "content", "text"))
# where the object holding an article credits its writers, and what a credit calls them
_CREDIT_KEYS = frozenset(("author", "authors", "credits", "by", "byline", "writer", "reporter"))
_NAME_KEYS = ("byline", "name")
# an object assigned in an inline script: ``x.globalContent = {`` / ``window.__STATE__ = {``
_ASSIGNMENT = re.compile(r"[\w$.\]\[\"']+\s*=\s*(?=\{)")
# a body's least length, in characters, for a string to be taken as one
_BODY_MIN = 100
_DECODER = json.JSONDecoder()


def embedded_paragraphs(tree: HtmlElement) -> list[str]:
    """The paragraphs of the longest article the page's data carries, or []."""
    return _longest(tree)[0]


def embedded_bylines(tree: HtmlElement) -> list[str]:
    """The writers the object holding the page's longest carried article
    credits, as bylines or names (see the module doc), or []."""
    holder = _longest(tree)[1]
    credits = [value for key, value in holder.items() if key in _CREDIT_KEYS]
    return list(dict.fromkeys(_credited(credits)))


def _longest(tree: HtmlElement) -> tuple[list[str], dict[str, Any]]:
    """The longest article the page's data carries and the object holding it."""
    best: tuple[list[str], dict[str, Any]] = ([], {})
    for data in _page_data(tree):
        for paragraphs, holder in _articles(data):
            if sum(map(len, paragraphs)) > sum(map(len, best[0])):
                best = (paragraphs, holder)
    return best


def _credited(node: Any) -> Iterator[str]:
    """The writers a credit names: a string, a credit's byline (else its
    name), or those of a list or of a credits object's entries."""
    if isinstance(node, str):
        if node.strip():
            yield node.strip()
    elif isinstance(node, list):
        for item in node:
            yield from _credited(item)
    elif isinstance(node, dict):
        named = next(filter(None, (_said(node, key) for key in _NAME_KEYS)), None)
        if named:
            yield named
        else:
            for key, value in node.items():
                if key in _CREDIT_KEYS:
                    yield from _credited(value)


def _said(node: dict[str, Any], key: str) -> str | None:
    """The string under ``key`` in ``node`` or in the objects it holds
    (a credit's printed byline may sit in its properties), or None."""
    stack = [node]
    while stack:
        found = stack.pop()
        value = found.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        stack.extend(item for item in found.values() if isinstance(item, dict))
    return None


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


def _articles(data: Any) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """The article-like texts inside ``data`` (see the module doc), each with
    the object holding it."""
    stack: list[tuple[Any, dict[str, Any]]] = [(data, {})]
    while stack:
        node, holder = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in _BODY_KEYS and isinstance(value, str) and len(value) >= _BODY_MIN:
                    yield _lines(value), node
                elif isinstance(value, dict | list):
                    stack.append((value, node))
        elif isinstance(node, list):
            texts = [
                item["content"]
                for item in node
                if isinstance(item, dict)
                and item.get("type") == "text"
                and isinstance(item.get("content"), str)
            ]
            if texts:
                yield [line for text in texts for line in _lines(text)], holder
            stack.extend((item, holder) for item in node if isinstance(item, dict | list))


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
