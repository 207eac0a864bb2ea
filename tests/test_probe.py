"""``scrapy probe``: against the sample portal, it reports the family and its
evidence, how links are found, both list pages and three articles with their
fields, politely (robots.txt read) and writing nothing to the archive."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from crawler.probing import ProbeReport
from pipelines.extraction import ExtractedArticle
from sample_portal import SamplePortal, serve
from storage.types import SEOUL
from tests.conftest import Portal, scrapy


def probe(portal: Portal, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    database = tmp_path / "archive.db"
    result = scrapy(
        "probe",
        *args,
        "-s",
        "DOWNLOAD_DELAY=0",
        "-s",
        "AUTOTHROTTLE_ENABLED=0",
        database_url=f"sqlite:///{database}",
        sites_file=portal.sites_file,
    )
    assert not database.exists()  # nothing written, not even an empty archive
    return result.returncode, result.stdout, result.stderr


def test_probe_of_a_gnuboard_site(portal: Portal, tmp_path: Path) -> None:
    code, out, err = probe(portal, tmp_path, "gnuboard")
    assert code == 0, err[-2000:]
    assert "family: gnuboard5 (gnuboard5: 17 article links in its list area)" in out
    assert "article links: by family gnuboard5 (cms)" in out
    assert "list page 1: 17 article links" in out and "list page 2: 17 article links" in out
    assert "list page 2 differs from page 1: yes" in out
    titles = {a.title for a in portal.portal.articles("gnuboard")}
    shown = [line.split("title: ", 1)[1] for line in out.splitlines() if "  title: " in line]
    assert len(shown) == 3 and set(shown) <= titles
    assert out.count("page shows: gnuboard5: its layout 'basic' reads title, date and body") == 3
    # the pinned notices are short: said so
    assert "warnings: body under 200 characters" in out
    # obeyed, and read once more for its Sitemap: lines
    assert portal.portal.hits["/robots.txt"] == 2
    # the portal serves no feed nor sitemap: said so
    assert "feed " + portal.base_url + "/bbs/rss.php?bo_table=news: HTTP 404" in out
    assert "sites.yaml lines for them" not in out
    article_hits = [path for path in portal.portal.hits if "wr_id=" in path]
    assert len(article_hits) == 3


def test_probe_of_a_generated_skin_by_its_list_url(tmp_path: Path) -> None:
    sample = SamplePortal(articles_per_site=30, skins=[6])
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text("sites: []\n", encoding="utf-8")
        skin = sample.skins["skin6"]
        code, out, err = probe(
            Portal(sample, base_url, sites_file),
            tmp_path,
            "--list-url",
            base_url + skin.list_url_path,
        )
    assert code == 0, err[-2000:]
    assert "family: generic (no family's markup shown)" in out
    assert f"article links: by template {skin.prefix}/" in out
    assert "(inferred from list page 1)" in out
    first_page = next(line for line in out.splitlines() if line.startswith("list page 1:"))
    assert "(15 in the main list," in first_page
    assert "list page 2 differs from page 1: yes" in out
    newest = sample.articles("skin6")[:3]
    assert [line.split("title: ", 1)[1] for line in out.splitlines() if "  title: " in line] == [
        a.title for a in newest
    ]
    assert out.count("  warnings: ") == 3
    assert "no time in the date" not in out and "date in the future" not in out


def test_probe_reports_feeds_and_sitemaps(tmp_path: Path) -> None:
    sample = SamplePortal(articles_per_site=40, feeds=True, sitemaps=True)
    with serve(sample) as base_url:
        sites_file = tmp_path / "sites.yaml"
        sites_file.write_text(sample.sites_yaml(base_url, list_url_only=True), encoding="utf-8")
        portal = Portal(sample, base_url, sites_file)
        code, out, err = probe(portal, tmp_path, "gnuboard")
        assert code == 0, err[-2000:]
        # the family's usual feed path; the sitemaps robots.txt names
        feed = f"feed {base_url}/bbs/rss.php?bo_table=news: 15 entries, 15 of them the site's"
        assert feed in out
        assert f"sitemap {base_url}/sitemap_board.xml: 42 URLs, 42 of them the site's" in out
        assert f"  feeds: ['{base_url}/bbs/rss.php?bo_table=news']" in out
        assert "  sitemaps: auto" in out
        code, out, err = probe(portal, tmp_path, "newscms")
        assert code == 0, err[-2000:]
        # the feed its pages announce by <link rel="alternate">
        assert f"feed {base_url}/rss/allArticle.xml: 40 entries, 40 of them the site's" in out
        assert f"sitemap {base_url}/sitemap.xml: an index of " in out


def test_probe_of_a_page_without_articles_exits_non_zero(portal: Portal, tmp_path: Path) -> None:
    code, out, err = probe(portal, tmp_path, "--list-url", portal.base_url + "/?page={page}")
    assert code == 1
    assert "list page 1: 0 article links" in out
    assert err.strip().splitlines()[-1].startswith("newsarchive: error: list page 1 of probe")


def test_probe_of_a_bad_list_url_is_refused(portal: Portal, tmp_path: Path) -> None:
    code, _, err = probe(portal, tmp_path, "--list-url", portal.base_url + "/list")
    assert code == 2
    assert (
        err.strip()
        == "newsarchive: error: --list-url: must contain {page} where the page number goes"
    )


def test_probe_warnings() -> None:
    report = ProbeReport("gyeongil", "http://x.example/list?page={page}", site_title="경일신문")
    now = datetime(2024, 3, 29, 12, 0, tzinfo=SEOUL)

    def article(title: str, published: datetime | None, body: str) -> ExtractedArticle:
        return ExtractedArticle("http://x.example/1", title, None, published, (body,))

    long_body = "가" * 250
    fine = article("시의회 임시회 개회", datetime(2024, 3, 29, 9, 30, tzinfo=SEOUL), long_body)
    assert report.warnings(fine, now) == []
    midnight = article("시의회 임시회 개회", datetime(2024, 3, 29, tzinfo=SEOUL), long_body)
    assert report.warnings(midnight, now) == ["no time in the date"]
    future = article("시의회 임시회 개회", datetime(2024, 4, 2, 9, 30, tzinfo=SEOUL), long_body)
    assert report.warnings(future, now) == ["date in the future"]
    short = article("경일신문", None, "짧은 글")
    assert report.warnings(short, now) == [
        "no date",
        "body under 200 characters",
        "title equal to the site's name",
    ]
