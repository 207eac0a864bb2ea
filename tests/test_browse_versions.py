"""``scrapy browse`` shows what became of an article: its versions, each
with what changed from the one before (word by word, ``<ins>``/``<del>``,
escaped), when it was taken down and back; the search finds the articles
that changed or were taken down. On SQLite, and on PostgreSQL through the
mirror, which copies again the articles a revisit changed after it was made."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

import lxml.html
from sqlalchemy import insert, update

from browsing.datasette import datasette_for
from storage.archive import Archive, RunCounts
from storage.database import open_database
from storage.mirror import mirror
from storage.models import Article, ArticleRevisit, ArticleVersion
from storage.types import SEOUL
from tests.test_search import STORIES, build, site_id

FIRST_TITLE = STORIES[0][2]
FIRST_BODY = "경산시는 내년 예산 3억원을 <편성>했다.\n\n포럼은 이틀 열린다."
SECOND_BODY = "경산시는 내년 예산 5억원을 <편성>했다.\n\n포럼은 이틀 열린다."
THIRD_TITLE = "경산시 4차산업혁명 포럼 [수정]"
THIRD_BODY = SECOND_BODY + "\n\n[정정] 예산 규모를 바로잡습니다."
SEEN = [
    datetime(2024, 3, 1, 9, 0, tzinfo=SEOUL),
    datetime(2024, 3, 2, 10, 5, tzinfo=SEOUL),
    datetime(2024, 3, 8, 6, 40, tzinfo=SEOUL),
]
GONE = datetime(2024, 3, 23, 13, 23, tzinfo=SEOUL)
BACK = datetime(2024, 3, 30, 7, 1, tzinfo=SEOUL)
GONE_AGAIN = datetime(2024, 4, 6, 7, 2, tzinfo=SEOUL)


def revise(url: str) -> None:
    """Article 1 changed twice (a figure, then a retitle and a corrections
    line), as a revisit writes it; article 2 taken down, back, and down again;
    article 3 never revisited."""
    archive = Archive.open(url)
    run_id = archive.start_run(site_id(archive, "gyeongil"), "daily", None, None)
    texts = [(FIRST_TITLE, FIRST_BODY), (FIRST_TITLE, SECOND_BODY), (THIRD_TITLE, THIRD_BODY)]
    with archive.engine.begin() as connection:
        for number, ((title, body), seen) in enumerate(zip(texts, SEEN, strict=True), 1):
            connection.execute(
                insert(ArticleVersion),
                {
                    "article_id": 1,
                    "version": number,
                    "title": title,
                    "author": "주정비" if number < 3 else "김철수",
                    "body": body,
                    "modified": seen if number > 1 else None,
                    "seen_at": seen,
                },
            )
        connection.execute(
            update(Article)
            .where(Article.id == 1)
            .values(title=THIRD_TITLE, body=THIRD_BODY, author="김철수", modified=SEEN[2])
            .values(version=3)
        )
        connection.execute(update(Article).where(Article.id == 2).values(gone_at=GONE_AGAIN))
        for article_id, at, result, detail in [
            (1, SEEN[1], "changed", None),
            (1, SEEN[2], "changed", None),
            (2, GONE, "gone", "404"),
            (2, GONE + (BACK - GONE) / 2, "gone", "404"),
            (2, BACK, "back", None),
            (2, GONE_AGAIN, "gone", "deleted-post alert"),
        ]:
            connection.execute(
                insert(ArticleRevisit),
                {
                    "article_id": article_id,
                    "run_id": run_id,
                    "at": at,
                    "result": result,
                    "detail": detail,
                },
            )
    archive.finish_run(run_id, "finished", RunCounts())
    archive.close()


def browsed(database_url: str, tmp_path: Path) -> Path:
    """The SQLite file ``scrapy browse`` serves for the archive at
    ``database_url``, revised (:func:`revise`) after a PostgreSQL archive's
    mirror was first made."""
    build(database_url).close()
    if database_url.startswith("sqlite"):
        revise(database_url)
        return Path(database_url.removeprefix("sqlite:///"))
    path = tmp_path / "mirror.db"
    engine = open_database(database_url)
    try:
        mirror(engine, path)
        revise(database_url)
        mirror(engine, path)
    finally:
        engine.dispose()
    return path


def pages(path: Path, mirrored: bool, *addresses: str) -> list[lxml.html.HtmlElement]:
    """The pages at ``addresses`` as Datasette serves the archive at ``path``."""

    async def fetch() -> list[lxml.html.HtmlElement]:
        datasette = datasette_for(path, mirrored)
        found = []
        for address in addresses:
            response = await datasette.client.get(address)
            assert response.status_code == 200, (address, response.text)
            found.append(lxml.html.fromstring(response.text))
        return found

    return asyncio.run(fetch())


def texts(page: lxml.html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(element.text_content().split()) for element in page.xpath(xpath)]


def test_an_articles_versions_and_takedowns(database_url: str, tmp_path: Path) -> None:
    path = browsed(database_url, tmp_path)
    changed, gone, never = pages(
        path, "postgresql" in database_url, "/-/article/1", "/-/article/2", "/-/article/3"
    )
    assert texts(changed, "//h1") == [THIRD_TITLE]
    assert "version 3" in texts(changed, "//p[@class='byline']")[0]
    items = changed.xpath("//ol[@class='versions']/li")
    assert [item.get("id") for item in items] == ["version-1", "version-2", "version-3"]
    assert "seen 2024-03-01 09:00" in texts(changed, "//li[@id='version-1']/p")[0]
    assert "modified 2024-03-08 06:40" in texts(changed, "//li[@id='version-3']/p")[0]
    # version 2: one digit of a figure, escaped text around it
    second = changed.xpath("//li[@id='version-2']//div[contains(@class, 'body')]")[0]
    assert [d.text for d in second.iter("del")] == ["3"]
    assert [i.text for i in second.iter("ins")] == ["5"]
    assert "<편성>" in second.text_content()
    # version 3: the retitle, the new author and the corrections line
    third = changed.xpath("//li[@id='version-3']")[0]
    assert [i.text for i in third.xpath(".//p[contains(@class, 'title')]/ins")] == [" [수정]"]
    assert "김철수" in "".join(third.xpath(".//p[contains(@class, 'author')]/ins/text()"))
    assert [i.text for i in third.xpath(".//div[contains(@class, 'body')]/ins")] == [
        "\n\n[정정] 예산 규모를 바로잡습니다."
    ]
    assert not changed.xpath("//ul[@class='takedowns']")

    assert texts(gone, "//p[@class='gone']") == [
        "Taken down on 2024-04-06 07:02: this is what it said last."
    ]
    assert texts(gone, "//ul[@class='takedowns']/li") == [
        "taken down on 2024-03-23 13:23 (404)",
        "back on 2024-03-30 07:01",
        "taken down on 2024-04-06 07:02 (deleted-post alert)",
    ]
    assert not gone.xpath("//ol[@class='versions']")

    assert texts(never, "//h2[starts-with(., 'Versions')]") == ["Versions (1)"]
    assert not never.xpath("//*[@class='gone'] | //ul[@class='takedowns'] | //del | //ins")


def test_the_search_finds_what_changed_or_was_taken_down(database_url: str, tmp_path: Path) -> None:
    path = browsed(database_url, tmp_path)
    found = pages(
        path,
        "postgresql" in database_url,
        "/?state=changed",
        "/?state=gone",
        "/?state=changed-or-gone",
        "/?state=changed&q=%EC%88%98%EC%A0%95",  # 수정: the latest version's title
        "/",
        "/?state=nonsense",
    )
    titles = [texts(page, "//ol[@class='results']//a[@class='title']") for page in found]
    assert titles[0] == [THIRD_TITLE]
    assert titles[1] == [STORIES[1][2]]
    assert sorted(titles[2]) == sorted([THIRD_TITLE, STORIES[1][2]])
    assert titles[3] == [THIRD_TITLE]
    assert len(titles[4]) == len(titles[5]) == 3
    marks = texts(found[2], "//ol[@class='results']//div[@class='meta']")
    assert any("changed: 3 versions" in mark for mark in marks)
    assert any("taken down on 2024-04-06 07:02" in mark for mark in marks)
    assert texts(found[5], "//p[@class='problems']") == [
        "“nonsense” is not what became of an article: left out"
    ]
    chosen = found[1].xpath("//select[@name='state']/option[@selected]/@value")
    assert chosen == ["gone"]
