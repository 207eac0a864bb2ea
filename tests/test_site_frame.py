"""A site's frame learned across its pages (``pipelines.site_frame``), on
generated article pages (``sample_portal.article_skins``) that show blocks no
per-page rule catches (a box of the site's picks, a share bar, a contact row
in the site's own wording): learned from some pages and taken off others; the
article's own text never (a series' standing sentence, a lead two re-posted
stories share, a city's name, a short body); every class renamed, the same
frame."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pytest

from pipelines.article_page import extract_and_fingerprint
from pipelines.extraction import ExtractedArticle
from pipelines.paragraphs import letters
from pipelines.site_frame import MIN_PAGES, describe, learn, page_tree
from sample_portal.article_skins import ArticleSkin, GeneratedPage, Parts

SEEDS = (0, 1, 4, 7, 11, 14, 19, 22)
LEARNED_FROM = range(1, 9)  # the pages the frame is learned from
READ = (9, 10)  # pages read with it, not learned from
WITH_SITE_BLOCKS = Parts(site_blocks=True)
PLAIN_SEED = 16  # blocks of <p> paragraphs, UTF-8, a side menu
SERIES = "‘우리 동네 사람들’은 격주로 이웃의 삶을 전하는 연재입니다."

Edit = Callable[[int, str, GeneratedPage], str]


def _read(page: GeneratedPage, frame: frozenset[str] = frozenset()) -> ExtractedArticle:
    found = extract_and_fingerprint(page.body, page.content_type, page.url, None, site_frame=frame)
    assert isinstance(found, tuple), found
    return found[0]


def _learned(pages: list[GeneratedPage]) -> frozenset[str]:
    return learn(page_tree(page.body, page.content_type) for page in pages)


@pytest.mark.parametrize("seed", SEEDS)
def test_the_sites_own_blocks_are_learned_and_taken_off_pages_not_learned_from(seed: int) -> None:
    skin = ArticleSkin.from_seed(seed)
    frame = _learned([skin.page(number, WITH_SITE_BLOCKS) for number in LEARNED_FROM])
    assert any(block.kind == "shape" for block in describe(frame))
    for number in READ:
        page = skin.page(number, WITH_SITE_BLOCKS)
        assert page.gold.leaks(_read(page).body), "a per-page rule caught them: no test"
        article = _read(page, frame)
        assert not page.gold.leaks(article.body), number
        assert letters(article.paragraphs) == letters(page.gold.lines), number
        gold = page.gold
        assert (article.title, article.published, article.author) == (
            gold.title,
            gold.published,
            gold.author,
        )


def test_no_frame_is_learned_from_too_few_pages() -> None:
    skin = ArticleSkin.from_seed(PLAIN_SEED)
    pages = [skin.page(number, WITH_SITE_BLOCKS) for number in range(1, MIN_PAGES)]
    assert _learned(pages) == frozenset()


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_renamed_classes_learn_the_same_frame(seed: int) -> None:
    skin = ArticleSkin.from_seed(seed)
    renamed = skin.renamed(seed + 7)
    original = _learned([skin.page(number, WITH_SITE_BLOCKS) for number in LEARNED_FROM])
    assert _learned([renamed.page(n, WITH_SITE_BLOCKS) for n in LEARNED_FROM]) == original


def _edited(edit: Edit) -> list[GeneratedPage]:
    """The plain skin's pages 1-10 (no site blocks), their HTML changed by ``edit``."""
    skin = ArticleSkin.from_seed(PLAIN_SEED)
    edited = []
    for number in range(1, 11):
        page = skin.page(number)
        html = edit(number, page.body.decode(skin.encoding), page)
        body = html.encode(skin.encoding)
        edited.append(GeneratedPage(page.url, body, page.content_type, page.gold))
    return edited


def _lead(page: GeneratedPage) -> str:
    return f"<p>{escape(page.gold.lines[0])}</p>"


def _assert_kept(pages: list[GeneratedPage], kept: str) -> None:
    """The frame learned from ``pages`` changes none of their articles, and
    ``kept`` stays in them."""
    frame = _learned(pages)
    assert frame, "the site's menu and footer are learned"
    assert not any(letters([kept]) in letters([block.what]) for block in describe(frame))
    bodies = []
    for page in pages:
        article = _read(page, frame)
        assert article == _read(page)
        bodies.append(article.body)
    assert any(letters([kept]) in letters([body]) for body in bodies)


def test_a_series_standing_sentence_is_kept() -> None:
    def standing(number: int, html: str, page: GeneratedPage) -> str:
        series = f"<p>{escape(SERIES)}</p>\n" if number % 10 < 7 else ""
        return html.replace(_lead(page), f"{series}{_lead(page)}")

    _assert_kept(_edited(standing), SERIES)


def test_the_lead_two_re_posted_stories_share_is_kept() -> None:
    first = ArticleSkin.from_seed(PLAIN_SEED).page(1)

    def reposted(number: int, html: str, page: GeneratedPage) -> str:
        return html.replace(_lead(page), _lead(first)) if number == 2 else html

    _assert_kept(_edited(reposted), first.gold.lines[0])


def test_a_city_name_heading_the_stories_is_kept() -> None:
    first = ArticleSkin.from_seed(PLAIN_SEED).page(1)
    city = first.gold.lines[0].split()[0].removesuffix("는")

    def dateline(number: int, html: str, page: GeneratedPage) -> str:
        return html.replace(_lead(page), f"<p>{escape(city)}</p>\n{_lead(page)}")

    _assert_kept(_edited(dateline), city)


def test_a_short_body_is_kept() -> None:
    def short(number: int, html: str, page: GeneratedPage) -> str:
        notice = f"<p>{escape(f'시립도서관 {number}월 {number + 9}일 임시 휴관 안내')}</p>"
        body = "\n".join(f"<p>{escape(line)}</p>" for line in page.gold.lines)
        return html.replace(body, notice)

    _assert_kept(_edited(short), "시립도서관 3월 12일 임시 휴관 안내")
