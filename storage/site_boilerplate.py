"""A site's learned boilerplate in the archive: its versions (the highest is in
force); how far it is learned (the site's articles up to a mark) and the
site's newest stories it is learned from, read back by index; its articles
indexed by their end lines, and those holding a line found by them; and the
stored bodies it is taken out of (with their new fingerprints, their
near-duplicate standing checked again)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.end_lines import index_end_lines
from storage.models import Article, ArticleEndLine, BoilerplateMark, Site, SiteBoilerplate
from storage.near_duplicates import Fingerprint
from storage.reextraction import BATCH
from storage.rewritten_bodies import hold_rewritten_stories, rewrite_fingerprints
from storage.site_versions import add_version, newest


@dataclass(frozen=True)
class Boilerplate:
    """The version of a site's boilerplate in force (0 and no lines: none learned)."""

    version: int
    lines: frozenset[str]


@dataclass(frozen=True)
class StoredBody:
    """An archived article's body, and when it was published (or archived)."""

    article_id: int
    story_id: int  # the first copy's id: an article and its near copies are one story
    published: datetime
    title: str
    body: str


@dataclass(frozen=True)
class Learning:
    """How far a site's boilerplate is learned: through which of its articles
    (an id; 0: none yet), its newest article (0: none), and the lines its
    articles were all cleaned of (those of the version in force when the mark
    last moved)."""

    site_id: int
    learned_through: int
    newest: int
    cleaned_of: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CleanedBody:
    """A stored body without its boilerplate, and its new fingerprint."""

    article_id: int
    body: str
    fingerprint: Fingerprint


# a stored body's columns (StoredBody's fields)
_STORED = (
    Article.id,
    func.coalesce(Article.duplicate_of_id, Article.id),
    func.coalesce(Article.published, Article.archived_at),
    Article.title,
    Article.body,
)


def in_force(engine: Engine, site: str) -> Boilerplate:
    """The highest version of ``site``'s boilerplate."""
    row = newest(engine, SiteBoilerplate, site, SiteBoilerplate.version, SiteBoilerplate.lines)
    return Boilerplate(row.version, frozenset(row.lines)) if row else Boilerplate(0, frozenset())


def record(engine: Engine, site: str, lines: frozenset[str], stories: int) -> int:
    """Store ``lines`` as the next version of ``site``'s boilerplate; its number."""
    return add_version(engine, SiteBoilerplate, site, lines=sorted(lines), stories=stories)


def learning(engine: Engine, site: str) -> Learning | None:
    """How far ``site``'s boilerplate is learned; None for a site never seen."""
    with Session(engine) as session:
        site_id = session.scalar(select(Site.id).where(Site.name == site))
        if site_id is None:
            return None
        mark = session.execute(
            select(BoilerplateMark.learned_through, BoilerplateMark.cleaned_of).where(
                BoilerplateMark.site_id == site_id
            )
        ).one_or_none()
        through, cleaned_of = mark if mark is not None else (0, 0)
        lines = session.scalar(
            select(SiteBoilerplate.lines).where(
                SiteBoilerplate.site_id == site_id, SiteBoilerplate.version == cleaned_of
            )
        )
        newest = session.scalar(select(func.max(Article.id)).where(Article.site_id == site_id))
    return Learning(site_id, through, newest or 0, frozenset(lines or ()))


def bodies_before(
    engine: Engine, site_id: int, before: int, batch: int = BATCH
) -> Iterator[list[StoredBody]]:
    """The bodies of the site's articles stored before article ``before``
    (an id), newest first, ``batch`` at a time: read until the caller stops.
    A batch's ids are read first, from the index on site and id alone
    (PostgreSQL would otherwise walk the articles' ids, filtering them by site)."""
    newest = (
        select(Article.id)
        .where(Article.site_id == site_id, Article.id < bindparam("before"))
        .order_by(Article.id.desc())
        .limit(batch)
    )
    while True:
        with Session(engine) as session:
            ids = session.scalars(newest, {"before": before}).all()
            if not ids:
                return
            query = select(*_STORED).where(Article.id.in_(ids)).order_by(Article.id.desc())
            rows = session.execute(query).all()
        yield [StoredBody(*row) for row in rows]
        before = ids[-1]


def keep_end_lines(engine: Engine, site_id: int, lines: Mapping[int, frozenset[int]]) -> None:
    """Index articles (id -> the hashes of their end lines) of the site by
    their end lines, one transaction for the lot (an article kept before, by
    a learning that stopped short, is kept once)."""
    if lines:
        with engine.begin() as connection:
            index_end_lines(connection, site_id, lines)


def mark_learned(
    engine: Engine, site_id: int, through: int, articles: int, cleaned_of: int
) -> None:
    """Say the site's boilerplate is learned through article ``through`` (an
    id), from ``articles`` more of its articles, and that its articles are all
    cleaned of the lines of version ``cleaned_of``."""
    with engine.begin() as connection:
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(BoilerplateMark).values(
            site_id=site_id, learned_through=through, articles=articles, cleaned_of=cleaned_of
        )
        connection.execute(
            statement.on_conflict_do_update(
                index_elements=[BoilerplateMark.site_id],
                set_={
                    "learned_through": statement.excluded.learned_through,
                    "articles": BoilerplateMark.articles + statement.excluded.articles,
                    "cleaned_of": statement.excluded.cleaned_of,
                },
            )
        )


def holding(
    engine: Engine, site_id: int, line: int, batch: int = BATCH
) -> Iterator[list[StoredBody]]:
    """The bodies of the site's articles whose end holds ``line`` (a hash),
    ``batch`` at a time in id order."""
    query = (
        select(*_STORED)
        .join(ArticleEndLine, ArticleEndLine.article_id == Article.id)
        .where(ArticleEndLine.site_id == site_id, ArticleEndLine.line == line)
        .order_by(ArticleEndLine.article_id)
        .limit(batch)
    )
    last = 0
    while True:
        with Session(engine) as session:
            rows = session.execute(query.where(ArticleEndLine.article_id > last)).all()
        if not rows:
            return
        yield [StoredBody(*row) for row in rows]
        last = rows[-1][0]


def save_cleaned(engine: Engine, bodies: list[CleanedBody]) -> None:
    """Write bodies without their boilerplate, one transaction for the lot,
    with their new fingerprints (their near-duplicate standing checked again:
    ``storage.rewritten_bodies``)."""
    if not bodies:
        return
    fingerprints = {cleaned.article_id: cleaned.fingerprint for cleaned in bodies}
    with engine.begin() as connection:
        hold_rewritten_stories(connection, fingerprints)
        for cleaned in bodies:
            connection.execute(
                update(Article).where(Article.id == cleaned.article_id).values(body=cleaned.body)
            )
        rewrite_fingerprints(connection, fingerprints)
