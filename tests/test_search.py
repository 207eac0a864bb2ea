"""Korean full-text search: trigram matches inside words, one- and
two-character queries through the short-query index, the indexes following
re-extraction, edits and an upgrade, days in Korea time, query plans that
read indexes; a PostgreSQL archive's SQLite mirror, updated with new rows only."""

from __future__ import annotations

import zlib
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import delete, select, text, update

from storage.archive import Archive, RunCounts
from storage.database import MIGRATIONS, open_database
from storage.mirror import mirror
from storage.models import Article, Capture, Sighting
from storage.revisits import PageVersion, Revisited, save_revisit
from storage.search import SEARCH, search
from storage.types import SEOUL
from tests.conftest import free_port, scrapy

STORIES = [
    # site, published (Seoul), title, body
    (
        "gyeongil",
        datetime(2024, 3, 1, 0, 30, tzinfo=SEOUL),
        "경산시 4차산업혁명 포럼",
        "경산시는 4차산업혁명은 지역의 기회라고 밝혔다.\n\n포럼은 이틀 열린다.",
    ),
    (
        "gyeongil",
        datetime(2024, 3, 2, 8, 0, tzinfo=SEOUL),
        "청도군 복지포인트 지급",
        "청도군은 복지포인트를 지급한다.\n\n軍 부대와 협약도 맺었다.",
    ),
    (
        "daejeon",
        datetime(2024, 3, 2, 23, 59, tzinfo=SEOUL),
        "대전시 과학축제",
        "대전시는 과학축제를 연다.\n\n경산 출신 연구자도 참여한다.",
    ),
]


def build(url: str, stories: list[tuple[str, datetime, str, str]] = STORIES) -> Archive:
    """An archive holding ``stories`` (:data:`STORIES`), one run per story."""
    archive = Archive.open(url)
    for number, (site, published, title, body) in enumerate(stories):
        run_id = archive.start_run(site_id(archive, site), "daily", None, None)
        add_story(archive, site, run_id, number, title, body, published)
        archive.finish_run(run_id, "finished", RunCounts(pages=1, new=1))
    return archive


def site_id(archive: Archive, site: str) -> int:
    return archive.site_id(site, None, f"http://{site}.example/?page={{page}}")


def add_story(
    archive: Archive,
    site: str,
    run_id: int,
    number: int,
    title: str,
    body: str,
    published: datetime = STORIES[-1][1],
) -> None:
    """Archive one story of ``site``, as a crawl would."""
    page = f"http://{site}.example/{number}"
    archive.save_page(
        capture(archive, site, run_id, page, title, published),
        Article(
            site_id=site_id(archive, site),
            url=page,
            title=title,
            author="주정비",
            published=published,
            body=body,
            content_hash=f"{number:064d}",
            extractor_version="1",
        ),
    )


def capture(
    archive: Archive, site: str, run_id: int, page: str, title: str, at: datetime
) -> Capture:
    """The capture of ``site``'s ``page`` showing ``title``, fetched ``at``."""
    return Capture(
        site_id=site_id(archive, site),
        run_id=run_id,
        url=page,
        final_url=page,
        status=200,
        headers={"Content-Type": "text/html; charset=utf-8"},
        body_zlib=zlib.compress(f"<h1>{title}</h1>".encode()),
        fetched_at=at,
        outcome="article",
    )


@pytest.fixture
def archive(tmp_path: Path):
    archive = build(f"sqlite:///{tmp_path / 'archive.db'}")
    yield archive
    archive.close()


def titles(archive: Archive, query: str) -> list[str]:
    return [str(row["title"]) for row in hits(archive, query)]


def test_trigram_finds_a_word_inside_a_longer_one(archive: Archive) -> None:
    assert titles(archive, "산업혁명") == ["경산시 4차산업혁명 포럼"]
    assert titles(archive, "복지포인트") == ["청도군 복지포인트 지급"]
    (hit,) = hits(archive, "지역의 기회")
    assert hit["snippet"] and "<mark>지역의 기회</mark>" in hit["snippet"]
    assert hit["site"] == "gyeongil" and hit["published"] == "2024-03-01T00:30:00+09:00"


def test_short_queries_are_substring_matches(archive: Archive) -> None:
    # 경산 is in a title and in another site's body; 軍 is one character
    assert titles(archive, "경산") == ["대전시 과학축제", "경산시 4차산업혁명 포럼"]
    assert titles(archive, "軍") == ["청도군 복지포인트 지급"]
    assert titles(archive, "청") == ["청도군 복지포인트 지급"]
    assert titles(archive, "4차") == ["경산시 4차산업혁명 포럼"]
    assert titles(archive, "다.") == [title for _, _, title, _ in reversed(STORIES)]
    assert titles(archive, "없음") == []
    assert titles(archive, "") == []
    # pairs across a space or a line break are not indexed: such a query is
    # a substring match (search() strips a query, the canned query does not)
    with archive.engine.connect() as connection:
        found = connection.execute(text(SEARCH), {"q": "軍 "}).all()
    assert [row.title for row in found] == ["청도군 복지포인트 지급"]


