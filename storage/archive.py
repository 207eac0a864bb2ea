"""The archive as a crawl uses it: register a run, look up what is already
archived, save each fetched page in one transaction, close the run (the runs
themselves, with their lock and resume points, are ``storage.run_records``).

Saving an article matches it, in the same transaction, against what the
archive holds: its URL, then its normalized-body hash (the same story at
another place becomes a *sighting* of the first article), then its near
copies (``storage.near_duplicates``: a lightly edited copy is stored, linked
to its story's first copy by ``duplicate_of``). The earliest publication
wins: an exact copy published earlier moves the article's date back, and a
near copy published earlier becomes the one the others point at.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import aliased, sessionmaker

from storage.band_index import add_keys, story_day
from storage.busy import waiting, waits
from storage.database import (
    ArchiveUnavailable,
    archive_fault,
    one_line,
    open_database,
    safe_url,
)
from storage.models import Article, Capture, MinhashBand, Outcome, Sighting, Site
from storage.near_duplicates import ALONE, Fingerprint, absorb, earlier, place
from storage.requisites import RequisiteRecord, save_requisites
from storage.rows import insert_row
from storage.run_records import RunCounts, Runs
from storage.story_locks import hold_story_locks, text_key
from storage.templates import LinkTemplates
from storage.types import now_seoul

# SQLite and PostgreSQL both accept this many bound parameters in one IN (...)
_LOOKUP_CHUNK = 500


class Archive:
    """One archive database, opened (and migrated) from a URL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.runs = Runs(self.sessions)
        self.templates = LinkTemplates(self.sessions)
        # CPU seconds save_page spent matching near-duplicates (its thread's)
        self.near_duplicate_seconds = 0.0

    @classmethod
    def open(cls, url: str | None = None, read_only: bool = False) -> Archive:
        """Open the archive at ``url`` (default ``DATABASE_URL``); see ``open_database``."""
        return cls(open_database(url, read_only))

    def close(self) -> None:
        self.engine.dispose()

    def check_writable(self) -> None:
        """Raise :class:`ArchiveUnavailable` (one line) unless the archive takes writes:
        a read-only file or database is refused before a crawl fetches anything."""
        try:
            waiting(self._write_nothing)
        except SQLAlchemyError as exc:
            url = safe_url(self.engine.url)
            raise archive_fault(self.engine.url, exc) or ArchiveUnavailable(
                f"archive {url!r} is not writable: {one_line(exc)}"
            ) from exc

    def _write_nothing(self) -> None:
        """A write that changes nothing, rolled back."""
        with self.engine.connect() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
            connection.rollback()

    @waits
    def site_id(self, name: str, cms: str | None, list_url: str) -> int:
        """The id of site ``name``, registering it or updating its settings."""
        try:
            return self._register_site(name, cms, list_url)
        except IntegrityError:
            # another process registered it between our look-up and our insert
            return self._register_site(name, cms, list_url)

    def _register_site(self, name: str, cms: str | None, list_url: str) -> int:
        with self.sessions.begin() as session:
            site = session.scalar(select(Site).where(Site.name == name))
            if site is None:
                site = Site(name=name, cms=cms, list_url=list_url)
                session.add(site)
            else:
                site.cms, site.list_url = cms, list_url
            session.flush()
            return site.id

    def start_run(self, site_id: int, mode: str, since: date | None, until: date | None) -> int:
        """Record the start of a crawl run by this process and return its id
        (``storage.run_records.SiteBusy`` when another run of the site is alive)."""
        return self.runs.start(site_id, mode, since, until)

    def finish_run(self, run_id: int, status: str, counts: RunCounts) -> None:
        """Record how a crawl run ended and what it did."""
        self.runs.finish(run_id, status, counts)

    def archived_dates(self, urls: Iterable[str]) -> dict[str, datetime | None]:
        """For each of ``urls`` already archived, as an article or a sighting of
        one: the article's published time."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, datetime | None] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                rows = session.execute(
                    select(Article.url, Article.published).where(Article.url.in_(chunk))
                )
                found.update((url, published) for url, published in rows)
                rows = session.execute(
                    select(Sighting.url, Article.published)
                    .join(Article, Sighting.article_id == Article.id)
                    .where(Sighting.url.in_(chunk))
                )
                found.update((url, published) for url, published in rows if url not in found)
        return found

    def not_articles(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` a capture showed to hold no article (a 404, an alert
        page, an attachment, ...): the crawler does not fetch them again."""
        wanted = list(dict.fromkeys(urls))
        found: set[str] = set()
        with self.sessions() as session:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                found.update(
                    session.scalars(
                        select(Capture.url)
                        .where(Capture.url.in_(chunk), Capture.outcome == Outcome.NOT_ARTICLE)
                        .distinct()
                    )
                )
        return found

    def failed_urls(self, site: str, max_failures: int) -> list[str]:
        """URLs of ``site`` whose every capture failed, fewer than ``max_failures``
        times, oldest failure first: the pages the next run should try again."""
        other = aliased(Capture)
        came_through = (
            select(other.id)
            .where(other.url == Capture.url, other.outcome != Outcome.FAILED)
            .exists()
        )
        query = (
            select(Capture.url)
            .join(Site, Capture.site_id == Site.id)
            .where(Site.name == site, Capture.outcome == Outcome.FAILED, ~came_through)
            .group_by(Capture.url)
            .having(func.count() < max_failures)
            .order_by(func.min(Capture.fetched_at))
        )
        with self.sessions() as session:
            return list(session.scalars(query))

    def article_counts(self) -> dict[str, int]:
        """How many articles the archive holds, by site name."""
        with self.sessions() as session:
            rows = session.execute(
                select(Site.name, func.count(Article.id))
                .join(Article, Article.site_id == Site.id)
                .group_by(Site.name)
            )
            return {name: count for name, count in rows}

    def save_page(
        self,
        capture: Capture,
        article: Article | None,
        fingerprint: Fingerprint | None = None,
        places: Sequence[str] = (),
        requisites: Sequence[RequisiteRecord] = (),
    ) -> Outcome:
        """Store a capture and, when it yielded a new article, the article and
        its ``requisites`` (``storage.requisites``): in one transaction, so a
        crash never leaves one without the others.

        Returns the capture's outcome. An article whose URL is archived, or
        (given its ``fingerprint``) whose normalized body is, is not stored
        again: the capture's outcome becomes ``duplicate`` and the article's
        URL and ``places`` (other URLs it was linked by) become sightings of
        the archived one. A near copy is stored with ``duplicate_of`` set.
        ``capture.id`` (and ``article.id`` when stored) are set.
        """
        return self.save_pages([PageRows(capture, article, fingerprint, places, requisites)])[0]

    def save_pages(self, pages: Sequence[PageRows]) -> list[Outcome]:
        """Store ``pages`` one after the other as :meth:`save_page` stores one,
        all in one transaction: each page is matched against the pages before
        it. Their outcomes, in order.

        This is the crawl's hot path: the crawl's one writer thread
        (``crawler.writer``) stores the pages that queued up while it wrote
        the last ones, so that a commit (and the search index's flush) is
        paid once for them all; it writes with Core statements rather than
        the ORM's unit of work. The locks of every page's story are taken at
        the start, all at once (``storage.story_locks``).
        """
        with self.engine.begin() as connection:
            keys = [key for page in pages for key in _story_keys(page)]
            if keys:
                hold_story_locks(connection, keys)
            for page in pages:
                self.near_duplicate_seconds += _add_page(connection, page)
                if page.article is not None and page.capture.outcome == Outcome.ARTICLE:
                    save_requisites(connection, page.article.id, page.requisites)
        return [Outcome(page.capture.outcome) for page in pages]

    def record_sightings(
        self, site_id: int, links: Mapping[str, Sequence[str]], seen_at: datetime
    ) -> int:
        """Record that a site linked archived articles: ``links`` maps each
        article's canonical URL to the places it was linked by. Unknown URLs
        are ignored; returns how many articles were seen."""
        with self.engine.begin() as connection:
            urls = (url for url, places in links.items() for url in (url, *places))
            hold_story_locks(connection, map(text_key, urls))
            seen = 0
            for url, places in links.items():
                article_id = connection.execute(_ARTICLE_AT, {"url": url}).scalar()
                if article_id is not None:
                    _sight(connection, article_id, site_id, [url, *places], seen_at, None)
                    seen += 1
            return seen


