"""The archive as a crawl uses it: register a run, look up what is already
archived, save each fetched page in one transaction, close the run (the runs
themselves, with their lock and resume points, are ``storage.runs``).

Saving an article matches it, in the same transaction, against what the
archive holds: its URL, then its normalized-body hash (the same story at
another place becomes a *sighting* of the first article), then the MinHash
band keys (a lightly edited copy is stored, linked to the first copy by
``duplicate_of``). The earliest publication wins: an exact copy published
earlier moves the article's date back, and a near copy published earlier
becomes the one the others point at.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import Engine, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.database import ArchiveUnavailable, open_database
from storage.models import Article, Capture, MinhashBand, Sighting, Site
from storage.runs import Runs

# SQLite and PostgreSQL both accept this many bound parameters in one IN (...)
_LOOKUP_CHUNK = 500


class Fingerprint(Protocol):
    """What the archive matches a new article's body by (``pipelines.fingerprint``)."""

    content_hash: str
    signature: bytes | None
    band_keys: tuple[int, ...]
    threshold: float

    def may_copy(self, stored: bytes) -> bool: ...

    def resemblance(self, body: str) -> float: ...


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
        self.runs = Runs(self.sessions)

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
        (``storage.runs.SiteBusy`` when another run of the site is alive)."""
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

    def save_page(
        self,
        capture: Capture,
        article: Article | None,
        fingerprint: Fingerprint | None = None,
        places: Sequence[str] = (),
    ) -> str:
        """Store a capture and, when it yielded a new article, the article: in one
        transaction, so a crash never leaves one without the other.

        Returns the capture's outcome. An article whose URL is archived, or
        (given its ``fingerprint``) whose normalized body is, is not stored
        again: the capture's outcome becomes ``duplicate`` and the article's
        URL and ``places`` (other URLs it was linked by) become sightings of
        the archived one. A near copy is stored with ``duplicate_of`` set.
        """
        try:
            with self.sessions.begin() as session:
                self._add_page(session, capture, article, fingerprint, places)
        except IntegrityError:
            if article is None:
                raise
            # another run stored the same URL or sighting between our check and our insert
            capture.id = article.id = article.duplicate_of_id = None
            with self.sessions.begin() as session:
                self._add_page(session, capture, article, fingerprint, places)
        return capture.outcome

    def record_sightings(
        self, site_id: int, links: Mapping[str, Sequence[str]], seen_at: datetime
    ) -> int:
        """Record that a site linked archived articles: ``links`` maps each
        article's canonical URL to the places it was linked by. Unknown URLs
        are ignored; returns how many articles were seen."""
        with self.sessions.begin() as session:
            seen = 0
            for url, places in links.items():
                article_id = _article_at(session, url)
                if article_id is not None:
                    _sight(session, article_id, site_id, [url, *places], seen_at, None)
                    seen += 1
            return seen

    @staticmethod
    def _add_page(
        session: Session,
        capture: Capture,
        article: Article | None,
        fingerprint: Fingerprint | None,
        places: Sequence[str],
    ) -> None:
        session.add(capture)
        if article is None:
            return
        seen = [article.url, *places]
        original_id = _article_at(session, article.url)
        if original_id is None and fingerprint is not None:
            original_id = session.scalar(
                select(func.min(Article.id)).where(Article.content_hash == fingerprint.content_hash)
            )
        if original_id is not None:
            capture.outcome = "duplicate"
            when = capture.fetched_at
            _sight(session, original_id, capture.site_id, seen, when, article.published)
            _keep_earliest(session, original_id, article.published)
            return
        root = near_original(session, fingerprint) if fingerprint is not None else None
        article.capture = capture
        article.duplicate_of_id = root.id if root is not None else None
        session.add(article)
        session.flush()
        if fingerprint is not None and fingerprint.band_keys:
            session.execute(
                insert(MinhashBand),
                [{"key": key, "article_id": article.id} for key in set(fingerprint.band_keys)],
            )
        _sight(session, article.id, capture.site_id, seen, capture.fetched_at, article.published)
        if root is not None and _earlier(article.published, root.published):
            # the new copy was published first: the others now point at it
            session.execute(
                update(Article)
                .where((Article.duplicate_of_id == root.id) | (Article.id == root.id))
                .values(duplicate_of_id=article.id)
            )
            article.duplicate_of_id = None


def _article_at(session: Session, url: str) -> int | None:
    """The id of the article archived at ``url``, or sighted there."""
    found = session.scalar(select(Article.id).where(Article.url == url))
    if found is None:
        # min(): an ORDER BY .. LIMIT 1 would let SQLite walk the whole table in id order
        found = session.scalar(select(func.min(Sighting.article_id)).where(Sighting.url == url))
    return found


def _sight(
    session: Session,
    article_id: int,
    site_id: int,
    urls: Iterable[str],
    seen_at: datetime,
    published: datetime | None,
) -> None:
    """Add or refresh the sightings of ``article_id`` at ``urls`` on ``site_id``."""
    for url in dict.fromkeys(urls):
        sighting = session.scalar(
            select(Sighting).where(
                Sighting.article_id == article_id, Sighting.url == url, Sighting.site_id == site_id
            )
        )
        if sighting is None:
            session.add(
                Sighting(
                    article_id=article_id,
                    site_id=site_id,
                    url=url,
                    published=published,
                    first_seen=seen_at,
                    last_seen=seen_at,
                )
            )
        else:
            sighting.first_seen = min(sighting.first_seen, seen_at)
            sighting.last_seen = max(sighting.last_seen, seen_at)
    session.flush()


def _earlier(candidate: datetime | None, than: datetime | None) -> bool:
    return candidate is not None and (than is None or candidate < than)


def _keep_earliest(session: Session, article_id: int, published: datetime | None) -> None:
    """An exact copy published before the article moves the article's date back."""
    article = session.get_one(Article, article_id)
    if _earlier(published, article.published):
        article.published = published


def near_original(session: Session, fingerprint: Fingerprint) -> Article | None:
    """The near-duplicate index's answer: the first copy of the article whose
    body is a near copy of ``fingerprint``'s. Candidates share an LSH band key;
    those whose MinHash estimate is close have their body's shingles compared."""
    if not fingerprint.band_keys:
        return None
    candidates = session.execute(
        select(Article.id, Article.minhash)
        .where(
            Article.id.in_(
                select(MinhashBand.article_id).where(MinhashBand.key.in_(fingerprint.band_keys))
            )
        )
        .where(Article.minhash.is_not(None))
    ).all()
    close = [article_id for article_id, stored in candidates if fingerprint.may_copy(stored)]
    best: tuple[float, Article] | None = None
    for article_id in close:
        article = session.get_one(Article, article_id)
        similarity = fingerprint.resemblance(article.body)
        if similarity >= fingerprint.threshold and (best is None or similarity > best[0]):
            best = (similarity, article)
    if best is None:
        return None
    found = best[1]
    return session.get_one(Article, found.duplicate_of_id) if found.duplicate_of_id else found
