"""Extraction against the fixtures: real-skin article pages of every family
(``tests/fixtures/<family>/<case>/``: the page's bytes as served, its URL and
content type, and the article an archivist expects from it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from lxml.html import document_fromstring

from crawler import families
from pipelines.decoding import decode_html
from pipelines.extraction import extract_article

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True)
class Fixture:
    """One fixture case: the response and the expected article."""

    family: str
    name: str
    body: bytes
    url: str
    content_type: str | None
    expected: dict

    @classmethod
    def load(cls, folder: Path) -> Fixture:
        response = json.loads((folder / "response.json").read_text(encoding="utf-8"))
        return cls(
            family=folder.parent.name,
            name=folder.name,
            body=(folder / "page.html").read_bytes(),
            url=response["url"],
            content_type=response["content_type"],
            expected=json.loads((folder / "expected.json").read_text(encoding="utf-8")),
        )


def all_fixtures() -> list[Fixture]:
    return [Fixture.load(page.parent) for page in sorted(FIXTURES.glob("*/*/page.html"))]


CASES = all_fixtures()


def test_the_fixtures_cover_every_family_and_layout() -> None:
    assert len(CASES) >= 40
    layouts = {(case.family, case.expected["layout"]) for case in CASES}
    assert {family for family, _ in layouts} == set(families.FAMILY_NAMES)
    assert len(layouts) >= 6
    # the table skin is served as EUC-KR / CP949 bytes
    assert all(
        decode_html(case.body, case.content_type).encoding == "cp949"
        for case in CASES
        if case.expected["layout"] == "table"
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.family}/{case.name}")
def test_fixture_is_extracted_exactly(case: Fixture) -> None:
    article = extract_article(case.body, case.content_type, case.url, case.family)
    expected = case.expected
    assert article.title == expected["title"]
    assert article.author == expected["author"]
    assert article.published == datetime.fromisoformat(expected["published"])
    assert article.published.utcoffset().total_seconds() == 9 * 3600
    assert list(article.paragraphs) == expected["paragraphs"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.family}/{case.name}")
def test_family_and_layout_are_recognised_from_the_page(case: Fixture) -> None:
    tree = document_fromstring(decode_html(case.body, case.content_type).text)
    family = families.detect(tree)
    assert family.name == case.family
    assert family.read_article(tree).layout == case.expected["layout"]
    detected = extract_article(case.body, case.content_type, case.url, None)
    assert detected == extract_article(case.body, case.content_type, case.url, case.family)
