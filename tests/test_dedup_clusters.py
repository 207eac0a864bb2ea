"""Near-duplicate clusters on SQLite and PostgreSQL: a copy joins the cluster
whose first copy it matches, whatever the order the copies arrive in, and
releases written in one press office's house style (stock sentences, other
city, programme, sums and dates) are never linked as copies.

``sample_portal.releases`` generates such releases from random seeds;
``tests/dedup_sets.py`` reads the labelled sets of articles (which story each
tells); ``benchmarks/dedup.py`` measures both."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from sample_portal.releases import house_style_releases
from storage.archive import Archive
from tests.dedup_sets import (
    START,
    clusters,
    copy_pairs,
    linked_pairs,
    load_groups,
    save_in_order,
    save_story,
)


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


@pytest.mark.parametrize("seed", [3, 11])
def test_releases_in_one_house_style_are_not_linked(archive: Archive, seed: int) -> None:
    """Releases sharing a press office's stock sentences, each of another
    city or programme with its own sums and dates: no copies."""
    releases = house_style_releases(seed, 8)
    rows = [{"set": f"house{seed}", "body": body, "hours": n} for n, body in enumerate(releases)]
    assert linked_pairs(save_in_order(archive, rows, range(len(rows)))) == set()


def test_house_style_copies_are_linked_and_other_releases_kept_apart(archive: Archive) -> None:
    """Two press offices' releases and their reprints (one re-titled "… 눈길")."""
    for rows in (load_groups()["house-city"], load_groups()["house-province"]):
        assert linked_pairs(save_in_order(archive, rows, range(len(rows)))) == copy_pairs(rows)


def test_the_order_of_arrival_does_not_change_the_clusters(database_url: str) -> None:
    """A release, a reprint and two re-titled re-posts that each kept another
    half of it (alike to the release, not to each other), and another release
    of the city re-posted by one of those portals: every arrival order gives
    the same clusters."""
    rows = load_groups()["nungil"]
    rng = random.Random(21)
    orders = [[2, 3, 0, 1, 4, 5], [5, 3, 2, 4, 1, 0]] + [
        rng.sample(range(len(rows)), len(rows)) for _ in range(4)
    ]
    for order in orders:
        archive = Archive.open(database_url)
        try:
            assert linked_pairs(save_in_order(archive, rows, order)) == copy_pairs(rows), order
        finally:
            with archive.engine.begin() as connection:
                for table in ("sightings", "minhash_bands", "articles", "captures"):
                    connection.exec_driver_sql(f"DELETE FROM {table}")
            archive.close()


def test_a_copy_joins_no_cluster_through_a_third_article(archive: Archive) -> None:
    """A portal ran the internship release with the volunteer release's
    paragraphs appended: a re-post of the volunteer release resembles that
    article, not the internship release, its cluster's first copy."""
    rows = load_groups()["nungil"]
    internship, volunteer = rows[0]["body"], rows[4]["body"]
    merged = internship + "\n\n" + volunteer.split("\n\n", 1)[1]
    save_story(archive, "http://portal.example/internship", internship, START)
    save_story(archive, "http://portal.example/merged", merged, START + timedelta(hours=1))
    save_story(
        archive, "http://portal.example/volunteer", rows[5]["body"], START + timedelta(hours=2)
    )
    internship_first, merged_first, volunteer_first = clusters(
        archive,
        ["http://portal.example/internship", "http://portal.example/merged",
         "http://portal.example/volunteer"],
    )  # fmt: skip
    assert merged_first == internship_first
    assert volunteer_first != internship_first
