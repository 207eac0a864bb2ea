"""``scrapy reextract`` over an archive made by an older extractor, on SQLite
and PostgreSQL: bodies change, the new extractor version is recorded, pages
the new extractor cannot read keep their articles, other sites are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from pipelines.decoding import decode_html
from pipelines.extraction import EXTRACTOR_VERSION, extract_article
from pipelines.families import ArticleFields, ArticleLayout
from pipelines.fingerprint import fingerprint
from pipelines.pages import html_tree
from storage.archive import Archive
from storage.models import Article, MinhashBand
from tests.conftest import scrapy
from tests.fixtures import Fixture, all_fixtures
from tests.test_crawl import archived
from tests.test_storage import capture

pytestmark = pytest.mark.e2e  # each test reads what a crawl or a scrapy command made

OLD_VERSION = "1"
GONE = "http://x.example/bbs/board.php?bo_table=news&wr_id=1"
ALERT = '<html><body><script>alert("글이 존재하지 않습니다.");</script></body></html>'.encode()


def stale_archive(database_url: str) -> dict[str, Fixture]:
    """An archive as an older extractor left it: bylines, captions and a body
    printed twice in the stored text, the newspaper's account as the author."""
    cases = {case.id: case for case in all_fixtures()}
    chosen = {
        "gyeongsan": [
            cases["gnuboard5/body-printed-twice"],
            cases["gnuboard5/lead-byline-caption"],
        ],
        "donghae": [cases["articleview/cp949-under-utf8-header"]],
    }
    archive = Archive.open(database_url)
    try:
        runs = {}
        for site, fixtures in chosen.items():
            site_id = archive.site_id(site, fixtures[0].family, "http://x.example/?page={page}")
            run_id = runs[site] = site_id, archive.start_run(site_id, "daily", None, None)
            for fixture in fixtures:
                archive.save_page(
                    capture(
                        *run_id, fixture.url, body=fixture.body, content_type=fixture.content_type
                    ),
                    stale_article(site_id, fixture),
                )
        # a page stored as an article that the new extractor no longer reads as one
        site_id, run_id = runs["gyeongsan"]
        archive.save_page(
            capture(site_id, run_id, GONE, body=ALERT),
            Article(
                site_id=site_id,
                url=GONE,
                title="글이 존재하지 않습니다",
                author=None,
                published=None,
                body="글이 존재하지 않습니다.",
                content_hash="0" * 64,
                extractor_version=OLD_VERSION,
            ),
        )
    finally:
        archive.close()
    return {fixture.url: fixture for fixtures in chosen.values() for fixture in fixtures}


def stale_article(site_id: int, fixture: Fixture) -> Article:
    noisy = [f"[경산신문={fixture.expected['author']} 기자] 본문", *fixture.expected["paragraphs"]]
    return Article(
        site_id=site_id,
        url=fixture.url,
        title=fixture.expected["title"],
        author="경산신문",
        published=fixture.published,
        body="\n\n".join(noisy * 2),
        content_hash="0" * 64,
        extractor_version=OLD_VERSION,
    )


