"""``scrapy browse``: Datasette on 127.0.0.1 serving the archive read-only,
the canned query ``search`` as HTML and JSON, the searched article list with
its facets, an article's page and its raw capture; rendered in headless
Chromium; a busy or impossible port refused in one line."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from sqlalchemy import Connection, text, update

from browsing.facets import SEARCHED, UNFILTERED
from storage.archive import Archive
from storage.models import Article
from tests.conftest import scrapy, start_scrapy
from tests.test_search import build

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def answer(process: subprocess.Popen[str], url: str) -> tuple[int, bytes, dict[str, str]]:
    """``url``'s answer once the ``scrapy browse`` in ``process`` serves (30 s at most)."""
    for _ in range(300):
        try:
            return get(url)
        except OSError:
            assert process.poll() is None, process.communicate()
            time.sleep(0.1)
    raise AssertionError(f"scrapy browse did not answer {url}")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The test archive (``tests.test_search``'s stories) browsed on a free port:
    the URL of its database."""
    folder = tmp_path_factory.mktemp("browse")
    url = f"sqlite:///{folder / 'archive.db'}"
    archive = build(url)
    with archive.engine.begin() as connection:  # the third story, a lightly edited copy
        connection.execute(update(Article).where(Article.id == 3).values(duplicate_of_id=1))
    archive.close()
    port = free_port()
    process = start_scrapy(
        "browse", "--port", str(port), database_url=url, sites_file=folder / "sites.yaml"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        answer(process, base + "/-/versions.json")
        yield f"{base}/archive"
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)


def test_search_answers_json_and_html(served: str) -> None:
    status, body, _ = get(f"{served}/search.json?q={urllib.parse.quote('산업혁명')}&_shape=array")
    assert status == 200
    (row,) = json.loads(body)
    assert row["title"] == "경산시 4차산업혁명 포럼"
    assert row["site"] == "gyeongil" and row["url"] == "http://gyeongil.example/0"
    assert row["published"] == "2024-03-01T00:30:00+09:00"
    assert "<mark>산업혁명</mark>" in row["snippet"]
    status, body, _ = get(f"{served}/search?q={urllib.parse.quote('경산')}")
    page = body.decode()
    assert status == 200
    assert '<a href="/-/article/1">경산시 4차산업혁명 포럼</a>' in page
    assert "<mark>경산</mark>" in page


def test_the_article_list_is_searched_and_faceted(served: str) -> None:
    query = f"{served}/article_index.json?_q={urllib.parse.quote('경산')}"
    status, body, _ = get(query + "&_shape=objects")
    assert status == 200
    found = json.loads(body)
    assert [row["title"] for row in found["rows"]] == ["대전시 과학축제", "경산시 4차산업혁명 포럼"]
    facets = {
        name: {value["value"]: value["count"] for value in facet["results"]}
        for name, facet in found["facet_results"].items()
    }
    assert facets["site"] == {"daejeon": 1, "gyeongil": 1}
    assert facets["day"] == {"2024-03-01": 1, "2024-03-02": 1}  # Korea days
    assert facets["author"] == {"주정비": 2}


def test_the_unfiltered_list_counts_its_facets_from_indexes(served: str, tmp_path: Path) -> None:
    status, body, _ = get(f"{served}/article_index.json?_shape=objects")
    assert status == 200
    found = json.loads(body)
    assert found["rows"][0]["title"] == "대전시 과학축제"  # newest first
    facets = {
        name: {value["value"]: value["count"] for value in facet["results"]}
        for name, facet in found["facet_results"].items()
    }
    assert facets == {
        "site": {"gyeongil": 2, "daejeon": 1},
        "day": {"2024-03-02": 2, "2024-03-01": 1},
        "author": {"주정비": 3},
    }
    archive = build(f"sqlite:///{tmp_path / 'archive.db'}")
    try:
        with archive.engine.connect() as connection:
            for column, sql in UNFILTERED.items():
                steps = connection.execute(text("EXPLAIN QUERY PLAN " + sql), {"limit": 31})
                plan = " ".join(step.detail for step in steps)
                # articles read through an index alone, never row by row
                assert "COVERING INDEX" in plan, column
                assert not re.search("SCAN articles(?! USING COVERING INDEX)", plan), column
            # searched alone (?_q=), the same indexes are read, each entry looked up
            # among the matches: never a match's row
            for column, sql in SEARCHED.items():
                params = {"limit": 31, "q": "경산"}
                steps = connection.execute(text("EXPLAIN QUERY PLAN " + sql), params)
                counted = next(
                    s.detail for s in steps if re.match(r"(SCAN|SEARCH) articles ", s.detail)
                )
                assert "articles USING COVERING INDEX" in counted, column
    finally:
        archive.close()


def test_an_article_page_links_its_sightings_and_raw_capture(served: str) -> None:
    base = served.rsplit("/", 1)[0]
    status, body, _ = get(f"{base}/-/article/1")
    assert status == 200
    page = lxml.html.fromstring(body.decode())
    assert page.findtext(".//h1") == "경산시 4차산업혁명 포럼"
    paragraphs = [p.text_content() for p in page.cssselect("article p")]
    assert "경산시는 4차산업혁명은 지역의 기회라고 밝혔다." in paragraphs
    assert "포럼은 이틀 열린다." in paragraphs
    assert page.cssselect('.sightings a[href="http://gyeongil.example/0"]')
    (raw,) = page.cssselect('a[href^="/-/capture/"]')
    status, body, headers = get(base + raw.get("href"))
    assert status == 200 and body == "<h1>경산시 4차산업혁명 포럼</h1>".encode()
    assert headers["Content-Security-Policy"] == "sandbox"
    assert get(f"{base}/-/article/999")[0] == 404


def test_an_article_page_links_its_copies_both_ways(served: str) -> None:
    base = served.rsplit("/", 1)[0]
    original = lxml.html.fromstring(get(f"{base}/-/article/1")[1].decode())
    (copy,) = original.cssselect(".copies a")
    assert (copy.get("href"), copy.text_content()) == ("/-/article/3", "대전시 과학축제")
    copied = lxml.html.fromstring(get(f"{base}/-/article/3")[1].decode())
    (link,) = copied.cssselect('.links a[href="/-/article/1"]')
    assert link.text_content() == "경산시 4차산업혁명 포럼"


def test_the_archive_is_read_only(served: str) -> None:
    sql = urllib.parse.quote("DELETE FROM articles")
    status, _, _ = get(f"{served}.json?sql={sql}")
    assert status == 400
    _, body, _ = get(f"{served}/search.json?q={urllib.parse.quote('경산')}&_shape=array")
    assert len(json.loads(body)) == 2


def rendered_text(url: str) -> str:
    """The text of ``url`` as headless Chromium renders it."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    assert chromium, "headless Chromium is missing: `bash .ci/run` installs Debian's chromium"
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return re.sub(r"\s+", " ", lxml.html.fromstring(dom).text_content())


def test_chromium_renders_the_search_and_the_article(served: str) -> None:
    search = rendered_text(f"{served}/search?q={urllib.parse.quote('산업혁명')}")
    assert "경산시 4차산업혁명 포럼" in search
    assert "지역의 기회라고" in search
    listing = rendered_text(f"{served}/article_index?_q={urllib.parse.quote('경산')}")
    assert "2 rows where title or body has “경산”" in listing
    assert "site 2 daejeon 1 gyeongil 1" in listing  # facet: values and counts
    assert "author 1 주정비 2" in listing
    article = rendered_text(served.rsplit("/", 1)[0] + "/-/article/3")
    assert "대전시 과학축제" in article
    assert "경산 출신 연구자도 참여한다." in article
    assert "raw capture" in article


def catching_up(base: str) -> str | None:
    """What the landing page at ``base`` says of the mirror's copy (None: done)."""
    page = lxml.html.fromstring(get(base + "/")[1].decode())
    said = page.cssselect(".catching-up")
    return said[0].text_content() if said else None


def caught_up(process: subprocess.Popen[str], base: str) -> None:
    """Wait until the landing page at ``base`` no longer says the mirror is catching up."""
    for _ in range(600):
        if catching_up(base) is None:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.1)
    raise AssertionError("the mirror did not catch up")


