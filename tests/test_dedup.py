"""Deduplication on SQLite and PostgreSQL: one article per story, every place
it was seen as a sighting, edited copies linked to the first copy, different
stories on one topic kept apart; and the labelled pairs' precision and recall."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData, column, func, insert, select, table

from pipelines.fingerprint import (
    fingerprint,
    jaccard,
    normalized_text,
    shingle_keys,
    shingles,
    substitutions,
    words,
)
from storage.archive import Archive, RunCounts
from storage.database import MIGRATIONS, create_archive_engine, migrate
from storage.export import ExportFilter, records
from storage.models import Article, Base, Capture, Sighting
from storage.reextraction import Reextracted, save_reextracted
from storage.types import SEOUL
from tests.test_storage import article, capture

PAIRS = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "dedup" / "pairs.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
PUBLISHED = datetime(2017, 4, 19, 11, 53, tzinfo=SEOUL)
# "경산발전 10대 전략": the press release, a reprint with another byline, a new
# lead sentence and one added sentence, and another release on the same strategy
ORIGINAL, REPRINT = PAIRS[0]["a"], PAIRS[0]["b"]
SAME_TOPIC = PAIRS[1]["b"]
BY_ID = {pair["id"]: pair for pair in PAIRS}


@pytest.fixture
def archive(database_url: str):
    opened = Archive.open(database_url)
    yield opened
    opened.close()


def save(
    archive: Archive,
    site: str,
    url: str,
    body: str,
    published: datetime = PUBLISHED,
    places: tuple[str, ...] = (),
    fetched_at: datetime | None = None,
) -> str:
    """Save ``body`` as the article at ``url`` of ``site``, fingerprinted as the pipeline does."""
    site_id = archive.site_id(site, None, f"http://{site}.example/?page={{page}}")
    run_id = archive.start_run(site_id, "daily", None, None)
    found = fingerprint("경산발전 10대 전략 추진", body)
    page = capture(site_id, run_id, url)
    page.fetched_at = fetched_at or page.fetched_at
    row = article(site_id, url)
    row.body, row.published = body, published
    row.content_hash, row.minhash = found.content_hash, found.signature
    outcome = archive.save_page(page, row, found, places)
    archive.finish_run(run_id, "finished", RunCounts())  # a site has one running run at a time
    return outcome


def articles(archive: Archive) -> dict[str, Article]:
    with archive.sessions() as session:
        return {a.url: a for a in session.scalars(select(Article))}


def sightings(archive: Archive) -> list[Sighting]:
    with archive.sessions() as session:
        return list(session.scalars(select(Sighting).order_by(Sighting.id)))


def test_normalized_text_drops_bylines_captions_and_punctuation_width() -> None:
    plain = '경산시는 17일 전략회의를 열었다.\n\n시는 "협력하겠다"고 밝혔다.'
    dressed = (
        "[경일신문=홍길동 기자] 경산시는 17일 전략회의를 열었다.\n\n"
        "▲ 전략회의 모습 (사진=경산시 제공)\n\n"
        "시는 ＂협력하겠다＂고  밝혔다.\n\n"
        "홍길동 기자 hong@gyeongil.kr\n\n"
        "<저작권자 ⓒ 경일신문 무단전재 및 재배포 금지>"
    )
    assert normalized_text(dressed) == normalized_text(plain)
    assert fingerprint("t", dressed).content_hash == fingerprint("t", plain).content_hash


def test_short_bodies_are_matched_with_their_title_and_never_as_near_copies() -> None:
    short = fingerprint("포토뉴스 1", "경산시청 전경.")
    assert short.signature is None and short.band_keys == ()
    assert short.content_hash != fingerprint("포토뉴스 2", "경산시청 전경.").content_hash


def test_shingle_keys_count_what_the_shingles_count() -> None:
    texts = [normalized_text(pair[side]) for pair in PAIRS for side in ("a", "b")]
    for size in (2, 5, 7):
        for ours, theirs in pairwise(texts):
            a, b = shingles(ours, size), shingles(theirs, size)
            keys_a, keys_b = shingle_keys(ours, size), shingle_keys(theirs, size)
            assert keys_a.size == len(a)
            assert jaccard(keys_a, keys_b) == len(a & b) / len(a | b)
    for short in ("", "가", "1월"):  # shorter than a shingle: the text itself
        assert shingle_keys(short).size == len(shingles(short))
    assert jaccard(shingle_keys("가나"), shingle_keys("가나다라마")) == 0.0


def test_one_article_under_four_url_variants_has_four_sightings(archive: Archive) -> None:
    base = "http://gyeongil.example/bbs/board.php?bo_table=news"
    canonical = f"{base}&wr_id=5"
    listed = (f"{base}&page=1&wr_id=5", f"{base}&page=3&wr_id=5")
    assert save(archive, "gyeongil", canonical, ORIGINAL, places=listed) == "article"
    # a later list page links it again, by a mobile URL: not fetched, seen
    site_id = archive.site_id("gyeongil", None, "http://gyeongil.example/?page={page}")
    mobile = "http://m.gyeongil.example/bbs/board.php?bo_table=news&wr_id=5"
    assert archive.record_sightings(site_id, {canonical: [mobile]}, datetime.now(SEOUL)) == 1
    assert list(articles(archive)) == [canonical]
    assert {s.url for s in sightings(archive)} == {canonical, *listed, mobile}
    assert len(sightings(archive)) == 4
    assert set(archive.archived_dates([mobile, listed[1], "http://x/"])) == {mobile, listed[1]}


def test_a_recrawl_adds_sightings_not_articles(archive: Archive) -> None:
    url = "http://gyeongil.example/bbs/board.php?bo_table=news&wr_id=5"
    first = datetime(2024, 4, 1, 9, 0, tzinfo=SEOUL)
    assert save(archive, "gyeongil", url, ORIGINAL, fetched_at=first) == "article"
    later = first + timedelta(days=3)
    assert save(archive, "gyeongil", url, ORIGINAL, fetched_at=later) == "duplicate"
    # the same body under another URL of the site (a re-post) is a sighting too
    other = url.replace("wr_id=5", "wr_id=9")
    assert save(archive, "gyeongil", other, ORIGINAL, fetched_at=later) == "duplicate"
    assert list(articles(archive)) == [url]
    seen = {s.url: (s.first_seen, s.last_seen) for s in sightings(archive)}
    assert seen == {url: (first, later), other: (later, later)}


def test_a_reprint_on_another_portal_is_linked_to_the_first_copy(
    archive: Archive, database_url: str
) -> None:
    first, reprint = "http://gyeongil.example/a/1", "http://daegu.example/news/7"
    assert save(archive, "gyeongil", first, ORIGINAL) == "article"
    assert save(archive, "daegu", reprint, REPRINT, PUBLISHED + timedelta(hours=2)) == "article"
    stored = articles(archive)
    assert stored[reprint].duplicate_of_id == stored[first].id
    assert stored[first].duplicate_of_id is None
    exported = {r["url"]: r["duplicate_of"] for r in records(archive.engine, ExportFilter())}
    assert exported == {first: None, reprint: first}


def test_one_story_saved_by_several_crawls_at_once_is_one_article(database_url: str) -> None:
    """Crawls of four portals (each its own connection, as each its own writer
    process) save the same press release at the same instant: one article,
    three sightings of it."""
    crawls = 4
    ready = threading.Barrier(crawls)
    found = fingerprint("경산발전 10대 전략 추진", ORIGINAL)
    pages = []
    for number in range(crawls):
        archive = Archive.open(database_url)
        site = f"portal{number}"
        site_id = archive.site_id(site, None, f"http://{site}.example/?page={{page}}")
        run_id = archive.start_run(site_id, "daily", None, None)
        url = f"http://{site}.example/news/{number}"
        row = article(site_id, url)
        row.body, row.content_hash, row.minhash = ORIGINAL, found.content_hash, found.signature
        pages.append((archive, capture(site_id, run_id, url), row))

    def save_at_once(archive: Archive, page: Capture, row: Article) -> str:
        ready.wait()
        return archive.save_page(page, row, found)

    with ThreadPoolExecutor(crawls) as pool:
        outcomes = list(pool.map(lambda saved: save_at_once(*saved), pages))
    for archive, _, _ in pages:
        archive.close()
    assert sorted(outcomes) == ["article"] + ["duplicate"] * (crawls - 1)
    archive = Archive.open(database_url)
    assert len(articles(archive)) == 1
    assert len(sightings(archive)) == crawls
    archive.close()


def test_different_articles_on_one_topic_are_not_linked(archive: Archive) -> None:
    save(archive, "gyeongil", "http://gyeongil.example/a/1", ORIGINAL)
    save(archive, "gyeongil", "http://gyeongil.example/a/2", SAME_TOPIC)
    assert all(a.duplicate_of_id is None for a in articles(archive).values())


def test_an_exact_copy_published_earlier_moves_the_publication_back(archive: Archive) -> None:
    save(archive, "gyeongil", "http://gyeongil.example/a/1", ORIGINAL)
    earlier = PUBLISHED - timedelta(days=1)
    copy = ORIGINAL.replace("[경일신문=홍길동 기자]", "(대구=대구경북뉴스) 이영희 기자 =")
    copy = copy.replace("홍길동 기자 hong@gyeongil.kr", "이영희 기자 lee@dgnews.kr")
    assert save(archive, "daegu", "http://daegu.example/7", copy, earlier) == "duplicate"
    (article,) = articles(archive).values()
    assert article.published == earlier
    by_url = {s.url: s.published for s in sightings(archive)}
    assert by_url == {"http://gyeongil.example/a/1": PUBLISHED, "http://daegu.example/7": earlier}


def test_re_extraction_keeps_a_publication_moved_back_by_an_earlier_copy(
    archive: Archive,
) -> None:
    save(archive, "gyeongil", "http://gyeongil.example/a/1", ORIGINAL)
    copy_published = PUBLISHED - timedelta(days=1)
    save(archive, "gyeongil", "http://gyeongil.example/a/2", ORIGINAL, copy_published)
    (article,) = articles(archive).values()
    found = fingerprint(article.title, article.body)

    def reextracted(published: datetime) -> Reextracted:
        return Reextracted(
            article.id, article.title, None, published, article.body, found, "9", frozenset(),
        )  # fmt: skip

    save_reextracted(archive.engine, [reextracted(PUBLISHED)])  # the page's own date
    assert articles(archive)[article.url].published == copy_published
    save_reextracted(archive.engine, [reextracted(copy_published - timedelta(hours=1))])
    assert articles(archive)[article.url].published == copy_published - timedelta(hours=1)


def test_a_near_copy_published_earlier_becomes_the_first_copy(archive: Archive) -> None:
    save(archive, "daegu", "http://daegu.example/7", REPRINT)
    save(
        archive,
        "gyeongil",
        "http://gyeongil.example/8",
        REPRINT + "\n\n추가 문단입니다. 둘째 재전재.",
    )
    save(archive, "gyeongil", "http://gyeongil.example/1", ORIGINAL, PUBLISHED - timedelta(hours=5))
    stored = articles(archive)
    root = stored["http://gyeongil.example/1"]
    assert root.duplicate_of_id is None
    assert stored["http://daegu.example/7"].duplicate_of_id == root.id
    assert stored["http://gyeongil.example/8"].duplicate_of_id == root.id


def test_a_name_or_number_put_in_anothers_place_is_a_substitution() -> None:
    def places(ours: str, theirs: str) -> list[tuple[str, str]]:
        return substitutions(words(ours), words(theirs))

    lead = "의원은 {}을 대표발의했다고 밝혔다. 개정안은 육아휴직 요건을 넓혔다."
    assert places(lead.format("국가공무원법"), lead.format("지방공무원법")) == [
        ("국가공무원법을", "지방공무원법을")
    ]
    sum_ = "군은 농가 312곳에 재난지원금 {} 원을 지급한다고 밝혔다."
    assert places(sum_.format("6억 4천만"), sum_.format("2억 9천만")) == [("6억4천만", "2억9천만")]
    # re-wording is no substitution: particles, spacing, an added region, a
    # verb, the same number in other separators, a date restated
    assert not places(
        "경산시는 17일 회의를 열었다고 말했다.", "경북 경산시가 18일 회의를 열었다고 전했다."
    )
    assert not places(
        "건립 사업에 2,250만 원을 들여 정비하고", "건립사업에 2250만 원을 들여 단장하고"
    )


def test_a_lawmakers_two_bills_are_kept_apart_and_a_retitled_copy_is_linked(
    archive: Archive,
) -> None:
    """국가공무원법 and 지방공무원법 bills by one lawmaker share most of their
    words; a reprint re-titled with a trailing "눈길" rewrote its lead."""
    bill = BY_ID["31-copy"]["a"]
    save(archive, "dkilbo", "http://dkilbo.example/1", bill)
    save(archive, "yeongnam", "http://yeongnam.example/2", BY_ID["31-copy"]["b"])
    save(archive, "dkilbo", "http://dkilbo.example/3", BY_ID["31-different"]["b"])
    stored = articles(archive)
    first = stored["http://dkilbo.example/1"].id
    assert stored["http://yeongnam.example/2"].duplicate_of_id == first
    assert stored["http://dkilbo.example/3"].duplicate_of_id is None


def test_a_copy_of_a_copy_must_not_contradict_the_first_copy(archive: Archive) -> None:
    """The 포항시 release, its reprint (which dropped the sentences naming the
    city), then the 경주시 release of the same template: close to the reprint,
    but it names another city where the first copy names 포항시."""
    save(archive, "pohang", "http://pohang.example/1", BY_ID["32-copy"]["a"])
    save(archive, "kbmaeil", "http://kbmaeil.example/2", BY_ID["32-copy"]["b"])
    save(archive, "gyeongju", "http://gyeongju.example/3", BY_ID["32-different"]["b"])
    stored = articles(archive)
    assert (
        stored["http://kbmaeil.example/2"].duplicate_of_id == stored["http://pohang.example/1"].id
    )
    assert stored["http://gyeongju.example/3"].duplicate_of_id is None


def test_labelled_pairs_precision_and_recall(archive: Archive) -> None:
    """Each pair's first article, then its second: is the second found a copy of it?"""
    truth, found = [], []
    firsts: dict[str, str] = {}
    for n, pair in enumerate(PAIRS):
        topic = pair["id"].split("-")[0]
        if topic not in firsts:
            firsts[topic] = f"http://a.example/{topic}"
            save(archive, "a", firsts[topic], pair["a"])
        url = f"http://b.example/{n}"
        outcome = save(archive, "b", url, pair["b"], PUBLISHED + timedelta(hours=1))
        with archive.sessions() as session:
            first_id = session.scalar(select(Article.id).where(Article.url == firsts[topic]))
            linked = session.scalar(select(Article.duplicate_of_id).where(Article.url == url))
            sighted = session.scalar(
                select(func.count()).where(Sighting.url == url, Sighting.article_id == first_id)
            )
        truth.append(pair["label"] == "copy")
        found.append(linked == first_id or (outcome == "duplicate" and sighted == 1))
    hits = sum(t and f for t, f in zip(truth, found, strict=True))
    assert len(PAIRS) >= 86 and sum(truth) * 2 == len(PAIRS)
    assert hits / sum(found) >= 0.97  # precision
    assert hits / sum(truth) >= 0.97  # recall


