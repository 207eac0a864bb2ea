"""End to end: ``scrapy crawl`` against the sample portal on 127.0.0.1, into
SQLite and PostgreSQL: daily runs archive every article once, re-runs add
nothing, backfills archive exactly their window, exports carry the contract."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from lxml.html import document_fromstring
from sqlalchemy import select

from pipelines.extraction import EXTRACTOR_VERSION
from sample_portal import Article as SampleArticle
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun, Requisite
from tests.conftest import FAST, Portal, scrapy


def crawl(
    portal: Portal, database_url: str, site: str, *window: str
) -> subprocess.CompletedProcess:
    args = [arg for pair in zip(["-a"] * len(window), window, strict=True) for arg in pair]
    result = scrapy(
        "crawl",
        "portal",
        "-a",
        f"site={site}",
        *args,
        *FAST,
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def archived(database_url: str) -> dict[str, Article]:
    archive = Archive.open(database_url)
    try:
        with archive.sessions() as session:
            return {a.url: a for a in session.scalars(select(Article))}
    finally:
        archive.close()


def body_paragraphs(portal: Portal, article: SampleArticle) -> list[str]:
    """The paragraphs an archive keeps of a sample article: its own, and the
    rows of a data table its page prints among them (a caption, then one
    paragraph a row, cells joined by " | ") — the portal keeps tables out of
    ``paragraphs``, an archive keeps them in the body."""
    paragraphs = list(article.paragraphs)
    page = document_fromstring(portal.portal.render(article.path)[2].decode())
    for table in page.xpath("//*[@id='news_body_area']//table"):
        before = "".join(sibling.text_content() for sibling in table.itersiblings(preceding=True))
        rows = [" ".join(table.findtext("caption", "").split())]
        rows += [
            " | ".join(cell.text_content().strip() for cell in row) for row in table.iter("tr")
        ]
        at = sum(paragraph in before for paragraph in paragraphs)
        paragraphs[at:at] = [row for row in rows if row]
    return paragraphs


def article_hits(portal: Portal) -> int:
    return sum(
        n
        for path, n in portal.portal.hits.items()
        if "list" not in path
        and "page=" not in path
        and path != "/robots.txt"
        and not path.split("?")[0].endswith((".css", ".js"))  # the pages' stylesheets, scripts
    )


@pytest.mark.parametrize("site", ["gnuboard", "newscms", "generic"])
def test_daily_run_archives_every_article_once(
    portal: Portal, database_url: str, site: str
) -> None:
    crawl(portal, database_url, site)
    expected = {portal.base_url + a.path: a for a in portal.portal.articles(site)}
    stored = archived(database_url)
    assert set(stored) == set(expected)
    for url, article in stored.items():
        assert article.title == expected[url].title
        assert article.author == expected[url].author
        assert article.published == expected[url].published
        assert article.published.utcoffset().total_seconds() == 9 * 3600
        assert article.body.split("\n\n") == body_paragraphs(portal, expected[url])
        assert article.extractor_version == EXTRACTOR_VERSION

    fetched = article_hits(portal)
    crawl(portal, database_url, site)
    assert set(archived(database_url)) == set(expected)  # nothing added
    assert article_hits(portal) == fetched  # no article fetched again

    archive = Archive.open(database_url)
    with archive.sessions() as session:
        runs = session.scalars(select(CrawlRun).order_by(CrawlRun.id)).all()
        captures = session.scalars(
            select(Capture).where(Capture.outcome.not_in(("requisite", "page")))
        ).all()
        photos = session.scalars(select(Requisite)).all()
    archive.close()
    assert [(r.mode, r.status, r.new) for r in runs] == [
        ("daily", "finished", len(expected)),
        ("daily", "finished", 0),
    ]
    assert len(captures) == len(expected)
    assert all(c.outcome == "article" and c.status == 200 and c.body for c in captures)
    # the photos in the articles' bodies, each fetched with its article and kept
    assert photos and all(p.kind == "image" and p.status == "stored" for p in photos)


def test_new_articles_are_picked_up_by_the_next_daily_run(
    portal: Portal, database_url: str
) -> None:
    crawl(portal, database_url, "newscms")
    fresh = portal.portal.publish("newscms", 3)
    crawl(portal, database_url, "newscms")
    stored = archived(database_url)
    assert {portal.base_url + a.path for a in fresh} <= set(stored)
    assert len(stored) == len(portal.portal.articles("newscms"))


@pytest.mark.parametrize("site", ["gnuboard", "newscms"])
def test_backfill_archives_exactly_its_window(portal: Portal, database_url: str, site: str) -> None:
    articles = portal.portal.articles(site)
    regular = [a for a in articles if not a.notice]
    since, until = regular[25].published.date(), regular[10].published.date()
    crawl(portal, database_url, site, f"since={since}", f"until={until}")
    inside = {portal.base_url + a.path for a in articles if since <= a.published.date() <= until}
    assert inside and set(archived(database_url)) == inside
    # paging stopped one list page past the window: the oldest pages were never read
    read = {path.rsplit("page=", 1)[1] for path in portal.portal.hits if "page=" in path}
    assert read == {"1", "2", "3"}

    fetched = article_hits(portal)
    crawl(portal, database_url, site, f"since={since}", f"until={until}")
    assert set(archived(database_url)) == inside
    assert article_hits(portal) - fetched <= 2 * 15  # only pages outside the window again


def test_export_command_writes_one_line_per_article(
    portal: Portal, database_url: str, tmp_path: Path
) -> None:
    crawl(portal, database_url, "gnuboard")
    out = tmp_path / "x.jsonl"
    result = scrapy(
        "export",
        "-o",
        str(out),
        "--site",
        "gnuboard",
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(portal.portal.articles("gnuboard"))
    assert set(records[0]) == {
        "url",
        "site",
        "title",
        "author",
        "published",
        "body",
        "fetched_at",
        "duplicate_of",
        "attachments",
        "images",
    }
    assert all(r["published"].endswith("+09:00") and r["duplicate_of"] is None for r in records)
    since = date.fromisoformat(records[-1]["published"][:10])
    windowed = scrapy(
        "export",
        "-o",
        str(out),
        "--since",
        str(since),
        database_url=database_url,
        sites_file=portal.sites_file,
    )
    assert windowed.returncode == 0
    assert all(
        json.loads(line)["published"] >= str(since)
        for line in out.read_text(encoding="utf-8").splitlines()
    )