def plan(archive: Archive, sql: str, params: dict[str, str]) -> str:
    """SQLite's query plan of ``sql``, one step a line."""
    with archive.engine.connect() as connection:
        steps = connection.execute(text("EXPLAIN QUERY PLAN " + sql), params).all()
    return "\n".join(step.detail for step in steps)


def test_short_searches_and_the_newest_articles_read_indexes(archive: Archive) -> None:
    short = plan(archive, SEARCH, {"q": "경산"})
    assert "SCAN articles_bigrams VIRTUAL TABLE INDEX" in short
    # the newest 500 read in order from the index of publication times, each
    # looked up among the matches: no article read but the 500 shown (the
    # snippet's), never every match's row to sort them
    assert "SCAN articles USING INDEX ix_articles_published_kst" in short
    assert short.count("SEARCH articles USING INTEGER PRIMARY KEY") == 1
    newest = plan(archive, "SELECT * FROM article_index ORDER BY published DESC LIMIT 50", {})
    assert "SCAN articles USING INDEX ix_articles_published_kst" in newest
    assert "TEMP B-TREE" not in newest  # no sort
    day = plan(
        archive, "SELECT count(*) FROM article_index WHERE day = :day", {"day": "2024-03-02"}
    )
    assert "USING COVERING INDEX ix_articles_day_kst (day_kst=?)" in day


def test_an_older_archive_is_indexed_on_upgrade(archive: Archive) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with archive.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0016")  # the archive before the search at scale
    with archive.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    assert "articles_bigrams" in plan(archive, SEARCH, {"q": "경산"})
    assert titles(archive, "경산") == ["대전시 과학축제", "경산시 4차산업혁명 포럼"]
    assert titles(archive, "軍") == ["청도군 복지포인트 지급"]


def test_queries_are_text_not_fts_syntax(archive: Archive) -> None:
    assert titles(archive, '"청도군" OR') == []
    assert titles(archive, "청도군 복지") == ["청도군 복지포인트 지급"]


def test_the_index_follows_edits_and_reextraction(archive: Archive) -> None:
    with archive.engine.begin() as connection:
        connection.execute(
            update(Article).where(Article.title == "대전시 과학축제").values(body="유성구 빵축제")
        )
    assert titles(archive, "과학축제를") == []
    assert titles(archive, "빵축제") == ["대전시 과학축제"]
    assert titles(archive, "연다") == []  # the short-query index too
    assert titles(archive, "빵") == ["대전시 과학축제"]
    with archive.engine.begin() as connection:
        connection.execute(delete(Sighting))
        connection.execute(delete(Article).where(Article.title == "대전시 과학축제"))
    assert titles(archive, "빵") == titles(archive, "빵축제") == []


def test_every_version_a_revisit_kept_is_searchable(database_url: str, tmp_path: Path) -> None:
    archive = build(database_url)
    try:
        with archive.engine.connect() as connection:
            article_id = connection.execute(
                select(Article.id).where(Article.title == "대전시 과학축제")
            ).scalar_one()
        run_id = archive.start_run(site_id(archive, "daejeon"), "daily", None, None)
        title, body = "대전시 과학축전", "대전시는 과학축전을 연다."
        corrected = PageVersion(title, "주정비", body, None, None)
        save_revisit(
            archive.engine,
            capture(archive, "daejeon", run_id, "http://daejeon.example/2", title, STORIES[-1][1]),
            run_id,
            STORIES[-1][1],
            Revisited(article_id, corrected),
            lambda stored, new: True,
            lambda stored, when: None,
        )
        if archive.engine.dialect.name == "sqlite":
            searched = archive
        else:  # a PostgreSQL archive is searched through its SQLite mirror
            mirror(archive.engine, tmp_path / "mirror.db")
            searched = Archive.open(f"sqlite:///{tmp_path / 'mirror.db'}")
        # found by what it says now, and by what its first version said, once, as it is now
        for query in ("과학축전", "과학축제를", "축제", "축", "경산 출신"):
            assert titles(searched, query) == ["대전시 과학축전"], query
        assert titles(searched, "경산") == ["대전시 과학축전", "경산시 4차산업혁명 포럼"]
        # the snippet of a word only an earlier version holds is from that version
        (row,) = hits(searched, "과학축제를")
        assert "<mark>과학축제를</mark>" in str(row["snippet"])
        searched.close()
    finally:
        archive.close()


