"""Extraction against the fixtures: real-skin article pages of every family
(``tests/fixtures/<family>/<case>/``: the page's bytes as served, its URL and
content type, and the article an archivist expects from it)."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from pipelines import families
from pipelines.decoding import decode_html
from pipelines.extraction import extract_article
from tests.fixtures import Fixture, all_fixtures

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


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_fixture_is_extracted_exactly(case: Fixture) -> None:
    article = extract_article(case.body, case.content_type, case.url, case.family)
    expected = case.expected
    assert article.title == expected["title"]
    assert article.author == expected["author"]
    assert article.published == case.published
    assert article.published.utcoffset().total_seconds() == 9 * 3600
    assert list(article.paragraphs) == expected["paragraphs"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_family_and_layout_are_recognised_from_the_page(case: Fixture) -> None:
    tree = document_fromstring(decode_html(case.body, case.content_type).text)
    family = families.detect(tree)
    assert family.name == case.family
    assert family.read_article(tree).layout == case.expected["layout"]
    detected = extract_article(case.body, case.content_type, case.url, None)
    assert detected == extract_article(case.body, case.content_type, case.url, case.family)
