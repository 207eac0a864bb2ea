"""Years of archive at a flat cost: what a daily run costs as the archive grows.

For each of ``--sizes`` (articles; default 10000,100000, and 1000000 works) a
fresh archive (an SQLite file, or a new database on the PostgreSQL server of
``--database-url``) is built in bulk through ``storage.bulk``: 20 sites (the
sample portal's ``newscms`` among them), one finished backfill run each, the
articles spread over five years, one page in a hundred a failed capture.
Their text is the sample portal's stories (``sample_portal.content``) and,
one in ten, a press office's stock-sentence releases
(``sample_portal.releases``), fingerprinted by ``pipelines.fingerprint``. A
pool of distinct stories is fingerprinted (two worker processes) and written
again as further articles: each copy gets its own hash and band keys (its
MinHash signature moved by the copy's number), so copies are unrelated to
each other and to anything new, as distinct articles mostly are; the
near-duplicate candidates measured are those the pool's originals give.

Then, on each archive, it measures and prints in one table:

- build: seconds to build it;
- a daily run of ``newscms`` finding 30 new articles (``scrapy daily``, one
  process, extraction in its thread): CPU seconds and peak RSS;
- near-duplicate matching of 60 articles: the daily run's 30 new stories and
  30 reprints of archived ones (:func:`reprints`): candidates per article
  (archived articles in its window sharing band keys with it, stock keys left
  out), the ms ``storage.near_duplicates.place`` takes per article (each
  placed in a transaction rolled back, before the run), and how many of the
  reprints it found to be copies;
- relearning ``newscms``'s boilerplate as a run's end does (wall seconds);
- ``Archive.failed_urls`` for the site, as each run asks it (ms);
- ``scrapy browse`` (PostgreSQL: through a new SQLite mirror, served at once
  and catching up in the background): seconds until its database page
  answers, on a first start and on a second; once the mirror caught up, the
  slowest answer of the searches ``경산``, ``지원``, ``軍``, ``지원사업`` and
  ``청년 버스킹`` (``search.json``, each asked 3 times) and of the article list
  with its three facets, unsearched and searched (``_q=``) for each, in ms;
  and how many answered HTTP 400 (a query over Datasette's time limit);
- database bytes per article.

    .venv/bin/python benchmarks/scale.py [--sizes 10000,100000]
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --database-url postgresql://user@host/postgres
    .venv/bin/python benchmarks/scale.py --sizes 1000000 --keep /var/tmp/scale   # again: no build
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.browse import answers, caught_up, free_port, wait_for
from crawler.archiving.boilerplate_learning import relearn
from pipelines.fingerprint import Fingerprint, band_keys, fingerprint
from sample_portal import SamplePortal, serve
from sample_portal.content import Newsroom
from sample_portal.releases import HOUSE_STYLES, house_style_releases
from storage.archive import Archive
from storage.band_index import story_day
from storage.bulk import BulkArticle, BulkFailure, load_articles, load_failures
from storage.database import create_archive_engine
from storage.models import Article
from storage.near_duplicates import candidates, place
from storage.run_records import RunCounts
from storage.types import SEOUL

ROOT = Path(__file__).resolve().parent.parent
SITE = "newscms"  # the sample portal's site the daily run crawls
SITES = [SITE, *(f"region{n:02}" for n in range(19))]
NEW = 30  # articles the daily run finds
POOL = 3000  # distinct stories fingerprinted; further articles are their copies
RELEASE_SHARE = 0.1
FAILED_SHARE = 0.01
YEARS = 5
BATCH = 2000
START = datetime(2021, 1, 1, 9, 0, tzinfo=SEOUL)
SEARCHES = ("경산", "지원", "軍", "지원사업", "청년 버스킹")  # of 2, 2, 1, 4 and 6 characters
FAST = ["-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0", "-s", "LOG_LEVEL=WARNING"]


@dataclass(frozen=True)
class Text:
    """A distinct article text and its fingerprint."""

    title: str
    body: str
    print_: Fingerprint


def _fingerprinted(texts: list[tuple[str, str]]) -> list[Text]:
    """In a worker: ``texts`` (title, body) with their fingerprints."""
    return [Text(title, body, fingerprint(title, body)) for title, body in texts]


def pools(size: int) -> tuple[list[Text], list[Text]]:
    """The distinct stories and releases the archive's articles are made of."""
    newsroom = Newsroom(7)
    stories = []
    for n in range(min(POOL, size)):
        story = newsroom.story(SITES[n % len(SITES)], START + timedelta(hours=n))
        stories.append((story.title, "\n\n".join(story.paragraphs)))
    releases = []
    for seed in range(len(HOUSE_STYLES)):
        for n, body in enumerate(house_style_releases(seed, 128)):
            releases.append((f"보도자료 {seed}-{n}", body))
    chunks = [stories[i : i + 200] for i in range(0, len(stories), 200)] + [releases]
    with multiprocessing.get_context("fork").Pool(2) as workers:
        done = workers.map(_fingerprinted, chunks)
    return [one for chunk in done[:-1] for one in chunk], done[-1]


