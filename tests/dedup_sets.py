"""Labelled sets of articles for near-duplicate clusters
(``tests/fixtures/dedup/groups.jsonl``: each article's body, the story it
tells, when it was published), saved into an archive in a chosen order of
arrival, and the pairs they link. Shared by ``tests/test_dedup_clusters.py``
and ``benchmarks/dedup.py``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import combinations
from pathlib import Path

from sqlalchemy import select

from pipelines.fingerprint import fingerprint
from storage.archive import Archive
from storage.models import Article, Capture, Sighting
from storage.types import SEOUL

GROUPS = Path(__file__).parent / "fixtures" / "dedup" / "groups.jsonl"
START = datetime(2024, 5, 1, 9, 0, tzinfo=SEOUL)


def load_groups() -> dict[str, list[dict]]:
    """The labelled sets of ``groups.jsonl``: each article's body, its story, and
    its publication (hours after the set's first)."""
    sets: dict[str, list[dict]] = {}
    for line in GROUPS.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sets.setdefault(row["set"], []).append(row)
    return sets


def save_story(archive: Archive, url: str, body: str, published: datetime) -> None:
    """Save ``body`` as the article at ``url``, fingerprinted as the pipeline does."""
    site_id = archive.site_id("portal", None, "http://portal.example/?page={page}")
    found = fingerprint("", body)
    capture = Capture(
        site_id=site_id, run_id=None, url=url, final_url=url, status=200, headers={},
        body_zlib=b"", fetched_at=published, outcome="article",
    )  # fmt: skip
    article = Article(
        site_id=site_id, url=url, title=url, author=None, published=published, body=body,
        content_hash=found.content_hash, minhash=found.signature, extractor_version="test",
    )  # fmt: skip
    archive.save_page(capture, article, found)


def clusters(archive: Archive, urls: Sequence[str]) -> list[int]:
    """For each of ``urls``: the first copy of the story archived there."""
    with archive.sessions() as session:
        found = {
            url: duplicate_of or article_id
            for url, article_id, duplicate_of in session.execute(
                select(Sighting.url, Article.id, Article.duplicate_of_id)
                .join(Article, Sighting.article_id == Article.id)
                .where(Sighting.url.in_(urls))
            )
        }
    return [found[url] for url in urls]


def save_in_order(archive: Archive, rows: Sequence[dict], order: Sequence[int]) -> list[int]:
    """Save the set's articles ``rows`` in the arrival ``order``; each one's first copy."""
    urls = [f"http://portal.example/{row['set']}/{n}" for n, row in enumerate(rows)]
    for n in order:
        save_story(archive, urls[n], rows[n]["body"], START + timedelta(hours=rows[n]["hours"]))
    return clusters(archive, urls)


def linked_pairs(firsts: Sequence[int]) -> set[tuple[int, int]]:
    """The pairs of articles (by position) that ``firsts`` puts in one cluster."""
    return {(a, b) for a, b in combinations(range(len(firsts)), 2) if firsts[a] == firsts[b]}


def copy_pairs(rows: Sequence[dict]) -> set[tuple[int, int]]:
    """The pairs of articles (by position) that tell one story."""
    return {
        (a, b) for a, b in combinations(range(len(rows)), 2) if rows[a]["story"] == rows[b]["story"]
    }