@dataclass
class PageRows:
    """The new rows of one fetched page: its capture and, when it holds a new
    article, the article, its fingerprint, the other URLs it was linked by
    (``places``) and its photos and files."""

    capture: Capture
    article: Article | None = None
    fingerprint: Fingerprint | None = None
    places: Sequence[str] = ()
    requisites: Sequence[RequisiteRecord] = ()


def _story_keys(page: PageRows) -> list[int]:
    """The story locks ``page``'s article is saved under: the same story saved
    by two crawls at once becomes one article and a sighting, or a first copy
    and its copy, not two originals; writers of one URL, body or band key are
    matched one after the other."""
    if page.article is None:
        return []
    keys = [text_key(url) for url in (page.article.url, *page.places)]
    if page.fingerprint is not None:
        keys += [text_key(page.fingerprint.content_hash), *page.fingerprint.band_keys]
    return keys


def _add_page(connection: Connection, page: PageRows) -> float:
    """``save_pages``' writes of one page, inside its transaction (its story's
    locks taken); the CPU seconds its near-duplicate matching took."""
    capture, article, fingerprint = page.capture, page.article, page.fingerprint
    if article is None:
        capture.id = insert_row(connection, capture)
        return 0.0
    seen = [article.url, *page.places]
    at_url, at_sighting, same_body = connection.execute(
        _KNOWN_AS,
        {"url": article.url, "hash": fingerprint.content_hash if fingerprint else None},
    ).one()
    original_id = at_url or at_sighting or same_body
    if original_id is not None:
        capture.outcome = Outcome.DUPLICATE
        capture.id = insert_row(connection, capture)
        _sight(
            connection, original_id, capture.site_id, seen, capture.fetched_at, article.published
        )
        _keep_earliest(connection, original_id, article.published)
        return 0.0
    article.archived_at = article.archived_at or now_seoul()
    placement = ALONE
    matching = time.thread_time()
    if fingerprint is not None:
        placement = place(connection, fingerprint, article.published, article.archived_at)
        article.compared_text = fingerprint.compared_text
    matched = time.thread_time() - matching
    capture.id = insert_row(connection, capture)
    article.capture_id = capture.id
    article.duplicate_of_id = placement.first_copy
    article.id = insert_row(connection, article)
    if fingerprint is not None:
        indexing = time.thread_time()
        day = story_day(article.published, article.archived_at)
        add_keys(connection, article.id, fingerprint.band_keys, day, placement.first_copy is None)
        matched += time.thread_time() - indexing
    connection.execute(
        insert(Sighting),
        [
            {
                "article_id": article.id,
                "site_id": capture.site_id,
                "url": url,
                "published": article.published,
                "first_seen": capture.fetched_at,
                "last_seen": capture.fetched_at,
            }
            for url in dict.fromkeys(seen)
        ],
    )
    if placement.absorbed:
        # a near copy published before the first copies it matches becomes theirs
        absorbing = time.thread_time()
        absorb(connection, fingerprint, article.id, placement)
        matched += time.thread_time() - absorbing
    return matched


