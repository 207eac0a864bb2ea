"""The downloader's policies as pure functions: Retry-After, the backoff, the site scope."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from crawler.middlewares import Backoff, retry_after_seconds
from crawler.scope import SiteScope
from crawler.sites import SiteProfile

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_retry_after_in_seconds_or_as_a_date() -> None:
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds(" 7 ") == 7.0
    later = format_datetime(NOW + timedelta(seconds=90), usegmt=True)
    assert retry_after_seconds(later.encode(), now=NOW) == 90.0
    earlier = format_datetime(NOW - timedelta(hours=1), usegmt=True)
    assert retry_after_seconds(earlier, now=NOW) == 0.0
    assert retry_after_seconds(None) is None
    assert retry_after_seconds(b"soon") is None
    assert retry_after_seconds(b"-5") is None


def test_backoff_doubles_with_jitter_and_stays_under_its_maximum() -> None:
    backoff = Backoff(base=2.0, maximum=60.0)
    for attempt, low in ((1, 2.0), (2, 4.0), (3, 8.0), (4, 16.0)):
        waits = [backoff.delay(attempt) for _ in range(50)]
        assert all(low <= wait <= low * 1.25 for wait in waits)
    assert backoff.delay(10) == 60.0


@pytest.mark.parametrize(
    ("list_url", "url", "problem"),
    [
        ("http://127.0.0.1:8080/b?page={page}", "http://127.0.0.1:8080/a?no=1", None),
        ("http://127.0.0.1:8080/b?page={page}", "http://127.0.0.1:9090/a?no=1", "off the site"),
        ("http://127.0.0.1:8080/b?page={page}", "http://127.0.0.1/a?no=1", "off the site"),
        ("http://localhost:8080/b?page={page}", "http://127.0.0.1:8080/a", "off the site"),
        ("https://www.news.example/b?p={page}", "http://news.example/a/1", None),
        ("https://www.news.example/b?p={page}", "https://www.news.example:443/a/1", None),
        ("https://www.news.example/b?p={page}", "https://www.news.example:8443/a", "off the site"),
        ("https://www.news.example/b?p={page}", "https://cdn.news.example/a/1", "off the site"),
        ("https://www.news.example/b?p={page}", "https://evil.example/news.example", "off the"),
        ("https://news.example/b?p={page}", "ftp://news.example/a/1", "not an http(s) URL"),
        ("https://news.example/b?p={page}", "https://news.example:99999/a", "bad port"),
        ("https://news.example/b?p={page}", "https://news.example/" + "a" * 3000, "characters"),
    ],
)
def test_the_site_scope(list_url: str, url: str, problem: str | None) -> None:
    scope = SiteScope.of(SiteProfile("s", list_url), max_length=2083)
    refusal = scope.refusal(url)
    if problem is None:
        assert refusal is None
    else:
        assert refusal is not None and problem in refusal
