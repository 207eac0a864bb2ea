"""Per-site boilerplate learned from the archive: what is learned and what is
never cut (a series' standing sentence, a city's name, a re-posted lead), and
ten articles of one site ending in the same two promo lines, on SQLite and
PostgreSQL: the lines leave the stored articles when the site's boilerplate
is learned (at the end of a crawl of the sample portal, or by ``scrapy
reextract``), stay out when ``reextract`` re-reads the earliest pages, and a
later page never has them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.archiving.boilerplate_learning import relearn
from crawler.archiving.extract_pipeline import ExtractPipeline
from crawler.extraction_service import ExtractionService
from pipelines.article_page import extract_and_fingerprint
from pipelines.boilerplate import StoredStory, learn, line_key, strip
from pipelines.extraction import EXTRACTOR_VERSION
from sample_portal import SamplePortal, serve
from sample_portal.content import Newsroom
from storage.archive import Archive, RunCounts
from storage.models import Article
from storage.site_boilerplate import in_force
from storage.types import SEOUL
from tests.conftest import FAST, scrapy
from tests.test_storage import capture

SITE = "dkfocus"
PROMO = (
    "오늘도 대경포커스와 함께해 주셔서 고맙습니다.",
    "대경포커스 독자위원회는 매달 첫째 주 월요일에 열립니다.",
)
SERIES = "'골목 상권을 가다'는 격주로 이어집니다."
START = datetime(2024, 3, 1, 10, 0, tzinfo=SEOUL)


def story(day: int, paragraphs: tuple[str, ...]) -> StoredStory:
    return StoredStory(START + timedelta(days=day), paragraphs)


def own_text(count: int) -> list[tuple[str, ...]]:
    """``count`` generated articles' paragraphs (the sample portal's newsroom)."""
    newsroom = Newsroom(3)
    return [newsroom.story("generic", START + timedelta(days=n)).paragraphs for n in range(count)]


def test_two_lines_ending_ten_articles_are_learned_and_taken_off() -> None:
    stories = [story(n, (*text, *PROMO)) for n, text in enumerate(own_text(10))]
    learned = learn(stories)
    assert learned == {line_key(line) for line in PROMO}
    for text, stored in zip(own_text(10), stories, strict=True):
        assert strip(stored.paragraphs, learned) == text


def test_copyright_lines_of_other_years_are_one_line() -> None:
    stories = [
        story(n * 40, (*text, f"ⓒ {2020 + n} 대경포커스 All rights reserved"))
        for n, text in enumerate(own_text(8))
    ]
    (learned,) = learn(stories)
    assert strip(
        ("본문입니다.", "ⓒ 2031 대경포커스 All rights reserved"), frozenset({learned})
    ) == ("본문입니다.",)


def test_a_series_standing_sentence_is_kept() -> None:
    """A biweekly series ends with its standing sentence: 1 story in 10 (it
    recurs over weeks, at the end, but in few of the site's stories)."""
    texts = own_text(40)
    stories = [story(n, (*text, SERIES) if n % 10 == 3 else text) for n, text in enumerate(texts)]
    assert line_key(SERIES) not in learn(stories)


def test_a_city_name_is_kept() -> None:
    """A bare city name ends most of a site's stories (a dateline), and is a
    word of their sentences: it is text, not the site's template."""
    texts = own_text(20)
    city = texts[0][0].split()[0].removesuffix("는")
    assert any(city in p for text in texts[1:] for p in text)
    stories = [story(n, (*text, city)) for n, text in enumerate(texts)]
    assert line_key(city) not in learn(stories)


def test_the_lead_of_a_re_posted_story_is_kept() -> None:
    """A short story re-posted seven times in three days, its rest rewritten
    each time (so not linked as copies): its lead recurs, ending the body."""
    texts = own_text(30)
    lead = "전주시는 5일 시청 브리핑룸에서 올해 첫 추가경정예산안을 발표했다."
    reposts = [
        StoredStory(START + timedelta(days=4, hours=10 * n), (lead, texts[n][-1])) for n in range(7)
    ]
    stories = [story(n, text) for n, text in enumerate(texts[7:])] + reposts
    assert line_key(lead) not in learn(stories)
    assert strip((lead,), frozenset({line_key(lead)})) == (lead,)  # never the lead


def page(title: str, published: datetime, paragraphs: tuple[str, ...]) -> bytes:
    """An article page of a portal no family knows (generic markup)."""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<title>{escape(title)} - 대경포커스</title>
<meta property="article:published_time" content="{published.isoformat()}"></head><body>
<header><nav><a href="/">홈</a> <a href="/news">뉴스</a></nav></header>
<main><article><h1>{escape(title)}</h1><p class="byline">홍길동 기자</p>
<div class="article-text">{body}</div></article></main>
<footer><p>대경포커스 | 대구광역시 중구 국채보상로</p></footer></body></html>""".encode()


def crawl_pages(archive: Archive, first: int, count: int, lines: frozenset[str]) -> None:
    """Archive ``count`` articles of the site as a crawl does (extraction given
    the site's boilerplate ``lines`` in force), one a day: every one ends in
    the two promo lines, two in ten end the series before them."""
    newsroom = Newsroom(3)
    site_id = archive.site_id(SITE, None, "http://dkfocus.example/news?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    for n in range(first, first + count):
        published = START + timedelta(days=n)
        written = newsroom.story("generic", published)
        series = (SERIES,) if n % 5 == 2 else ()
        html = page(written.title, published, (*written.paragraphs, *series, *PROMO))
        url = f"http://dkfocus.example/news/{n}"
        result = extract_and_fingerprint(html, "text/html; charset=utf-8", url, None, lines)
        assert not isinstance(result, str), result
        extracted, found = result
        row = Article(
            site_id=site_id,
            url=url,
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            body=extracted.body,
            content_hash=found.content_hash,
            minhash=found.signature,
            extractor_version=extracted.extractor_version,
        )
        archive.save_page(capture(site_id, run_id, url, body=html), row, found)
    archive.finish_run(run_id, "finished", RunCounts())


def bodies(archive: Archive) -> dict[str, Article]:
    with archive.sessions() as session:
        return {a.url: a for a in session.scalars(select(Article).order_by(Article.id))}


def test_promo_lines_leave_every_article_of_the_site(database_url: str, tmp_path: Path) -> None:
    archive = Archive.open(database_url)
    try:
        crawl_pages(archive, 0, 10, frozenset())  # a new site: nothing learned yet
        assert all(PROMO[0] in a.body and PROMO[1] in a.body for a in bodies(archive).values())

        # what the end of the crawl runs (crawler/commands/crawl.py)
        relearned = relearn(archive.engine, SITE)
        assert (relearned.version, relearned.added, relearned.cleaned) == (1, 2, 10)
        stored = bodies(archive)
        assert not any(line in a.body for a in stored.values() for line in PROMO)
        assert sum(a.body.endswith(SERIES) for a in stored.values()) == 2

        # re-extraction from the raw pages: the learned set is given to extraction
        sites = tmp_path / "sites.yaml"
        sites.write_text("[]\n", encoding="utf-8")
        done = scrapy("reextract", "--all", "--workers", "0", database_url=database_url,
                      sites_file=sites)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "re-extracted 10 articles" in done.stdout
        stored = bodies(archive)
        assert all(a.extractor_version == EXTRACTOR_VERSION for a in stored.values())
        assert not any(line in a.body for a in stored.values() for line in PROMO)
        assert sum(a.body.endswith(SERIES) for a in stored.values()) == 2

        # the next crawl extracts with the set in force, read as the pipeline reads it
        extraction = ExtractionService(workers=0)
        lines = ExtractPipeline(
            extraction, lambda site: in_force(archive.engine, site).lines
        ).site_boilerplate(SITE)
        extraction.close()
        assert lines == in_force(archive.engine, SITE).lines
        crawl_pages(archive, 10, 2, lines)
        assert not any(line in a.body for a in bodies(archive).values() for line in PROMO)
        assert relearn(archive.engine, SITE).added == 0  # nothing new: version 1 stays
    finally:
        archive.close()


def test_reextract_learns_a_sites_boilerplate_and_cleans_the_earliest_articles(
    database_url: str, tmp_path: Path
) -> None:
    """An archive whose site was never learned (made before this feature):
    ``scrapy reextract`` learns it, and its articles lose the lines."""
    archive = Archive.open(database_url)
    try:
        crawl_pages(archive, 0, 10, frozenset())
        sites = tmp_path / "sites.yaml"
        sites.write_text("[]\n", encoding="utf-8")
        done = scrapy("reextract", "--site", SITE, "--workers", "0", database_url=database_url,
                      sites_file=sites)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"{SITE}: boilerplate version 1 learned, 2 new lines" in done.stdout
        stored = bodies(archive)
        assert not any(line in a.body for a in stored.values() for line in PROMO)
        assert sum(a.body.endswith(SERIES) for a in stored.values()) == 2
    finally:
        archive.close()


@pytest.mark.parametrize("site", ["gnuboard", "generic"])
def test_a_new_sites_first_crawl_ends_with_its_promo_lines_taken_out(
    database_url: str, tmp_path: Path, site: str
) -> None:
    """Ten articles of a new site, every page ending in the same two promo
    lines: at the end of its first crawl no archived article has them."""
    portal = SamplePortal(articles_per_site=10, sites=[site], template_lines=PROMO)
    with serve(portal) as base_url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        done = scrapy("crawl", "portal", "-a", f"site={site}", *FAST,
                      database_url=database_url, sites_file=sites)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    written = portal.articles(site)
    assert f"{site}: boilerplate version 1, 2 new lines; taken out of {len(written)}" in done.stderr
    archive = Archive.open(database_url)
    try:
        stored = bodies(archive)
    finally:
        archive.close()
    assert len(stored) == len(written) >= 10
    assert not any(line in a.body for a in stored.values() for line in PROMO)
    # each article still ends with its own last paragraph
    endings = {article.paragraphs[-1] for article in written}
    assert {a.body.split("\n\n")[-1] for a in stored.values()} == endings


def test_a_long_first_crawl_learns_its_promo_lines_as_it_goes(
    database_url: str, tmp_path: Path
) -> None:
    """Ninety articles of a new site, every page ending in the same two promo
    lines, learned after the first twenty are stored: those twenty lose them
    then (and those stored meanwhile: the run's first thirty, which wait for
    the frame they teach, come to the archive together), the next ones are
    stored without them, and the run's end has none left to take out."""
    site = "gnuboard"
    portal = SamplePortal(articles_per_site=90, sites=[site], template_lines=PROMO)
    with serve(portal) as base_url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        done = scrapy("crawl", "portal", "-a", f"site={site}", *FAST,
                      "-s", "BOILERPLATE_LEARN_AFTER=20", "-s", "LOG_LEVEL=INFO",
                      database_url=database_url, sites_file=sites)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    learned = re.search(
        rf"{site}: boilerplate version 1 learned after 20 articles, 2 new lines;"
        r" taken out of (\d+) articles",
        done.stderr,
    )
    assert learned is not None, done.stderr[-3000:]
    # the first twenty, and those written meanwhile: not all
    assert 20 <= int(learned[1]) < len(portal.articles(site))
    assert "taken out of" not in done.stderr[learned.end() :]  # nothing left at the end
    written = portal.articles(site)
    archive = Archive.open(database_url)
    try:
        stored = bodies(archive)
    finally:
        archive.close()
    assert len(stored) == len(written) >= 90
    assert not any(line in a.body for a in stored.values() for line in PROMO)
    endings = {article.paragraphs[-1] for article in written}
    assert {a.body.split("\n\n")[-1] for a in stored.values()} == endings
