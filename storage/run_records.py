"""Crawl runs as the crawl, the scheduler and ``scrapy runs`` use them.

A site has at most one *running* run (a partial unique index): the run row is
the site's lock. A second run is refused while the first one's process lives;
a run whose process is gone (same host: its pid is no longer running; any
host: no heartbeat for ``STALE_AFTER``) is marked ``interrupted`` and its
counts are taken from its captures, so a ``kill -9`` never blocks a site.

A run records each list page it reads, with the article links first seen on
it: the next run of the same job (site, mode, window) picks up where an
interrupted one stopped.

A run ends with a :class:`RunStatus` (or the reason Scrapy gave for closing
early, such as ``shutdown``) and, when it ended unhealthy, a one-line reason:
``scrapy runs --problems`` lists the sites whose last run was not healthy.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, Select, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage.busy import waits
from storage.host_processes import process_running
from storage.models import (
    Capture,
    CrawlRun,
    FoundBy,
    Outcome,
    RevisitResult,
    RunListPage,
    Site,
)
from storage.types import now_seoul

HEARTBEAT_INTERVAL = 60.0  # seconds between a running run's signs of life
STALE_AFTER = timedelta(minutes=10)  # a running run silent this long is taken for dead
_LOOKUP_CHUNK = 500


class RunStatus(StrEnum):
    """How a run stands. A run closed early by Scrapy keeps Scrapy's reason
    instead (``shutdown``, ``closespider_pagecount``, ``archive_write_failed``)."""

    RUNNING = "running"
    FINISHED = "finished"  # read its list pages, which linked to articles
    INTERRUPTED = "interrupted"  # its process was killed or vanished
    FAILED = "failed"  # its process exited without closing the run
    NO_ARTICLES = "no_articles"  # read list pages that linked to no article
    LIST_UNREADABLE = "list_unreadable"  # the site answered, but no list page could be read
    UNREACHABLE = "unreachable"  # no request got an answer (DNS, refused, timeouts)
    BLOCKED = "blocked"  # bot checks answered in place of its pages; nothing new archived
    UNDATED = "undated"  # a backfill read articles, none with a readable date
    LIST_ENDED_EARLY = "list_ended_early"  # list paging ended early; no other route made up
    SHORT_OF_ROUTES = "short_of_routes"  # archived too few of what feeds, sitemaps, APIs listed


REVISIT_COUNTS = (
    "revisits_due",
    "revisits_fetched",
    "revisits_not_modified",
    "revisits_changed",
    "revisits_gone",
)


@dataclass
class RunCounts:
    """What a crawl run did, as shown to the archivist."""

    pages: int = 0
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    list_failed: int = 0  # list pages that could not be read
    # new articles first found by the feeds, the sitemaps, the list pages
    found_feed: int = 0
    found_sitemap: int = 0
    found_list: int = 0
    # revisits of archived articles: due, fetched, answered 304, changed, found gone
    revisits_due: int = 0
    revisits_fetched: int = 0
    revisits_not_modified: int = 0
    revisits_changed: int = 0
    revisits_gone: int = 0

    def count_revisit(self, result: str) -> None:
        """Count one revisit by its result (a :class:`RevisitResult` value)."""
        self.revisits_fetched += 1
        if result == RevisitResult.NOT_MODIFIED:
            self.revisits_not_modified += 1
        elif result == RevisitResult.CHANGED:
            self.revisits_changed += 1
        elif result == RevisitResult.GONE:
            self.revisits_gone += 1

    def count(self, outcome: str, found_by: str | None = None) -> None:
        """Count one saved capture by its outcome (and a new article by where
        its link was found first, a :class:`FoundBy` value)."""
        self.pages += 1
        if outcome == Outcome.ARTICLE:
            self.new += 1
            if found_by is not None:
                name = f"found_{FoundBy(found_by).value}"
                setattr(self, name, getattr(self, name) + 1)
        elif outcome == Outcome.DUPLICATE:
            self.duplicate += 1
        elif outcome == Outcome.FAILED:
            self.failed += 1


class SiteBusy(RuntimeError):
    """Another live run holds the site; the message says which and what to do."""


@dataclass(frozen=True)
class RunOwner:
    """The process a run belongs to."""

    pid: int
    host: str

    @classmethod
    def this_process(cls) -> RunOwner:
        return cls(os.getpid(), socket.gethostname())


def run_alive(run: CrawlRun, now: datetime | None = None) -> bool:
    """Whether a run still has a live process behind it (only meaningful while running)."""
    last_seen = run.heartbeat_at or run.started_at
    if (now or now_seoul()) - last_seen > STALE_AFTER:
        return False
    if run.pid is not None and run.host == socket.gethostname():
        return process_running(run.pid)
    return True


@dataclass(frozen=True)
class Resume:
    """What interrupted runs of a job left: the last list page read, the furthest one."""

    number: int | None = None  # the last list page read; None: nothing to resume
    family: str | None = None  # the portal family that read it
    links: tuple[str, ...] = ()  # the article links first seen on it
    furthest: int = 0  # the highest list page they reached
    form: dict[str, str] | None = None  # the post that shows the page after it, if form-paged


@dataclass(frozen=True)
class RunSummary:
    """One crawl run as ``scrapy runs`` shows it."""

    id: int
    site: str
    mode: str
    since: date | None
    until: date | None
    started_at: datetime
    finished_at: datetime | None
    status: str  # "running", or how it ended ("interrupted" when its process is gone)
    pages: int
    new: int
    duplicate: int
    failed: int
    list_failed: int
    exit_code: int | None
    log_file: str | None
    reason: str | None  # why it ended unhealthy, on one line
    host: str | None = None  # the machine that ran it
    found: dict[str, int] | None = None  # new articles by where they were found first
    # its revisits: due, fetched, answered 304, changed, found gone
    revisits: tuple[int, ...] = (0, 0, 0, 0, 0)

    @property
    def healthy(self) -> bool:
        """Whether it finished as it should, or is still running."""
        return self.status in (RunStatus.FINISHED, RunStatus.RUNNING)


class Runs:
    """The ``crawl_runs`` and ``run_list_pages`` tables; every write is one short
    transaction, tried again while another writer holds an SQLite archive (``storage.busy``)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    @waits
    def start(
        self,
        site_id: int,
        mode: str,
        since: date | None,
        until: date | None,
        log_file: str | None = None,
        owner: RunOwner | None = None,
    ) -> int:
        """Record a new running run of the site and return its id.

        Raises :class:`SiteBusy` when another run of the site is alive; a
        running run whose process is gone is marked interrupted first.
        """
        owner = owner or RunOwner.this_process()
        for _attempt in range(3):
            try:
                with self.sessions.begin() as session:
                    run = CrawlRun(
                        site_id=site_id,
                        mode=mode,
                        since=since,
                        until=until,
                        pid=owner.pid,
                        host=owner.host,
                        heartbeat_at=now_seoul(),
                        log_file=log_file,
                    )
                    session.add(run)
                    session.flush()
                    return run.id
            except IntegrityError:
                self._settle_holder(site_id)
        raise SiteBusy(f"site #{site_id}: could not take its run lock; try again")

    def _settle_holder(self, site_id: int) -> None:
        """The site's running run: refuse if it is alive, else mark it interrupted."""
        with self.sessions.begin() as session:
            holder = session.scalar(
                select(CrawlRun).where(
                    CrawlRun.site_id == site_id, CrawlRun.status == RunStatus.RUNNING
                )
            )
            if holder is None:
                return  # it ended meanwhile
            if run_alive(holder):
                raise SiteBusy(_busy_message(session, holder))
            _close_dead(
                session, holder, RunStatus.INTERRUPTED, holder.heartbeat_at or holder.started_at
            )

    @waits
    def heartbeat(self, run_id: int, counts: RunCounts) -> bool:
        """Store a running run's counts and its sign of life; False when it is no
        longer running (another process found it dead and took the site over)."""
        with self.sessions.begin() as session:
            result = session.execute(
                update(CrawlRun)
                .where(CrawlRun.id == run_id, CrawlRun.status == RunStatus.RUNNING)
                .values(heartbeat_at=now_seoul(), **_count_values(counts))
            )
            return bool(result.rowcount)

    @waits
    def record_list_page(
        self,
        run_id: int,
        number: int,
        url: str,
        family: str,
        links: list[str],
        form: dict[str, str] | None = None,
    ) -> None:
        """Remember that the run read list page ``number``, the links first seen
        on it and the ``form`` post that shows the next one (a form-paged list)."""
        with self.sessions.begin() as session:
            session.add(
                RunListPage(
                    run_id=run_id, number=number, url=url, family=family, links=links, form=form
                )
            )

    @waits
    def finish(
        self, run_id: int, status: str, counts: RunCounts, reason: str | None = None
    ) -> None:
        """Record how a run ended, why when it ended unhealthy, and what it did."""
        with self.sessions.begin() as session:
            run = session.get_one(CrawlRun, run_id)
            run.status = status
            run.reason = reason
            run.finished_at = now_seoul()
            for name, value in _count_values(counts).items():
                setattr(run, name, value)

    @waits
    def record_exit(self, run_id: int, exit_code: int, log_file: str | None = None) -> None:
        """Record the exit code of the run's process (and its log file, when given).

        A run still marked running had its process die under it: it becomes
        ``interrupted`` when a signal ended the process (negative code), else ``failed``.
        """
        with self.sessions.begin() as session:
            run = session.get_one(CrawlRun, run_id)
            run.exit_code = exit_code
            if log_file is not None:
                run.log_file = log_file
            if run.status == RunStatus.RUNNING:
                status = RunStatus.INTERRUPTED if exit_code < 0 else RunStatus.FAILED
                _close_dead(session, run, status, now_seoul())

    def find(self, site: str, pid: int, started_after: datetime) -> int | None:
        """The run process ``pid`` of this host started for ``site`` after a moment."""
        with self.sessions() as session:
            return session.scalar(
                select(CrawlRun.id)
                .join(Site, Site.id == CrawlRun.site_id)
                .where(
                    Site.name == site,
                    CrawlRun.pid == pid,
                    CrawlRun.host == socket.gethostname(),
                    CrawlRun.started_at >= started_after,
                )
                .order_by(CrawlRun.id.desc())
                .limit(1)
            )

    def resume_point(self, site: str, mode: str, since: date | None, until: date | None) -> Resume:
        """What the job's runs since its last finished one left unfinished."""
        with self.sessions() as session:
            job = _job(site, mode, since, until)
            last_finished = session.scalar(
                select(func.max(CrawlRun.id))
                .join(Site, Site.id == CrawlRun.site_id)
                .where(*job, CrawlRun.status == RunStatus.FINISHED)
            )
            pages = (
                select(RunListPage)
                .join(CrawlRun, CrawlRun.id == RunListPage.run_id)
                .join(Site, Site.id == CrawlRun.site_id)
                .where(
                    *job, CrawlRun.id > (last_finished or 0), CrawlRun.status != RunStatus.FINISHED
                )
            )
            last = session.scalar(pages.order_by(RunListPage.id.desc()).limit(1))
            if last is None:
                return Resume()
            read = pages.subquery()
            furthest = session.scalar(select(func.max(read.c.number)))
            return Resume(
                last.number, last.family, tuple(last.links), furthest or last.number, last.form
            )

    def unfinished_until(self, site: str, since: date) -> date | None:
        """The end of the window of the site's latest backfill from ``since``, when
        that backfill did not finish (so that resuming it keeps its window)."""
        with self.sessions() as session:
            latest = session.scalar(
                select(CrawlRun)
                .join(Site, Site.id == CrawlRun.site_id)
                .where(Site.name == site, CrawlRun.mode == "backfill", CrawlRun.since == since)
                .order_by(CrawlRun.id.desc())
                .limit(1)
            )
        return latest.until if latest is not None and latest.status != RunStatus.FINISHED else None

    def window_captures(
        self, site: str, since: date, until: date, urls: Iterable[str]
    ) -> dict[str, datetime | None]:
        """For each of ``urls`` a backfill of this window already captured (and did not
        fail on): the publication time read from it, if any."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, datetime | None] = {}
        with self.sessions() as session:
            for start in range(0, len(wanted), _LOOKUP_CHUNK):
                rows = session.execute(
                    select(Capture.url, Capture.published)
                    .join(CrawlRun, CrawlRun.id == Capture.run_id)
                    .join(Site, Site.id == CrawlRun.site_id)
                    .where(
                        *_job(site, "backfill", since, until),
                        Capture.outcome != Outcome.FAILED,
                        Capture.url.in_(wanted[start : start + _LOOKUP_CHUNK]),
                    )
                )
                for url, published in rows:
                    if found.get(url) is None:
                        found[url] = published
        return found

    def listing(self, site: str | None = None, limit: int = 20) -> list[RunSummary]:
        """The newest runs first, of one site or all."""
        query = select(CrawlRun, Site.name).join(Site, Site.id == CrawlRun.site_id)
        if site is not None:
            query = query.where(Site.name == site)
        return self._summaries(query.order_by(CrawlRun.id.desc()).limit(limit))

    def summary(self, run_id: int) -> RunSummary:
        """Run ``run_id`` as ``scrapy runs`` shows it."""
        query = select(CrawlRun, Site.name).join(Site, Site.id == CrawlRun.site_id)
        return self._summaries(query.where(CrawlRun.id == run_id))[0]

    def problems(self) -> list[RunSummary]:
        """The last run of each site whose last run was not healthy, by site name."""
        last = select(func.max(CrawlRun.id)).group_by(CrawlRun.site_id)
        query = (
            select(CrawlRun, Site.name)
            .join(Site, Site.id == CrawlRun.site_id)
            .where(CrawlRun.id.in_(last))
            .order_by(Site.name)
        )
        return [run for run in self._summaries(query) if not run.healthy]

    def last_good(self, site: str) -> RunSummary | None:
        """The site's latest finished run that archived pages, if any."""
        query = (
            select(CrawlRun, Site.name)
            .join(Site, Site.id == CrawlRun.site_id)
            .where(Site.name == site, CrawlRun.status == RunStatus.FINISHED, CrawlRun.pages > 0)
            .order_by(CrawlRun.id.desc())
            .limit(1)
        )
        found = self._summaries(query)
        return found[0] if found else None

    def _summaries(self, query: Select[tuple[CrawlRun, str]]) -> list[RunSummary]:
        now = now_seoul()
        with self.sessions() as session:
            rows = [(run, name, _run_counts(session, run)) for run, name in session.execute(query)]
        return [
            RunSummary(
                id=run.id,
                site=name,
                mode=run.mode,
                since=run.since,
                until=run.until,
                started_at=run.started_at,
                finished_at=run.finished_at,
                status=RunStatus.INTERRUPTED
                if run.status == RunStatus.RUNNING and not run_alive(run, now)
                else run.status,
                pages=done.pages,
                new=done.new,
                duplicate=done.duplicate,
                failed=done.failed,
                list_failed=done.list_failed,
                exit_code=run.exit_code,
                log_file=run.log_file,
                reason=run.reason,
                host=run.host,
                found={source.value: getattr(done, f"found_{source.value}") for source in FoundBy},
                revisits=tuple(getattr(done, name) for name in REVISIT_COUNTS),
            )
            for run, name, done in rows
        ]


