"""Generated article pages (``sample_portal.article_skins``) read through the
page room's entry point, family detected, against their gold: title, time,
author and body lines, no line of the frame in the body; and metamorphic
checks (a comment section or a box added or removed, every class renamed:
the article does not change)."""

from __future__ import annotations

from functools import cache

import pytest

from pipelines.article_page import extract_and_fingerprint
from pipelines.extraction import ExtractedArticle
from pipelines.paragraphs import letters
from sample_portal.article_skins import ArticleSkin, GeneratedPage, Parts

SEEDS = range(48)
PAGES = (1, 2)
WHOLE = Parts()


@cache
def _page(seed: int, number: int, parts: Parts = WHOLE) -> GeneratedPage:
    return ArticleSkin.from_seed(seed).page(number, parts)


def _read(page: GeneratedPage) -> ExtractedArticle:
    found = extract_and_fingerprint(page.body, page.content_type, page.url, None)
    assert isinstance(found, tuple), found
    return found[0]


@cache
def _article(seed: int, number: int, parts: Parts = WHOLE) -> ExtractedArticle:
    return _read(_page(seed, number, parts))


def test_skins_vary_what_they_test() -> None:
    skins = [ArticleSkin.from_seed(seed) for seed in SEEDS]
    for attribute in ("layout", "body_form", "byline", "date_form", "encoding", "title_tag"):
        assert len({getattr(skin, attribute) for skin in skins}) > 1, attribute
    for attribute in ("comments", "box", "menu_heading", "generic_title"):
        assert any(getattr(skin, attribute) for skin in skins), attribute


def test_gold_holds_the_page_text() -> None:
    page = _page(3, 1)
    text = page.body.decode(ArticleSkin.from_seed(3).encoding)
    assert page.gold.title in text
    assert all(line in text for line in page.gold.lines)
    assert page.gold.frame and not page.gold.leaks("\n".join(page.gold.lines))


@pytest.mark.parametrize("seed", SEEDS)
def test_title_and_time_are_the_posts(seed: int) -> None:
    for number in PAGES:
        article, gold = _article(seed, number), _page(seed, number).gold
        assert article.published == gold.published, number
        assert article.title == gold.title, number


@pytest.mark.parametrize("seed", SEEDS)
def test_no_frame_line_in_the_body_and_the_author_is_the_writers(seed: int) -> None:
    """Comments, boxes, label rows and hidden headings stay out; a 작성자 row
    naming a person is the byline, a department names none."""
    for number in PAGES:
        article, gold = _article(seed, number), _page(seed, number).gold
        assert article.author == gold.author, number
        assert not gold.leaks(article.body), number
        assert letters(article.paragraphs) == letters(gold.lines), number


@pytest.mark.parametrize("seed", [seed for seed in SEEDS if seed % 3 == 0])
def test_comments_and_boxes_do_not_change_the_article(seed: int) -> None:
    whole = _article(seed, 1)
    for parts in (Parts(comments=False), Parts(box=False), Parts(comments=False, box=False)):
        assert _article(seed, 1, parts) == whole, parts


@pytest.mark.parametrize("seed", [seed for seed in SEEDS if seed % 3 == 1])
def test_renamed_classes_do_not_change_the_article(seed: int) -> None:
    renamed = ArticleSkin.from_seed(seed).renamed(seed + 7)
    assert _read(renamed.page(1)) == _article(seed, 1)