def reextract(database_url: str, tmp_path: Path, *args: str) -> str:
    result = scrapy(
        "reextract", *args, database_url=database_url, sites_file=tmp_path / "sites.yaml"
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def band_keys(database_url: str, article_id: int) -> set[int]:
    archive = Archive.open(database_url)
    with archive.engine.connect() as connection:
        keys = connection.scalars(
            select(MinhashBand.key).where(MinhashBand.article_id == article_id)
        ).all()
    archive.close()
    return set(keys)


def test_reextract_updates_stale_articles(database_url: str, tmp_path: Path) -> None:
    fixtures = stale_archive(database_url)
    before = archived(database_url)

    out = reextract(database_url, tmp_path, "--site", "gyeongsan", "--workers", "1")
    assert out.startswith(
        f"re-extracted 3 articles of site gyeongsan with extractor version {EXTRACTOR_VERSION}: "
        "2 changed, 0 unchanged, 1 kept as they were\n"
    )
    assert f"kept {GONE}: not an article: alert page: 글이 존재하지 않습니다" in out
    after = archived(database_url)
    for url, fixture in fixtures.items():
        stored = after[url]
        if fixture.family == "articleview":  # another site: untouched
            assert (stored.body, stored.extractor_version) == (before[url].body, OLD_VERSION)
            continue
        assert stored.body.split("\n\n") == fixture.expected["paragraphs"]
        assert stored.author == fixture.expected["author"]
        assert stored.extractor_version == EXTRACTOR_VERSION
        fresh = extract_article(fixture.body, fixture.content_type, url, fixture.family)
        assert stored.content_hash == fresh.content_hash != before[url].content_hash
        # the near-duplicate index holds the new body's MinHash, not the old one's
        found = fingerprint(fresh.title, fresh.body)
        assert stored.minhash == found.signature is not None
        assert band_keys(database_url, stored.id) == set(found.band_keys)
    gone = after[GONE]
    assert (gone.body, gone.extractor_version) == ("글이 존재하지 않습니다.", OLD_VERSION)

    out = reextract(database_url, tmp_path, "--workers", "0")
    assert "re-extracted 2 articles" in out and "1 changed, 0 unchanged, 1 kept" in out
    assert archived(database_url)[next(iter(fixtures))].extractor_version == EXTRACTOR_VERSION


def test_only_stale_articles_unless_all(database_url: str, tmp_path: Path) -> None:
    stale_archive(database_url)
    reextract(database_url, tmp_path, "--workers", "0")
    # the page the new extractor cannot read stays stale: it is tried again
    out = reextract(database_url, tmp_path, "--workers", "0")
    assert "re-extracted 1 articles" in out and "0 changed, 0 unchanged, 1 kept" in out
    out = reextract(database_url, tmp_path, "--all", "--workers", "0")
    assert "re-extracted 4 articles" in out and "0 changed, 3 unchanged, 1 kept" in out
    out = reextract(database_url, tmp_path, "--site", "donghae", "--all", "--workers", "0")
    assert "re-extracted 1 articles of site donghae" in out and "0 changed, 1 unchanged" in out


def test_nothing_stale_and_no_such_site(database_url: str, tmp_path: Path) -> None:
    assert reextract(database_url, tmp_path, "--workers", "0") == (
        f"nothing to re-extract: every article made by extractor {EXTRACTOR_VERSION}\n"
    )
    result = scrapy(
        "reextract", "--site", "nowhere", database_url=database_url, sites_file=tmp_path / "x"
    )
    assert (result.returncode, result.stderr) == (
        2,
        "newsarchive: error: the archive holds no article of site 'nowhere'\n",
    )


def test_an_unusable_archive_is_one_clear_error(tmp_path: Path) -> None:
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'a.db'}"
    result = scrapy("reextract", database_url=missing, sites_file=tmp_path / "sites.yaml")
    assert result.returncode == 2
    assert result.stderr.startswith("newsarchive: error:") and "does not exist" in result.stderr


def test_a_sites_own_selectors_are_used(database_url: str, tmp_path: Path) -> None:
    fixtures = stale_archive(database_url)
    (tmp_path / "sites.yaml").write_text(
        "sites:\n  - name: gyeongsan\n    list_url: 'http://x.example/?page={page}'\n"
        "    article:\n      title: '#bo_v_con, .board-view-con'\n",
        encoding="utf-8",
    )
    reextract(database_url, tmp_path, "--all")
    stored = archived(database_url)
    layout = ArticleLayout(name="site:gyeongsan", title="#bo_v_con, .board-view-con")
    for url, fixture in fixtures.items():
        if "bo_table=" in url:
            page = html_tree(decode_html(fixture.body, fixture.content_type).text)
            assert stored[url].title == layout.read_over(page, ArticleFields()).title
            assert stored[url].title != fixture.expected["title"]
        else:  # another site: its family's layout alone
            assert stored[url].title == fixture.expected["title"]