def _job(site: str, mode: str, since: date | None, until: date | None) -> list[ColumnElement]:
    """Conditions selecting the runs of one job: the same site, mode and window."""
    return [
        Site.name == site,
        CrawlRun.mode == mode,
        CrawlRun.since.is_(None) if since is None else CrawlRun.since == since,
        CrawlRun.until.is_(None) if until is None else CrawlRun.until == until,
    ]


def _count_values(counts: RunCounts) -> dict[str, int]:
    return {
        "pages": counts.pages,
        "new": counts.new,
        "duplicate": counts.duplicate,
        "failed": counts.failed,
        "list_failed": counts.list_failed,
        "found_feed": counts.found_feed,
        "found_sitemap": counts.found_sitemap,
        "found_list": counts.found_list,
        **{name: getattr(counts, name) for name in REVISIT_COUNTS},
    }


def _run_counts(session: Session, run: CrawlRun) -> RunCounts:
    """What a run did: as it recorded it when it ended; for a run still marked
    running (alive, or killed before another ends it), which stored its counts
    only at its last heartbeat, what its captures say (its failed list pages,
    which leave no capture, as of that heartbeat)."""
    if run.status != RunStatus.RUNNING:
        return RunCounts(**{field.name: getattr(run, field.name) for field in fields(RunCounts)})
    counts = _captured_counts(session, run.id)
    counts.list_failed = run.list_failed
    for name in REVISIT_COUNTS:  # as of its last heartbeat
        setattr(counts, name, getattr(run, name))
    return counts