def test_days_are_korea_days(archive: Archive) -> None:
    with archive.engine.connect() as connection:
        days = dict(connection.execute(text("SELECT title, day FROM article_index")).all())
    # 00:30 and 23:59 in Seoul are the previous and the same UTC day
    assert days["경산시 4차산업혁명 포럼"] == "2024-03-01"
    assert days["대전시 과학축제"] == "2024-03-02"


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgresql_archive_is_searched_through_a_mirror(
    database_url: str, tmp_path: Path
) -> None:
    archive = build(database_url)
    engine = open_database(database_url)
    path = tmp_path / "mirror.db"
    try:
        copied = mirror(engine, path)
        none = {"article_versions": 0, "article_revisits": 0, "requisites": 0}
        assert copied == {"sites": 2, "crawl_runs": 3, "articles": 3, "sightings": 3, **none}
        assert mirror(engine, path) == {
            "sites": 0,
            "crawl_runs": 0,
            "articles": 0,
            "sightings": 0,
            **none,
        }
        # a new article, and a run that was running when the mirror was last brought up to date
        run_id = archive.start_run(site_id(archive, "daejeon"), "daily", None, None)
        assert mirror(engine, path)["crawl_runs"] == 1
        add_story(
            archive, "daejeon", run_id, 9, "대전 軍 공항 이전", "대전시는 공항 이전을 논의했다."
        )
        archive.finish_run(run_id, "finished", RunCounts(pages=1, new=1))
        copied = mirror(engine, path)
        assert copied == {"sites": 0, "crawl_runs": 1, "articles": 1, "sightings": 1, **none}
        with Archive.open(f"sqlite:///{path}").engine.connect() as connection:
            statuses = connection.execute(text("SELECT status FROM crawl_runs")).scalars().all()
        assert statuses == ["finished"] * 4
        assert mirror(engine, path, rebuild=True)["articles"] == 4
    finally:
        engine.dispose()
        archive.close()
    copy = Archive.open(f"sqlite:///{path}")
    try:
        assert titles(copy, "산업혁명") == ["경산시 4차산업혁명 포럼"]
        assert titles(copy, "경산") == ["대전시 과학축제", "경산시 4차산업혁명 포럼"]
        assert titles(copy, "軍") == ["대전 軍 공항 이전", "청도군 복지포인트 지급"]
        assert titles(copy, "공항") == ["대전 軍 공항 이전"]
    finally:
        copy.close()


def test_a_mirror_of_another_archive_is_built_again(tmp_path: Path) -> None:
    path = tmp_path / "mirror.db"
    for name in ("one", "two"):
        build(f"sqlite:///{tmp_path / name}.db").close()
        engine = open_database(f"sqlite:///{tmp_path / name}.db")
        try:
            assert mirror(engine, path)["articles"] == 3
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample portal's articles, archived by ``scrapy demo``."""
    folder = tmp_path_factory.mktemp("sample")
    url = f"sqlite:///{folder / 'archive.db'}"
    done = scrapy(
        "demo",
        "--port",
        free_port(),
        "--articles",
        "12",
        "-o",
        str(folder / "demo.jsonl"),
        database_url=url,
        sites_file=folder / "sites.yaml",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return url


def substring_truth(archive: Archive, query: str) -> set[int]:
    """The ids of the articles whose title or body holds ``query``, by Python."""
    with archive.engine.connect() as connection:
        rows = connection.execute(text("SELECT id, title, body FROM articles"))
        return {row.id for row in rows if query in row.title or query in row.body}


def test_the_sample_archive_is_searched_like_a_substring(sample_archive: str) -> None:
    archive = Archive.open(sample_archive)
    try:
        with archive.engine.connect() as connection:
            titles = list(connection.execute(text("SELECT title FROM articles")).scalars())
        # pieces of titles, three characters and more (trigram) and two and one (substring)
        pieces = {title.split()[0][:size] for title in titles[:6] for size in (1, 2, 3, 4)}
        pieces |= {title.split()[-1][-3:] for title in titles[:6]}
        for piece in sorted(pieces):
            found = {row["id"] for row in hits(archive, piece)}
            assert found == substring_truth(archive, piece) and found, piece
    finally:
        archive.close()


def test_reextract_brings_the_index_along(sample_archive: str, tmp_path: Path) -> None:
    archive = Archive.open(sample_archive)
    try:
        with archive.engine.begin() as connection:
            article_id, body = connection.execute(
                text(
                    "SELECT articles.id, body FROM articles JOIN sites ON sites.id = site_id"
                    " WHERE sites.name = 'gnuboard' ORDER BY articles.id LIMIT 1"
                )
            ).one()
            # as an older extractor left it: another body, an older version
            connection.execute(
                update(Article)
                .where(Article.id == article_id)
                .values(body="구버전 추출기의 본문", extractor_version="0")
            )
        assert [row["id"] for row in hits(archive, "구버전 추출기")] == [article_id]
        lead = body.split("\n\n")[0][:12]
        assert article_id not in {row["id"] for row in hits(archive, lead)}
        done = scrapy(
            "reextract",
            "--site",
            "gnuboard",
            "--workers",
            "0",
            database_url=sample_archive,
            sites_file=tmp_path / "sites.yaml",
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert hits(archive, "구버전 추출기") == []
        assert article_id in {row["id"] for row in hits(archive, lead)}
    finally:
        archive.close()


def hits(archive: Archive, query: str) -> list[dict[str, str | int | None]]:
    with archive.engine.connect() as connection:
        return search(connection, query)