# the article archived at a URL, or sighted there; the first with a body hash
# (min(): an ORDER BY .. LIMIT 1 would let SQLite walk the whole table in id order)
_AT_URL = select(Article.id).where(Article.url == bindparam("url")).scalar_subquery()
_SIGHTED_AT = (
    select(func.min(Sighting.article_id)).where(Sighting.url == bindparam("url")).scalar_subquery()
)
_ARTICLE_AT = select(func.coalesce(_AT_URL, _SIGHTED_AT))
_KNOWN_AS = select(
    _AT_URL,
    _SIGHTED_AT,
    select(func.min(Article.id)).where(Article.content_hash == bindparam("hash")).scalar_subquery(),
)
_SIGHTING = select(Sighting.id, Sighting.first_seen, Sighting.last_seen).where(
    Sighting.article_id == bindparam("article_id"),
    Sighting.url == bindparam("url"),
    Sighting.site_id == bindparam("site_id"),
)


def _sight(
    connection: Connection,
    article_id: int,
    site_id: int,
    urls: Iterable[str],
    seen_at: datetime,
    published: datetime | None,
) -> None:
    """Add or refresh the sightings of ``article_id`` at ``urls`` on ``site_id``."""
    for url in dict.fromkeys(urls):
        where = {"article_id": article_id, "url": url, "site_id": site_id}
        sighting = connection.execute(_SIGHTING, where).one_or_none()
        if sighting is None:
            connection.execute(
                insert(Sighting),
                {**where, "published": published, "first_seen": seen_at, "last_seen": seen_at},
            )
        else:
            connection.execute(
                update(Sighting)
                .where(Sighting.id == sighting.id)
                .values(
                    first_seen=min(sighting.first_seen, seen_at),
                    last_seen=max(sighting.last_seen, seen_at),
                )
            )


def _keep_earliest(connection: Connection, article_id: int, published: datetime | None) -> None:
    """An exact copy published before the article moves the article's date back."""
    stored = connection.execute(select(Article.published).where(Article.id == article_id)).scalar()
    if earlier(published, stored):
        connection.execute(
            update(Article).where(Article.id == article_id).values(published=published)
        )
        connection.execute(
            update(MinhashBand)
            .where(MinhashBand.article_id == article_id)
            .values(day=story_day(published, published))
        )