def test_upgrading_an_archive_gives_each_article_its_sighting(database_url: str) -> None:
    engine = create_archive_engine(database_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    url = "http://gyeongil.example/bbs/board.php?bo_table=news&wr_id=5"
    with engine.begin() as connection:
        # the models' tables with the columns migration 0001 made (others came since)
        made = MetaData()
        made.reflect(connection, only=("sites", "captures", "articles"))
        tables = {
            name: table(
                name,
                *(
                    column(c.name, c.type)
                    for c in Base.metadata.tables[name].c
                    if c.name in reflected.c
                ),
            )
            for name, reflected in made.tables.items()
        }
        connection.execute(
            insert(tables["sites"]).values(id=1, name="g", list_url="x", created_at=PUBLISHED)
        )
        connection.execute(
            insert(tables["captures"]).values(
                id=1,
                site_id=1,
                url=url,
                final_url=url,
                headers={},
                body_zlib=b"",
                fetched_at=PUBLISHED,
                outcome="article",
            )
        )
        connection.execute(
            insert(tables["articles"]).values(
                id=1,
                site_id=1,
                url=url,
                title="t",
                published=PUBLISHED,
                body=ORIGINAL,
                content_hash="0" * 64,
                extractor_version="1",
                capture_id=1,
                archived_at=PUBLISHED,
            )
        )
    migrate(engine)
    archive = Archive(engine)
    (sighting,) = sightings(archive)
    assert (sighting.article_id, sighting.url, sighting.site_id) == (1, url, 1)
    assert sighting.first_seen == sighting.last_seen == PUBLISHED
    archive.close()
