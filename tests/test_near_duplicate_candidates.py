"""Near-duplicate candidates found in the database, on SQLite and PostgreSQL:
band keys counted by the database give the candidates counting them in Python
gives; keys carried by too many stories are not used; candidates are dated
within the window; two writers saving copies of one story at once store one
first copy."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from pipelines.fingerprint import fingerprint
from storage.archive import Archive
from storage.band_index import STOCK_KEY_STORIES, count_stories, story_day
from storage.models import Article, MinhashBand
from storage.near_duplicates import CANDIDATES, WINDOW_DAYS, candidates
from tests.dedup_sets import load_groups
from tests.test_dedup import ORIGINAL, PAIRS, PUBLISHED, REPRINT, articles, save
from tests.test_storage import article, capture

TITLE = "경산발전 10대 전략 추진"


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


def linked(archive: Archive) -> dict[str, str | None]:
    """Each stored article's URL, and the URL of the first copy it points at."""
    stored = articles(archive)
    by_id = {row.id: url for url, row in stored.items()}
    return {url: by_id.get(row.duplicate_of_id) for url, row in stored.items()}


def test_candidates_counted_by_the_database_are_those_counted_here(archive: Archive) -> None:
    """Every labelled pair's bodies stored: for each body, the database's
    candidates are the stored articles sharing a band key with it, most shared
    first, as counting the keys in Python finds them."""
    bodies = list(dict.fromkeys(body for pair in PAIRS for body in (pair["a"], pair["b"])))
    for n, body in enumerate(bodies):
        save(archive, "pairs", f"http://pairs.example/{n}", body)
    with archive.engine.connect() as connection:
        keys_of: dict[int, set[int]] = {}
        for key, article_id in connection.execute(select(MinhashBand.key, MinhashBand.article_id)):
            keys_of.setdefault(article_id, set()).add(key)
        day = story_day(PUBLISHED, PUBLISHED)
        compared = 0
        for body in bodies:
            found = fingerprint(TITLE, body)
            shared = Counter({at: len(keys & set(found.band_keys)) for at, keys in keys_of.items()})
            expected = sorted((-count, at) for at, count in shared.items() if count)
            got = [row.id for row in candidates(connection, found, day)]
            assert got == [at for _, at in expected][:CANDIDATES]
            compared += len(got)
    assert compared > len(bodies)  # copies found one another, not only themselves


def test_band_keys_of_too_many_stories_are_not_used(archive: Archive) -> None:
    """A reprint whose every band key is carried by ``STOCK_KEY_STORIES``
    stories (a site's shared lines, a stock sentence) finds no candidate."""
    save(archive, "gyeongil", "http://gyeongil.example/1", ORIGINAL)
    found = fingerprint(TITLE, REPRINT)
    day = story_day(PUBLISHED, PUBLISHED)
    with archive.engine.begin() as connection:
        assert candidates(connection, found, day)
        count_stories(connection, Counter(found.band_keys), STOCK_KEY_STORIES)
        assert candidates(connection, found, day) == []
    save(archive, "daegu", "http://daegu.example/1", REPRINT)
    assert linked(archive)["http://daegu.example/1"] is None


def test_the_labelled_copies_lie_within_the_window() -> None:
    """The copies of each labelled story were published hours apart, well
    within the days either side where candidates are looked for."""
    stories: dict[tuple[str, str], list[int]] = {}
    for name, rows in load_groups().items():
        for row in rows:
            stories.setdefault((name, row["story"]), []).append(row["hours"])
    spread = max(max(hours) - min(hours) for hours in stories.values())
    assert spread <= WINDOW_DAYS * 24


@pytest.mark.parametrize(
    ("days", "copy"), [(WINDOW_DAYS, True), (WINDOW_DAYS + 1, False), (-WINDOW_DAYS - 1, False)]
)
def test_candidates_are_dated_within_the_window(archive: Archive, days: int, copy: bool) -> None:
    save(archive, "gyeongil", "http://gyeongil.example/1", ORIGINAL)
    save(archive, "daegu", "http://daegu.example/1", REPRINT, PUBLISHED + timedelta(days=days))
    first = (
        linked(archive)["http://daegu.example/1"] or linked(archive)["http://gyeongil.example/1"]
    )
    assert (first is not None) == copy


def test_an_undated_article_is_matched_by_the_day_it_was_archived(archive: Archive) -> None:
    """Without a publication, an article's day is the day it was archived:
    today's undated reprint is a copy of today's release, not of an old one."""
    save(archive, "gyeongil", "http://gyeongil.example/old", ORIGINAL, PUBLISHED)
    archive_undated(archive, "http://daegu.example/1", REPRINT)
    assert linked(archive)["http://daegu.example/1"] is None
    archive_undated(archive, "http://busan.example/1", ORIGINAL + "\n\n부산에서도 전했다.")
    assert linked(archive)["http://busan.example/1"] == "http://daegu.example/1"


def archive_undated(archive: Archive, url: str, body: str) -> None:
    site_id = archive.site_id(url.split("/")[2], None, f"http://{url.split('/')[2]}/?page={{page}}")
    found = fingerprint(TITLE, body)
    row = article(site_id, url)
    row.body, row.published = body, None
    row.content_hash, row.minhash = found.content_hash, found.signature
    archive.save_page(capture(site_id, None, url), row, found)


@pytest.mark.parametrize("round_", range(3))
def test_two_writers_saving_copies_at_once_store_one_first_copy(
    database_url: str, round_: int
) -> None:
    """Two crawls (each its own connection) save a release and its reprint at
    the same instant: one first copy, the other article pointing at it."""
    ready = threading.Barrier(2)
    pages = []
    for number, body in enumerate((ORIGINAL, REPRINT)):
        archive = Archive.open(database_url)
        site = f"portal{number}"
        site_id = archive.site_id(site, None, f"http://{site}.example/?page={{page}}")
        url = f"http://{site}.example/news/{round_}"
        found = fingerprint(TITLE, body)
        row = article(site_id, url)
        row.body, row.content_hash, row.minhash = body, found.content_hash, found.signature
        row.published = PUBLISHED + timedelta(hours=number)
        pages.append((archive, capture(site_id, None, url), row, found))

    def save_at_once(archive: Archive, page, row: Article, found) -> str:
        ready.wait()
        return archive.save_page(page, row, found)

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda saved: save_at_once(*saved), pages))
    for archive, *_ in pages:
        archive.close()
    assert outcomes == ["article", "article"]
    archive = Archive.open(database_url)
    assert sorted(linked(archive).values(), key=str) == [
        None,
        f"http://portal0.example/news/{round_}",
    ]
    archive.close()
