"""The archive as a crawl uses it: register a run, look up what is already
archived, save each fetched page in one transaction, close the run."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.database import ArchiveUnavailable, open_database
from storage.models import Article, Capture, CrawlRun, Site
from storage.types import now_seoul

# SQLite and PostgreSQL both accept this many bound parameters in one IN (...)
_LOOKUP_CHUNK = 500


@dataclass
class RunCounts:
    """What a crawl run did, as shown to the archivist."""

    pages: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    list_failed: int = 0  # list pages that could not be read

    def count(self, outcome: str) -> None:
        """Count one saved capture by its outcome."""
        self.pages += 1
        if outcome == "article":
            self.new += 1
        elif outcome == "duplicate":
            self.duplicate += 1
        elif outcome == "failed":
            self.failed += 1


class Archive:
    """One archive database, opened (and migrated) from a URL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None) -> Archive:
        """Open the archive at ``url`` (default ``DATABASE_URL``); see ``open_database``."""
        return cls(open_database(url))

    def close(self) -> None:
        self.engine.dispose()

    def check_writable(self) -> None:
        """Raise :class:`ArchiveUnavailable` (one line) unless the archive takes writes:
        a read-only file or database is refused before a crawl fetches anything."""
        try:
            with self.engine.connect() as connection:
                # a write that changes nothing, rolled back
                connection.execute(text("UPDATE alembic_version SET version_num = version_num"))
                connection.rollback()
        except SQLAlchemyError as exc:
            reason = str(exc.orig or exc).strip().splitlines()[0]
            url = self.engine.url.render_as_string(hide_password=True)
            raise ArchiveUnavailable(f"archive {url!r} is not writable: {reason}") from exc

    def site_id(self, name: str, cms: str | None, list_url: str) -> int:
        """The id of site ``name``, registering it or updating its settings."""
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
        """Record the start of a crawl run and return its id."""
        with self.sessions.begin() as session:
            run = CrawlRun(site_id=site_id, mode=mode, since=since, until=until)
            session.add(run)
            session.flush()
            return run.id

    def finish_run(self, run_id: int, status: str, counts: RunCounts) -> None:
        """Record how a crawl run ended and what it did."""
        with self.sessions.begin() as session:
            run = session.get_one(CrawlRun, run_id)
            run.status = status
            run.finished_at = now_seoul()
            run.pages, run.new = counts.pages, counts.new
            run.duplicate, run.failed = counts.duplicate, counts.failed
            run.list_failed = counts.list_failed

    def archived_dates(self, urls: Iterable[str]) -> dict[str, datetime | None]:
        """For each of ``urls`` already archived as an article: its published time."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, datetime | None] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                chunk = wanted[start : start + _LOOKUP_CHUNK]
                rows = session.execute(
                    select(Article.url, Article.published).where(Article.url.in_(chunk))
                )
                found.update((url, published) for url, published in rows)
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
                        .where(Capture.url.in_(chunk), Capture.outcome == "not_article")
                        .distinct()
                    )
                )
        return found

    def failed_urls(self, site: str, max_failures: int) -> list[str]:
        """URLs of ``site`` whose every capture failed, fewer than ``max_failures``
        times, oldest failure first: the pages the next run should try again."""
        other = aliased(Capture)
        came_through = (
            select(other.id).where(other.url == Capture.url, other.outcome != "failed").exists()
        )
        query = (
            select(Capture.url)
            .join(Site, Capture.site_id == Site.id)
            .where(Site.name == site, Capture.outcome == "failed", ~came_through)
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

    def save_page(self, capture: Capture, article: Article | None) -> str:
        """Store a capture and, when it yielded a new article, the article: in one
        transaction, so a crash never leaves one without the other.

        Returns the capture's outcome; an article whose URL is already archived
        is not stored again and the capture's outcome becomes ``duplicate``.
        """
        try:
            with self.sessions.begin() as session:
                self._add_page(session, capture, article)
        except IntegrityError:
            if article is None or not self.archived_dates([article.url]):
                raise
            # another run archived the same URL between our check and our insert
            with self.sessions.begin() as session:
                capture.outcome, capture.id = "duplicate", None
                self._add_page(session, capture, None)
        return capture.outcome

    @staticmethod
    def _add_page(session: Session, capture: Capture, article: Article | None) -> None:
        if article is not None:
            known = session.scalar(select(Article.id).where(Article.url == article.url))
            if known is not None:
                capture.outcome, article = "duplicate", None
        session.add(capture)
        if article is not None:
            article.capture = capture
            session.add(article)