def start_browse(
    database_url: str, mirror: Path, folder: Path
) -> tuple[subprocess.Popen[str], str]:
    """``scrapy browse`` of the PostgreSQL archive through ``mirror``: the process, its URL."""
    port = free_port()
    process = start_scrapy(
        "browse",
        "--port",
        str(port),
        "--snapshot",
        str(mirror),
        database_url=database_url,
        sites_file=folder / "sites.yaml",
    )
    return process, f"http://127.0.0.1:{port}"


def locked(archive: Archive, table: str) -> Connection:
    """A connection holding ``table`` of the PostgreSQL ``archive`` locked
    until it rolls back: what reads it waits."""
    locking = archive.engine.connect()
    locking.execute(text(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
    return locking


def stopped(process: subprocess.Popen[str]) -> str:
    """Stop ``scrapy browse`` as Ctrl-C does: what it printed."""
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    return out


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_postgresql_archive_is_browsed_through_a_mirror(
    database_url: str, tmp_path: Path
) -> None:
    archive = build(database_url)
    mirror = tmp_path / "mirror.db"
    # the copy waits for the articles, locked: browse serves the mirror as it is
    locking = locked(archive, "articles")
    process, base = start_browse(database_url, mirror, tmp_path)
    try:
        query = f"{base}/mirror/search.json?q={urllib.parse.quote('경산')}&_shape=array"
        status, body, _ = answer(process, query)
        assert status == 200 and json.loads(body) == []
        assert "catching up" in (catching_up(base) or "")
        locking.rollback()
        caught_up(process, base)
        assert [row["title"] for row in json.loads(get(query)[1])] == [
            "대전시 과학축제",
            "경산시 4차산업혁명 포럼",
        ]
        _, body, _ = get(f"{base}/?q={urllib.parse.quote('경산')}")
        landing = lxml.html.fromstring(body.decode())
        assert [link.text_content() for link in landing.cssselect(".results .title")] == [
            "대전시 과학축제",
            "경산시 4차산업혁명 포럼",
        ]
        # the mirror keeps no raw capture: it is read from the archive
        page = lxml.html.fromstring(get(f"{base}/-/article/1")[1].decode())
        (raw,) = page.cssselect('a[href^="/-/capture/"]')
        status, body, headers = get(f"{base}{raw.get('href')}")
        assert status == 200 and body == "<h1>경산시 4차산업혁명 포럼</h1>".encode()
        assert headers["Content-Security-Policy"] == "sandbox"
        assert get(f"{base}/-/capture/999")[0] == 404
        status, body, _ = get(f"{base}/-/metadata.json")
        assert database_url not in body.decode()  # the archive's URL is never shown
    finally:
        out = stopped(process)
        locking.close()
        archive.close()
    assert f"mirror {mirror} of 3 articles (3 new, 11 rows copied)" in out


@pytest.mark.postgresql
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_mirror_copy_stopped_half_way_resumes(database_url: str, tmp_path: Path) -> None:
    archive = build(database_url)
    mirror = tmp_path / "mirror.db"
    # the copy takes sites, runs and articles, then waits for the sightings, locked
    locking = locked(archive, "sightings")
    process, base = start_browse(database_url, mirror, tmp_path)
    try:
        answer(process, base + "/")
        for _ in range(300):
            if "3 of 3 articles" in (catching_up(base) or ""):
                break
            time.sleep(0.1)
        assert catching_up(base) == (
            "The mirror is catching up with the archive: 3 of 3 articles so far. "
            "Searches and lists show those."
        )
    finally:
        out = stopped(process)
        locking.rollback()
        locking.close()
    assert "of 3 articles (" not in out  # stopped before it was done
    process, base = start_browse(database_url, mirror, tmp_path)
    try:
        answer(process, base + "/")
        caught_up(process, base)
        sightings = f"{base}/mirror/sightings.json?_shape=array"
        assert len(json.loads(get(sightings)[1])) == 3
    finally:
        out = stopped(process)
        archive.close()
    # resumed: the articles already mirrored were not copied again
    assert f"mirror {mirror} of 3 articles (0 new," in out


def test_a_busy_or_impossible_port_is_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'archive.db'}"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = scrapy("browse", "--port", str(port), database_url=url, sites_file=tmp_path)
    assert busy.returncode == 2
    assert busy.stderr.strip() == (
        f"newsarchive: error: port {port} on 127.0.0.1 is in use: pick another with --port"
    )
    wrong = scrapy("browse", "--port", "70000", database_url=url, sites_file=tmp_path)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines() == [
        "newsarchive: error: --port 70000 is out of range: use 1 to 65535"
    ]
