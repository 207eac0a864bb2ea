"""Metamorphic tests over every fixture: a change of markup that a portal's
editor or skin might make leaves the extracted body as it was (or as it was
without the noise the change adds).

Each perturbation finds the article's lead element in the page (the element
that holds the expected first paragraph) and rewrites the markup around it:
paragraphs wrapped in another ``<div>`` or unwrapped to ``<br>``-separated
text, a bare-text lead wrapped in a ``<p>``, the lead moved out to bare
text, an empty-caption photo put before the lead, two promo lines appended,
the class names in the body renamed.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from lxml.html import HtmlElement, fragment_fromstring, tostring

from pipelines import pages
from pipelines.decoding import decode_html
from pipelines.extraction import extract_article
from tests.fixtures import Fixture, all_fixtures

CASES = all_fixtures()
PROMO_LINES = (
    "▶ 경북일보 카카오톡 채널 추가하고 주요 뉴스 받아보기",
    "▶ 제보하기: 전화 054-000-0000 / 이메일 jebo@example.com",
)
_PARAGRAPH_TAGS = ("p", "div")
_TEXT_TAGS = ("p", "div", "span", "td", "li", "font", "b", "strong")


def _squash(text: str) -> str:
    return " ".join(text.split())


def _holder(tree: HtmlElement, paragraph: str) -> HtmlElement | None:
    """The innermost element whose own text holds ``paragraph`` (after a
    byline, perhaps), and little else."""
    found = None
    for element in tree.iter(*_TEXT_TAGS):
        text = _squash(element.text_content())
        if paragraph in text and len(text) <= len(paragraph) + 80:
            found = element if found is None or _inside(element, found) else found
    return found


def _inside(element: HtmlElement, other: HtmlElement) -> bool:
    return any(ancestor is other for ancestor in element.iterancestors())


def _paragraph_elements(tree: HtmlElement, case: Fixture) -> list[HtmlElement]:
    """The ``<p>`` elements that hold expected paragraphs, each once, in order."""
    found: list[HtmlElement] = []
    for paragraph in case.expected["paragraphs"]:
        element = _holder(tree, paragraph)
        if _is_paragraph(element) and element not in found:
            found.append(element)
    return found


def _is_paragraph(element: HtmlElement | None) -> bool:
    """A ``<p>``, or a ``<div>`` holding a line of text (not a container with an id)."""
    if element is None or element.tag not in _PARAGRAPH_TAGS or element.get("id"):
        return False
    return not any(child.tag in ("p", "div", "table", "ul", "figure") for child in element)


def wrap(tree: HtmlElement, case: Fixture) -> bool:
    """Each paragraph wrapped in a ``<div>`` of its own."""
    elements = _paragraph_elements(tree, case)
    for element in elements:
        box = fragment_fromstring("<div></div>")
        element.addprevious(box)
        box.append(element)  # moves the element (and its tail) into the box
        box.tail, element.tail = element.tail, None
    return bool(elements)


def unwrap(tree: HtmlElement, case: Fixture) -> bool:
    """``<p>A</p><p>B</p>`` -> ``A<br><br>B<br><br>``."""
    elements = _paragraph_elements(tree, case)
    for element in elements:
        element.append(fragment_fromstring("<br>"))
        element.append(fragment_fromstring("<br>"))
        element.drop_tag()
    return bool(elements)


def bare_lead_wrapped(tree: HtmlElement, case: Fixture) -> bool:
    """A lead written as bare text (``<div>lead<br>...``) wrapped in a ``<p>``."""
    lead = case.expected["paragraphs"][0]
    for element in tree.iter(*_TEXT_TAGS, "article", "section"):
        if element.tag == "p":
            continue
        if lead in _squash(element.text or ""):
            wrapped = fragment_fromstring("<p></p>")
            wrapped.text, element.text = element.text, None
            element.insert(0, wrapped)
            return True
        for child in element:
            if lead in _squash(child.tail or ""):
                wrapped = fragment_fromstring("<p></p>")
                wrapped.text, child.tail = child.tail, None
                child.addnext(wrapped)
                return True
    return False


def lead_as_bare_text(tree: HtmlElement, case: Fixture) -> bool:
    """The lead paragraph as text straight in the container, before the next element."""
    lead = _holder(tree, case.expected["paragraphs"][0])
    if lead is None or not _is_paragraph(lead):
        return False
    lead.append(fragment_fromstring("<br>"))
    lead.drop_tag()
    return True


def empty_caption_photo_first(tree: HtmlElement, case: Fixture) -> bool:
    """A photo whose caption is empty, right before the lead."""
    lead = _holder(tree, case.expected["paragraphs"][0])
    if lead is None:
        return False
    figure = fragment_fromstring(
        "<figure><img src='/data/photo/lead.jpg' alt=''><figcaption> </figcaption></figure>"
    )
    lead.addprevious(figure)
    return True


def promo_lines_appended(tree: HtmlElement, case: Fixture) -> bool:
    """Two promo lines after the last paragraph."""
    last = _holder(tree, case.expected["paragraphs"][-1])
    if last is None:
        return False
    for line in reversed(PROMO_LINES):
        promo = fragment_fromstring(f"<p>{line}</p>")
        promo.tail, last.tail = last.tail, None
        last.addnext(promo)
    return True


def classes_renamed(tree: HtmlElement, case: Fixture) -> bool:
    """Every class name inside the body's container renamed."""
    lead = _holder(tree, case.expected["paragraphs"][0])
    if lead is None or lead.getparent() is None:
        return False
    container = lead.getparent()
    renamed = False
    for number, element in enumerate(container.iterdescendants()):
        if isinstance(element.tag, str) and element.get("class"):
            element.set("class", f"x{number}")
            renamed = True
    return renamed


Perturbation = Callable[[HtmlElement, Fixture], bool]
PERTURBATIONS: tuple[Perturbation, ...] = (
    wrap,
    unwrap,
    bare_lead_wrapped,
    lead_as_bare_text,
    empty_caption_photo_first,
    promo_lines_appended,
    classes_renamed,
)


def _perturbed() -> list[tuple[Fixture, str, bytes]]:
    """Each fixture under each perturbation that has something to change on it."""
    pages_ = []
    for case in CASES:
        for perturb in PERTURBATIONS:
            tree = pages.html_tree(decode_html(case.body, case.content_type).text)
            if perturb(tree, case):
                pages_.append((case, perturb.__name__, tostring(tree, encoding="utf-8")))
    return pages_


PERTURBED = _perturbed()


def test_every_perturbation_applies_to_many_fixtures() -> None:
    for perturb in PERTURBATIONS:
        applied = [case for case, name, _ in PERTURBED if name == perturb.__name__]
        assert len(applied) >= len(CASES) // 5, perturb.__name__
    for case in CASES:
        assert sum(1 for applied, _, _ in PERTURBED if applied is case) >= 1, case.id


@pytest.mark.parametrize(
    ("case", "perturbation", "page"),
    PERTURBED,
    ids=[f"{case.id}-{name}" for case, name, _ in PERTURBED],
)
def test_a_change_of_markup_leaves_the_body(case: Fixture, perturbation: str, page: bytes) -> None:
    article = extract_article(page, "text/html; charset=utf-8", case.url, case.family)
    assert list(article.paragraphs) == case.expected["paragraphs"], perturbation
