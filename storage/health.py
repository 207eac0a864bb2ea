"""Per-site health, as ``scrapy sites`` and ``scrapy failures`` show it: what
each site holds, how its last run ended, and the pages that keep failing.

A *failure* is a URL whose every capture failed (a later capture that came
through settles it), with the reason its latest try gave and how many tries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Engine, and_, distinct, func, select
from sqlalchemy.orm import Session, aliased

from storage.models import Article, Capture, CrawlRun, Outcome, Site


@dataclass(frozen=True)
class SiteHealth:
    site: str
    articles: int
    last_run_status: str | None
    last_run_started: datetime | None
    newest_published: datetime | None
    failed: int  # URLs whose every capture failed
    not_article: int  # URLs that held no article
    list_failed: int  # list pages the last run could not read


@dataclass(frozen=True)
class Failure:
    site: str
    url: str
    reason: str | None
    tries: int
    last_tried: datetime


def _unsettled() -> ColumnElement[bool]:
    """Failed captures of URLs no capture came through for."""
    other = aliased(Capture)
    came_through = (
        select(other.id).where(other.url == Capture.url, other.outcome != Outcome.FAILED).exists()
    )
    return and_(Capture.outcome == Outcome.FAILED, ~came_through)


def site_names(engine: Engine) -> set[str]:
    """The names of the sites the archive knows."""
    with Session(engine) as session:
        return set(session.scalars(select(Site.name)))


def site_health(engine: Engine) -> list[SiteHealth]:
    """One :class:`SiteHealth` per site the archive knows, by name."""
    unsettled = _unsettled()
    with Session(engine) as session:
        articles = dict(
            session.execute(select(Article.site_id, func.count()).group_by(Article.site_id)).all()
        )
        newest = dict(
            session.execute(
                select(Article.site_id, func.max(Article.published)).group_by(Article.site_id)
            ).all()
        )
        failed = dict(
            session.execute(
                select(Capture.site_id, func.count(distinct(Capture.url)))
                .where(unsettled)
                .group_by(Capture.site_id)
            ).all()
        )
        not_article = dict(
            session.execute(
                select(Capture.site_id, func.count(distinct(Capture.url)))
                .where(Capture.outcome == Outcome.NOT_ARTICLE)
                .group_by(Capture.site_id)
            ).all()
        )
        last = (
            select(CrawlRun.site_id, func.max(CrawlRun.id).label("run_id"))
            .group_by(CrawlRun.site_id)
            .subquery()
        )
        runs = {
            run.site_id: run
            for run in session.scalars(select(CrawlRun).join(last, CrawlRun.id == last.c.run_id))
        }
        health = []
        for site in session.scalars(select(Site).order_by(Site.name)):
            run = runs.get(site.id)
            health.append(
                SiteHealth(
                    site=site.name,
                    articles=articles.get(site.id, 0),
                    last_run_status=run.status if run else None,
                    last_run_started=run.started_at if run else None,
                    newest_published=newest.get(site.id),
                    failed=failed.get(site.id, 0),
                    not_article=not_article.get(site.id, 0),
                    list_failed=run.list_failed if run else 0,
                )
            )
        return health


def failures(engine: Engine, site: str | None = None) -> list[Failure]:
    """The URLs whose every capture failed (of ``site``, or all), most tried first."""
    unsettled = _unsettled()
    latest = func.max(Capture.id)
    query = (
        select(Site.name, Capture.url, func.count(), latest, func.max(Capture.fetched_at))
        .join(Site, Capture.site_id == Site.id)
        .where(unsettled)
        .group_by(Site.name, Capture.url)
        .order_by(func.count().desc(), Site.name, Capture.url)
    )
    if site:
        query = query.where(Site.name == site)
    with Session(engine) as session:
        rows = session.execute(query).all()
        reasons = dict(
            session.execute(
                select(Capture.id, Capture.error).where(Capture.id.in_([row[3] for row in rows]))
            ).all()
        )
    return [
        Failure(name, url, reasons.get(capture_id), tries, last)
        for name, url, tries, capture_id, last in rows
    ]
