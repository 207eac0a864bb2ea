"""End to end, every fault and hostile page at once: the sample portal serves
all of ``faults.ALL_FAULTS`` on its three sites, ``scrapy crawl`` archives
each site into SQLite, and one test per case checks what was stored and what
was recorded as failed. The crawl settings are the project's, with shorter
waits (3 s timeout, 0.6 s backoff) so that the drip costs seconds; the backoff
leaves a margin over the request times the loopback server records, which a
loaded machine delays."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select

from sample_portal import SamplePortal, serve
from sample_portal.faults import (
    ALL_FAULTS,
    CASES,
    EXTENDED_HANGUL,
    LITERAL_MARKUP,
    LIVE_MARKUP,
    MARKUP_PARAGRAPH,
    NOT_ARTICLE,
    SCRIPT_TEXT,
    SCRIPT_WRITTEN,
    Planted,
)
from storage.archive import Archive
from storage.models import Article, Capture, CrawlRun
from tests.conftest import FAST, scrapy, start_scrapy

pytestmark = pytest.mark.e2e  # each test reads what a crawl or a scrapy command made

SITES = ("gnuboard", "newscms", "generic")
PER_PAGE = 10
SHORT_WAITS = [*FAST, "-s", "DOWNLOAD_TIMEOUT=3", "-s", "RETRY_BACKOFF_BASE=0.6"]
RETRY_TIMES = 3  # crawler/settings.py


@dataclass
class FaultyCrawl:
    """The portal with every fault on, crawled once per site into one archive."""

    portal: SamplePortal
    base_url: str
    database_url: str
    sites_file: Path
    results: dict[str, subprocess.CompletedProcess[str]]
    captures: dict[str, list[Capture]]  # by URL, in fetch order
    articles: dict[str, Article]  # by URL

    def planted(self, site: str, case: str) -> Planted:
        return self.portal.faults.planted(site)[case]

    def url(self, planted: Planted) -> str:
        return self.base_url + planted.path

    def only_capture(self, planted: Planted) -> Capture:
        found = self.captures.get(self.url(planted), [])
        assert len(found) == 1, (planted.case.name, planted.site, found)
        return found[0]

    def hits(self, planted: Planted) -> int:
        return self.portal.hits[planted.path]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultyCrawl]:
    folder = tmp_path_factory.mktemp("faults")
    portal = SamplePortal(articles_per_site=40, per_page=PER_PAGE, faults=ALL_FAULTS)
    database_url = f"sqlite:///{folder / 'archive.db'}"
    Archive.open(database_url).close()
    with serve(portal) as base_url:
        sites_file = folder / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        running = {
            site: start_scrapy(
                "crawl",
                "portal",
                "-a",
                f"site={site}",
                *SHORT_WAITS,
                database_url=database_url,
                sites_file=sites_file,
            )
            for site in SITES
        }
        results = {}
        for site, process in running.items():
            stdout, stderr = process.communicate(timeout=180)
            results[site] = subprocess.CompletedProcess(
                process.args, process.returncode, stdout, stderr
            )
        archive = Archive.open(database_url)
        with archive.sessions() as session:
            captures: dict[str, list[Capture]] = {}
            for capture in session.scalars(select(Capture).order_by(Capture.id)):
                captures.setdefault(capture.url, []).append(capture)
            articles = {a.url: a for a in session.scalars(select(Article))}
        archive.close()
        yield FaultyCrawl(portal, base_url, database_url, sites_file, results, captures, articles)


def cases(where: str | None = None, group: str | None = None) -> list[str]:
    return [
        name
        for name in ALL_FAULTS
        if (where is None or CASES[name].where == where)
        and (group is None or CASES[name].group == group)
    ]


def assert_archived_whole(crawl: FaultyCrawl, planted: Planted) -> Article:
    """The planted article is archived once, with its title and every paragraph in order."""
    assert planted.article is not None
    stored = crawl.articles.get(crawl.url(planted))
    assert stored is not None, (planted.case.name, planted.site, crawl.captures[crawl.url(planted)])
    assert stored.title == planted.article.title
    assert stored.published == planted.article.published
    position = -1
    for paragraph in planted.article.paragraphs:
        found = stored.body.find(paragraph, position + 1)
        assert found > position, (planted.case.name, planted.site, paragraph)
        position = found
    assert "\x00" not in stored.body and "\ufffd" not in stored.body
    assert crawl.only_capture(planted).outcome == "article"
    return stored


@pytest.mark.parametrize("site", SITES)
def test_the_crawl_goes_on_to_the_end(crawled: FaultyCrawl, site: str) -> None:
    result = crawled.results[site]
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    archive = Archive.open(crawled.database_url)
    with archive.sessions() as session:
        runs = session.scalars(select(CrawlRun)).all()
    archive.close()
    assert {run.status for run in runs} == {"finished"}
    assert all(run.list_failed == 0 for run in runs)


def test_every_published_article_is_archived_and_no_hostile_page(crawled: FaultyCrawl) -> None:
    published = {crawled.base_url + a.path for site in SITES for a in crawled.portal.articles(site)}
    # undecodable pages are checked by test_disagreeing_encodings_are_decoded_or_refused
    undecodable = {crawled.url(crawled.planted(site, "undecodable")) for site in SITES}
    hostile = crawled.portal.faults.hostile_urls(crawled.base_url) - undecodable
    assert published <= set(crawled.articles)
    assert not hostile & set(crawled.articles)
    assert set(crawled.articles) - undecodable == published


@pytest.mark.parametrize("site", SITES)
def test_transient_failures_are_retried_with_backoff(crawled: FaultyCrawl, site: str) -> None:
    for name in cases("article", "transient"):
        assert_archived_whole(crawled, crawled.planted(site, name))
    waited = crawled.planted(site, "503-retry-after")
    assert crawled.hits(waited) == 3
    times = crawled.portal.faults.times[waited.path]
    assert all(later - earlier >= 1.0 for earlier, later in pairwise(times))  # Retry-After
    backed_off = crawled.planted(site, "500-then-ok")
    times = crawled.portal.faults.times[backed_off.path]
    assert times[1] - times[0] >= 0.2 and times[2] - times[1] >= 0.4  # 0.2 s, doubled

    for name, status, error in (
        ("503-forever", 503, "HTTP 503"),
        ("reset-forever", None, "ConnectionLost"),
    ):
        planted = crawled.planted(site, name)
        capture = crawled.only_capture(planted)
        assert (capture.outcome, capture.status) == ("failed", status)
        assert error in (capture.error or "")
        # Twisted itself tries a reused connection once more when it is reset
        assert RETRY_TIMES + 1 <= crawled.hits(planted) <= 2 * (RETRY_TIMES + 1)
    too_long = crawled.planted(site, "retry-after-long")
    assert crawled.only_capture(too_long).outcome == "failed"
    assert crawled.hits(too_long) == 1  # Retry-After: 7200 is not waited for


@pytest.mark.parametrize("site", SITES)
def test_unbounded_responses_are_cut_off(crawled: FaultyCrawl, site: str) -> None:
    for name, error in (
        ("gzip-bomb", "exceeded DOWNLOAD_MAXSIZE"),
        ("huge-page", "larger than download max size"),
        ("huge-unsized", "DownloadCancelledError"),
        ("drip", "slow response: Getting .* took longer than 3"),
        ("silent", "DownloadTimeoutError: Getting .* took longer than 3"),
    ):
        planted = crawled.planted(site, name)
        capture = crawled.only_capture(planted)
        assert capture.outcome == "failed" and capture.body == b"", name
        assert re.search(error, capture.error or ""), (name, capture.error)


@pytest.mark.parametrize("site", SITES)
def test_a_page_still_sending_at_the_timeout_is_tried_twice_at_most(
    crawled: FaultyCrawl, site: str
) -> None:
    drip = crawled.planted(site, "drip")
    assert crawled.hits(drip) == 2
    times = crawled.portal.faults.times[drip.path]
    assert times[1] - times[0] >= 3 + 0.2  # the timeout, then the backoff
    # a server that never began its answer is retried as any timeout is
    silent = crawled.planted(site, "silent")
    assert crawled.hits(silent) == RETRY_TIMES + 1
    assert "slow response" not in (crawled.only_capture(silent).error or "")


@pytest.mark.parametrize("site", SITES)
def test_redirects(crawled: FaultyCrawl, site: str) -> None:
    chain = crawled.planted(site, "redirect-chain")
    assert_archived_whole(crawled, chain)
    capture = crawled.only_capture(chain)
    assert capture.url == crawled.url(chain)
    assert capture.final_url.startswith(crawled.base_url + "/moved/final?to=")

    for name, chain in (
        ("redirect-loop", ("", "/loop/a?to=", "/loop/b?to=")),
        ("redirect-loop-back", ("", "/loop/back?to=")),
    ):
        planted = crawled.planted(site, name)
        loop = crawled.only_capture(planted)
        assert loop.outcome == "failed" and "redirect loop" in (loop.error or ""), loop.error
        # each URL of the chain requested once
        for hop in chain:
            path = f"{hop}{quote(planted.path)}" if hop else planted.path
            assert crawled.portal.hits[path] == 1, (name, path)
    offsite = crawled.only_capture(crawled.planted(site, "redirect-offsite"))
    assert offsite.outcome == "failed" and "off the site" in (offsite.error or "")
    assert not crawled.portal.faults.offsite_hits


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("name", cases(group="members only"))
def test_members_only_pages_are_kept_to_be_fetched_again(
    crawled: FaultyCrawl, site: str, name: str
) -> None:
    planted = crawled.planted(site, name)
    capture = crawled.only_capture(planted)
    assert capture.outcome == "failed"  # later runs fetch it again
    assert (capture.error or "").startswith("not an article (members only): "), capture.error
    assert crawled.url(planted) not in crawled.articles
    assert capture.body


@pytest.mark.parametrize("site", SITES)
@pytest.mark.parametrize("name", [n for n in ALL_FAULTS if CASES[n].expect == NOT_ARTICLE])
def test_pages_that_are_no_article_are_kept_raw_and_not_archived(
    crawled: FaultyCrawl, site: str, name: str
) -> None:
    planted = crawled.planted(site, name)
    capture = crawled.only_capture(planted)
    assert capture.outcome == "not_article"
    assert (capture.error or "").startswith("not an article: ")
    assert crawled.url(planted) not in crawled.articles
    if name != "empty":
        assert capture.body  # kept raw, for the record


@pytest.mark.parametrize("site", SITES)
def test_broken_markup_keeps_the_real_text_and_drops_scripts(
    crawled: FaultyCrawl, site: str
) -> None:
    for name in cases("article", "broken markup"):
        stored = assert_archived_whole(crawled, crawled.planted(site, name))
        assert SCRIPT_TEXT not in stored.body and SCRIPT_WRITTEN not in stored.body
        assert "document.write" not in stored.body


@pytest.mark.parametrize("site", SITES)
def test_markup_inside_an_article_is_stored_as_text(crawled: FaultyCrawl, site: str) -> None:
    stored = assert_archived_whole(crawled, crawled.planted(site, "markup-in-text"))
    assert MARKUP_PARAGRAPH in stored.body  # markup the article shows as text stays text
    assert LIVE_MARKUP not in stored.body  # a live element leaves no trace
    assert "<p" not in stored.body and 'onerror="' not in stored.body


def test_exports_carry_no_live_markup(crawled: FaultyCrawl, tmp_path: Path) -> None:
    out = tmp_path / "articles.jsonl"
    result = scrapy(
        "export", "-o", str(out), database_url=crawled.database_url, sites_file=crawled.sites_file
    )
    assert result.returncode == 0, result.stderr
    raw = out.read_text(encoding="utf-8")
    # no live markup without < and >; an & stays as it is, so a URL can be grepped
    assert "<" not in raw and ">" not in raw
    records = {json.loads(line)["url"]: json.loads(line) for line in raw.splitlines()}
    for site in SITES:
        url = crawled.url(crawled.planted(site, "markup-in-text"))
        assert LITERAL_MARKUP in records[url]["body"]
        assert records[url]["body"] == crawled.articles[url].body


@pytest.mark.parametrize("site", SITES)
def test_euc_kr_pages_keep_their_extended_hangul(crawled: FaultyCrawl, site: str) -> None:
    stored = assert_archived_whole(crawled, crawled.planted(site, "euckr-extended"))
    assert EXTENDED_HANGUL in stored.body


@pytest.mark.parametrize("site", SITES)
def test_disagreeing_encodings_are_decoded_or_refused(crawled: FaultyCrawl, site: str) -> None:
    """Header, meta and bytes disagree: the archive holds the right Korean text,
    and a page that cannot be decoded with confidence is a failed capture."""
    for name in ("cp949-under-utf8", "utf8-under-euckr"):
        assert_archived_whole(crawled, crawled.planted(site, name))
    undecodable = crawled.planted(site, "undecodable")
    assert crawled.only_capture(undecodable).outcome == "failed"
    assert crawled.url(undecodable) not in crawled.articles


def test_traps_are_never_requested(crawled: FaultyCrawl) -> None:
    hits = crawled.portal.hits
    assert not crawled.portal.faults.offsite_hits  # other port, localhost
    assert not [path for path in hits if len(path) > 2000]
    assert not [path for path in hits if "date=" in path]
    assert all(url.startswith(crawled.base_url) for url in crawled.captures)
    for result in crawled.results.values():  # no host name was even looked up
        assert "CannotResolveHostError" not in result.stderr
        assert re.search(r"'scope/dropped': \d+", result.stderr)


@pytest.mark.parametrize("site", SITES)
def test_paging_stops_where_the_list_brings_nothing_new(crawled: FaultyCrawl, site: str) -> None:
    regular = [a for a in crawled.portal.articles(site) if not a.notice]
    last = -(-len(regular) // PER_PAGE)
    pages = {
        int(match.group(1))
        for path in crawled.portal.hits
        if _site_of(path) == site and (match := re.search(r"[?&]page=(\d+)", path))
        if "wr_id" not in path
    }
    # pages past the end repeat the last one (with a next link): one is read, then done
    assert pages <= set(range(1, last + 2)) and last + 1 in pages


def test_a_list_page_that_failed_once_is_retried(crawled: FaultyCrawl) -> None:
    for path in ("/bbs/board.php?bo_table=news&page=2", "/news/section_list_all.html?page=2"):
        assert crawled.portal.hits[path] == 2


def _site_of(path: str) -> str:
    if path.startswith("/bbs/"):
        return "gnuboard"
    if path.startswith("/news/"):
        return "newscms"
    return "generic"
