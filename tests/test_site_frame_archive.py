"""A site's frame in the archive, on SQLite and PostgreSQL: its versions
(learned from the site's captures, a new one only when it grew), the
articles of the run that archived them extracted again without its blocks,
``scrapy sites SITE`` showing it and ``scrapy reextract`` applying it; and a
new site's first crawl (its list URL alone) whose articles are archived
clean before the run ends."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.archiving import frame_learning
from crawler.archiving.frame_learning import LEARNED_FROM, RELEARN_EVERY, due
from pipelines.article_page import extract_and_fingerprint
from pipelines.site_frame import MIN_PAGES
from sample_portal import SamplePortal, serve
from sample_portal.article_skins import ArticleSkin, GeneratedPage, Parts
from sample_portal.generic import CONTACT_ROW
from storage.archive import Archive, RunCounts
from storage.models import Article
from storage.site_frames import Frame, in_force, record
from tests.conftest import FAST, scrapy
from tests.test_storage import capture

SITE = "skinsite"
SKIN = ArticleSkin.from_seed(4)
PAGES = 8


def _archive_pages(archive: Archive, pages: list[GeneratedPage]) -> int:
    """Archive ``pages`` as a crawl without a frame does; the run's id."""
    site_id = archive.site_id(SITE, None, "http://127.0.0.1/a4/list.php?page={page}")
    run_id = archive.start_run(site_id, "daily", None, None)
    for page in pages:
        found = extract_and_fingerprint(page.body, page.content_type, page.url, None)
        assert isinstance(found, tuple), found
        extracted, fingerprint = found
        row = Article(
            site_id=site_id,
            url=page.url,
            title=extracted.title,
            author=extracted.author,
            published=extracted.published,
            body=extracted.body,
            content_hash=fingerprint.content_hash,
            minhash=fingerprint.signature,
            extractor_version=extracted.extractor_version,
        )
        stored = capture(site_id, run_id, page.url, body=page.body, content_type=page.content_type)
        archive.save_page(stored, row, fingerprint)
    archive.finish_run(run_id, "finished", RunCounts())
    return run_id


def _leaking(archive: Archive, pages: list[GeneratedPage]) -> int:
    gold = {page.url: page.gold for page in pages}
    with archive.sessions() as session:
        stored = session.scalars(select(Article)).all()
        return sum(bool(gold[article.url].leaks(article.body)) for article in stored)


def test_frame_versions_and_the_runs_articles_extracted_again(
    database_url: str, tmp_path: Path
) -> None:
    pages = [SKIN.page(number, Parts(site_blocks=True)) for number in range(1, PAGES + 1)]
    archive = Archive.open(database_url)
    try:
        assert in_force(archive.engine, SITE).version == 0
        run_id = _archive_pages(archive, pages)
        assert _leaking(archive, pages) == PAGES

        relearned = frame_learning.relearn(archive.engine, SITE, run_id)
        assert (relearned.version, relearned.reextracted) == (1, PAGES)
        assert relearned.added == len(relearned.blocks) > 0
        assert _leaking(archive, pages) == 0
        frame = in_force(archive.engine, SITE)
        assert (frame.version, frame.blocks, frame.pages) == (1, relearned.blocks, PAGES)

        # nothing new: the version in force stays; a grown frame is the next version
        assert frame_learning.relearn(archive.engine, SITE, run_id).added == 0
        assert record(archive.engine, SITE, frame.blocks | {"text\tbody/p\tx"}, PAGES) == 2
        assert in_force(archive.engine, SITE).version == 2

        sites = tmp_path / "sites.yaml"
        sites.write_text("[]\n", encoding="utf-8")
        shown = scrapy("sites", SITE, database_url=database_url, sites_file=sites)
        assert shown.returncode == 0, shown.stderr
        assert f"{SITE}: frame version 2, learned from {PAGES} pages" in shown.stdout
        assert "shape" in shown.stdout and "text" in shown.stdout

        done = scrapy("reextract", "--all", "--workers", "0", database_url=database_url,
                      sites_file=sites)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert f"re-extracted {PAGES} articles" in done.stdout
        assert _leaking(archive, pages) == 0
    finally:
        archive.close()


def test_too_few_pages_learn_no_frame(database_url: str) -> None:
    pages = [SKIN.page(number, Parts(site_blocks=True)) for number in range(1, MIN_PAGES)]
    archive = Archive.open(database_url)
    try:
        run_id = _archive_pages(archive, pages)
        assert frame_learning.relearn(archive.engine, SITE, run_id).version == 0
        assert _leaking(archive, pages) == len(pages)
    finally:
        archive.close()


@pytest.mark.parametrize("posts", [10, LEARNED_FROM + 15])
def test_a_new_sites_first_run_ends_with_its_articles_extracted_without_its_frame(
    database_url: str, tmp_path: Path, posts: int
) -> None:
    """A blog whose posts end with its own blocks (its picks, a button bar,
    a contact row), given by its list URL alone: the frame is learned from the
    pages the run fetched, and the run's articles are extracted again; from
    ``LEARNED_FROM`` posts on, the run learns it from its first pages, reads
    those again with it at once (they come within ``run_frame.READ_WAIT`` of
    each other) and the rest with it, so that none is extracted again at its
    end (or only those of its first pages that waited longer)."""
    portal = SamplePortal(articles_per_site=posts, sites=["generic"], own_blocks=True)
    with serve(portal) as base_url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        done = scrapy("crawl", "portal", "-a", "site=generic", *FAST,
                      database_url=database_url, sites_file=sites)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    written = portal.articles("generic")
    assert "generic: frame version 1" in done.stderr
    again = re.search(r"blocks; (\d+) articles extracted again", done.stderr)
    assert again is not None, done.stderr[-3000:]
    if posts < LEARNED_FROM:
        assert int(again[1]) == len(written)
    else:
        assert int(again[1]) < LEARNED_FROM
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            stored = session.scalars(select(Article)).all()
            bodies = {article.url.split("127.0.0.1", 1)[-1]: article.body for article in stored}
    finally:
        archive.close()
    assert len(bodies) == len(written) >= posts
    for article in written:
        body = next(text for url, text in bodies.items() if url.endswith(article.path))
        assert CONTACT_ROW not in body and "글자 크게" not in body
        assert article.paragraphs[-1] in body and article.paragraphs[0] in body


def test_a_grown_frame_is_learned_again_each_time_the_site_passes_more_articles() -> None:
    young = Frame(1, frozenset(), LEARNED_FROM - 1)
    grown = Frame(2, frozenset(), LEARNED_FROM)
    assert due(young, 500, 3)
    assert not due(grown, RELEARN_EVERY + 30, 30)
    assert due(grown, RELEARN_EVERY + 10, 30)
