"""The archive as a crawl uses it: register a run, look up what is already
archived, save each fetched page in one transaction, close the run (the runs
themselves, with their lock and resume points, are ``storage.runs``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.database import open_database
from storage.models import Article, Capture, Site
from storage.runs import Runs

# SQLite and PostgreSQL both accept this many bound parameters in one IN (...)
_LOOKUP_CHUNK = 500


@dataclass
class RunCounts:
    """What a crawl run did, as shown to the archivist."""

    pages: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0

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
        self.runs = Runs(self.sessions)

    @classmethod
    def open(cls, url: str | None = None) -> Archive:
        """Open the archive at ``url`` (default ``DATABASE_URL``); see ``open_database``."""
        return cls(open_database(url))

    def close(self) -> None:
        self.engine.dispose()

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
        """Record the start of a crawl run by this process and return its id
        (``storage.runs.SiteBusy`` when another run of the site is alive)."""
        return self.runs.start(site_id, mode, since, until)

    def finish_run(self, run_id: int, status: str, counts: RunCounts) -> None:
        """Record how a crawl run ended and what it did."""
        self.runs.finish(run_id, status, counts)

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