def _captured_counts(session: Session, run_id: int) -> RunCounts:
    """What a run's captures say it did (all but its failed list pages; its
    articles' requisites and the pages kept for provenance are no article pages)."""
    outcome, new_by = Capture.outcome, Capture.found_by
    pages, new, duplicate, failed, *found = session.execute(
        select(
            func.count(Capture.id),
            func.coalesce(func.sum(case((outcome == Outcome.ARTICLE, 1), else_=0)), 0),
            func.coalesce(func.sum(case((outcome == Outcome.DUPLICATE, 1), else_=0)), 0),
            func.coalesce(func.sum(case((outcome == Outcome.FAILED, 1), else_=0)), 0),
            *(
                func.coalesce(
                    func.sum(case(((outcome == Outcome.ARTICLE) & (new_by == source), 1), else_=0)),
                    0,
                )
                for source in FoundBy
            ),
        ).where(
            Capture.run_id == run_id,
            Capture.outcome.not_in((Outcome.REQUISITE, Outcome.PAGE)),
        )
    ).one()
    counts = RunCounts(pages, new, duplicate, failed)
    for source, count in zip(FoundBy, found, strict=True):
        setattr(counts, f"found_{source.value}", count)
    return counts


def _close_dead(session: Session, run: CrawlRun, status: str, finished_at: datetime) -> None:
    """End a run whose process is gone: its counts are what its captures say."""
    counts = _run_counts(session, run)
    run.status = status
    run.finished_at = finished_at
    for name, value in _count_values(counts).items():
        setattr(run, name, value)


def _busy_message(session: Session, run: CrawlRun) -> str:
    name = session.scalar(select(Site.name).where(Site.id == run.site_id))
    window = f" {run.since}..{run.until}" if run.since else ""
    seen = run.heartbeat_at or run.started_at
    return (
        f"site {name!r} is already being crawled: run {run.id} ({run.mode}{window}), "
        f"process {run.pid} on {run.host}, started {run.started_at:%Y-%m-%d %H:%M:%S}, "
        f"last seen {seen:%H:%M:%S}; wait for it to end or stop it "
        f"(see `scrapy runs --site {name}`)"
    )