def copy_of(original: Text, number: int) -> Text:
    """Copy ``number`` of a text (0: itself): its own hash and band keys."""
    if number == 0:
        return original
    found = original.print_
    moved = None
    keys: tuple[int, ...] = ()
    if found.signature is not None:
        shift = np.uint32(number * 0x9E3779B9 & 0xFFFFFFFF)
        signature = np.frombuffer(found.signature, dtype="<u4") ^ shift
        moved, keys = signature.astype("<u4").tobytes(), band_keys(signature)
    content_hash = f"{found.content_hash[:56]}{number:08x}"
    title = f"{original.title} ({number})"
    return Text(title, original.body, replace(found, content_hash=content_hash,
                                               signature=moved, band_keys=keys))  # fmt: skip


def page(text: Text) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.body.split("\n\n"))
    return f"<html><body><h1>{text.title}</h1>{paragraphs}</body></html>".encode()


def build(archive: Archive, size: int) -> float:
    """Fill ``archive`` with ``size`` articles (see the module doc); seconds taken."""
    began = time.perf_counter()
    stories, releases = pools(size)
    site_ids, run_ids = {}, {}
    for name in SITES:
        site_ids[name] = archive.site_id(name, "generic", f"http://{name}.example/?page={{page}}")
        run_ids[name] = archive.start_run(site_ids[name], "backfill", None, None)
    rng = random.Random(size)
    step = timedelta(days=365 * YEARS) / size
    used = {"story": 0, "release": 0}
    batch: list[BulkArticle] = []
    failures: list[BulkFailure] = []
    for n in range(size):
        name = SITES[n % len(SITES)]
        kind, pool = ("release", releases) if rng.random() < RELEASE_SHARE else ("story", stories)
        count = used[kind]
        used[kind] += 1
        text = copy_of(pool[count % len(pool)], count // len(pool))
        when = START + n * step
        url = f"http://{name}.example/news/{n}"
        batch.append(
            BulkArticle(
                site_ids[name], run_ids[name], url, text.title, text.body, when,
                when + timedelta(hours=1), page(text), text.print_,
            )
        )  # fmt: skip
        if rng.random() < FAILED_SHARE:
            failures.append(
                BulkFailure(site_ids[name], run_ids[name], f"{url}?failed", when, "timeout")
            )
        if len(batch) == BATCH:
            load_articles(archive.engine, batch)
            batch = []
    load_articles(archive.engine, batch)
    load_failures(archive.engine, failures)
    for name in SITES:
        archive.finish_run(run_ids[name], "finished", RunCounts(new=size // len(SITES)))
    if archive.engine.dialect.name == "postgresql":
        with archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would, in time
    return time.perf_counter() - began


@dataclass(frozen=True)
class Newcomer:
    """An article placed among the archive's near-duplicate clusters."""

    title: str
    body: str
    published: datetime


def reprints(archive: Archive) -> list[Newcomer]:
    """``NEW`` reprints of the archive's earliest stories, as another portal
    posts a story it took: its last paragraph dropped and a line of its own
    added, dated as the story (its originals' band keys are their own; the
    later copies' are moved, see the module doc)."""
    earliest = select(Article.title, Article.body, Article.published).order_by(Article.id)
    with archive.engine.connect() as connection:
        rows = connection.execute(earliest.limit(NEW)).all()
    made = []
    for title, body, published in rows:
        paragraphs = body.split("\n\n")
        kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
        kept.append("※ 이 기사는 제휴사 보도자료를 바탕으로 작성됐습니다.")
        made.append(Newcomer(title, "\n\n".join(kept), published))
    return made


@dataclass(frozen=True)
class Placing:
    """What placing new articles cost: candidates and ms per article, and how
    many reprints were placed as copies of their stories."""

    candidates: float
    ms: float
    found: int


def placing(archive: Archive, portal: SamplePortal) -> Placing:
    """Place ``NEW`` new stories (the daily run's) and ``NEW`` reprints of
    archived ones, each in a transaction rolled back: candidates per article
    (those the matcher compares: in the window, stock keys left out), ms to
    place each, reprints found to be copies."""
    fresh = [
        Newcomer(article.title, "\n\n".join(article.paragraphs), article.published)
        for article in portal.articles(SITE)
    ]
    taken = reprints(archive)
    count, spent, found = 0, 0.0, 0
    archived_at = datetime.now(SEOUL)
    for number, article in enumerate(fresh + taken):
        printed = fingerprint(article.title, article.body)
        with archive.engine.connect() as connection:
            day = story_day(article.published, archived_at)
            count += len(candidates(connection, printed, day))
            began = time.perf_counter()
            placement = place(connection, printed, article.published, archived_at)
            spent += time.perf_counter() - began
            connection.rollback()
        if number >= len(fresh) and (placement.first_copy or placement.absorbed):
            found += 1
    placed = len(fresh) + len(taken)
    return Placing(count / placed, 1000 * spent / placed, found)


def daily_run(database_url: str, portal: SamplePortal, base_url: str, folder: Path) -> str:
    """``scrapy daily SITE``: CPU seconds and peak RSS, as one cell each."""
    sites = folder / "sites.yaml"
    sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
    environment = {**os.environ, "DATABASE_URL": database_url, "NEWSARCHIVE_SITES": str(sites)}
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "daily", SITE, *FAST],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    _, status, usage = os.wait4(process.pid, 0)
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the daily run failed: {stderr[-2000:]}")
    return f"{usage.ru_utime + usage.ru_stime:>8.1f} {usage.ru_maxrss / 1024:>7.0f}"


def median_ms(call: object, times: int = 3) -> float:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        call()  # type: ignore[operator]
        spent.append(time.perf_counter() - began)
    return 1000 * sorted(spent)[len(spent) // 2]


def browsing(database_url: str, folder: Path) -> str:
    """``scrapy browse`` (PostgreSQL: through a new mirror in ``folder``):
    seconds to its database page on a first start and on a second; the
    mirror caught up, the slowest answer (ms) of the searches and of the
    faceted article lists, and how many answered HTTP 400."""
    path = make_url(database_url).database or ""
    options: tuple[str, ...] = ()
    if not database_url.startswith("sqlite"):
        path = str(folder / f"mirror-{path}.db")
        options = ("--snapshot", path)
    stem = Path(path).stem
    first, (searched, listed, refused) = browse_started(database_url, stem, options, True)
    again, _ = browse_started(database_url, stem, options, False)
    return f"{first:>7.1f} {again:>7.1f} {searched:>8.0f} {listed:>8.0f} {refused:>4}"


def browse_started(
    database_url: str, stem: str, options: tuple[str, ...], measure: bool
) -> tuple[float, tuple[float, float, int]]:
    """Start ``scrapy browse``: seconds until its database page answers, and
    (``measure``) once the mirror caught up, the slowest search (``search.json``,
    each of :data:`SEARCHES` asked 3 times) and faceted list (``article_index``
    with its 3 facets, unsearched and ``_q=`` each), in ms, and the HTTP 400s."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environment = {**os.environ, "DATABASE_URL": database_url}
    began = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapy", "browse", "--port", str(port), *options],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for(process, f"{base}/{stem}")
        opened = time.perf_counter() - began
        if not measure:
            return opened, (0.0, 0.0, 0)
        caught_up(process, base)
        quoted = [urllib.parse.quote(query) for query in SEARCHES]
        table = f"{base}/{stem}/article_index"
        searched = [answers(f"{base}/{stem}/search.json?_shape=array&q={q}", 3) for q in quoted]
        listed = [answers(url, 3) for url in (table, *(f"{table}?_q={q}" for q in quoted))]
        refused = sum(status == 400 for _, _, status in searched + listed)
        slowest = [1000 * max(max(spent) for spent, _, _ in found) for found in (searched, listed)]
        return opened, (slowest[0], slowest[1], refused)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=60)


def size_per_article(archive: Archive, database_url: str, size: int) -> float:
    if archive.engine.dialect.name == "postgresql":
        with archive.engine.connect() as connection:
            total = connection.scalar(text("SELECT pg_database_size(current_database())"))
    else:
        path = Path(make_url(database_url).database or "")
        total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return total / size


@dataclass(frozen=True)
class Kept:
    """An archive's database, and whether it was built by an earlier run."""

    url: str
    built: bool


@contextmanager
def archive_database(server: str | None, folder: Path, size: int, keep: bool) -> Iterator[Kept]:
    """The database of the archive of ``size`` articles: an SQLite file in
    ``folder``, or a database on ``server``; new unless ``keep`` and kept by an
    earlier run (then kept again)."""
    if server is None:
        path = folder / f"scale{size}.db"
        yield Kept(f"sqlite:///{path}", keep and path.exists())
        return
    name = (
        f"newsarchive_scale_{size}" if keep else f"newsarchive_scale_{size}_{uuid.uuid4().hex[:8]}"
    )
    admin = create_archive_engine(server).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield Kept(
            make_url(server).set(database=name).render_as_string(hide_password=False), bool(exists)
        )
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def measure(size: int, server: str | None, folder: Path, keep: bool) -> str:
    with archive_database(server, folder, size, keep) as database:
        archive = Archive.open(database.url)
        try:
            built = "kept" if database.built else f"{build(archive, size):.0f}"
            before = archive.article_counts()[SITE]
            portal = SamplePortal(articles_per_site=NEW, sites=[SITE], seed=size + before)
            placed = placing(archive, portal)
            with serve(portal) as base_url:
                run = daily_run(database.url, portal, base_url, folder)
            new = archive.article_counts()[SITE] - before
            relearned = median_ms(lambda: relearn(archive.engine, SITE), times=1) / 1000
            failed_ms = median_ms(lambda: archive.failed_urls(SITE, 3))
            browse = browsing(database.url, folder)
            per_article = size_per_article(archive, database.url, size)
        finally:
            archive.close()
    return (
        f"{size:>9,} {built:>8} {new:>4} {run} {placed.candidates:>10.1f} {placed.ms:>8.1f}"
        f" {placed.found:>4}/{NEW}"
        f" {relearned:>8.2f} {failed_ms:>8.1f} {browse} {per_article:>9,.0f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="archive sizes, in articles")
    parser.add_argument(
        "--database-url", help="a PostgreSQL server (a new database per size); default SQLite"
    )
    parser.add_argument(
        "--keep",
        metavar="FOLDER",
        help="keep the archives (SQLite files here; PostgreSQL databases newsarchive_scale_SIZE)"
        " and measure one an earlier run kept again, its build skipped",
    )
    opts = parser.parse_args(argv)
    sizes = [int(size) for size in opts.sizes.split(",")]
    backend = "PostgreSQL" if opts.database_url else "SQLite"
    load = os.getloadavg()
    print(
        f"{backend}; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; {os.cpu_count()} CPUs"
    )
    print(
        f"{'articles':>9} {'build s':>8} {'new':>4} {'run CPU':>8} {'RSS MiB':>7}"
        f" {'candidates':>10} {'place ms':>8} {'copies':>7} {'relearn':>8} {'failed':>8}"
        f" {'browse':>7} {'again':>7} {'search':>8} {'list':>8} {'400':>4} {'B/article':>9}"
    )
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(opts.keep or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            print(measure(size, opts.database_url, folder, bool(opts.keep)), flush=True)
    print(
        "run CPU: s of `scrapy daily` (all its threads), RSS its peak; relearn: wall s;"
        " failed: ms of failed_urls; browse, again: s to the database page, first and second"
        " start; search, list: the slowest of the searches and faceted lists, ms; 400: HTTP 400s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
