"""A site's learned boilerplate in the archive: its versions (the highest is in
force), the site's stories it is learned from, and the stored bodies it is
taken out of (with their new fingerprints in the near-duplicate index)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from storage.models import Article, Site, SiteBoilerplate
from storage.reextraction import BATCH, replace_band_keys
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
class CleanedBody:
    """A stored body without its boilerplate, and its new fingerprint."""

    article_id: int
    body: str
    content_hash: str
    minhash: bytes | None
    band_keys: tuple[int, ...]


def in_force(engine: Engine, site: str) -> Boilerplate:
    """The highest version of ``site``'s boilerplate."""
    row = newest(engine, SiteBoilerplate, site, SiteBoilerplate.version, SiteBoilerplate.lines)
    return Boilerplate(row.version, frozenset(row.lines)) if row else Boilerplate(0, frozenset())


def record(engine: Engine, site: str, lines: frozenset[str], stories: int) -> int:
    """Store ``lines`` as the next version of ``site``'s boilerplate; its number."""
    return add_version(engine, SiteBoilerplate, site, lines=sorted(lines), stories=stories)


def stored_bodies(engine: Engine, site: str, batch: int = BATCH) -> Iterator[list[StoredBody]]:
    """The bodies of ``site``'s archived articles, ``batch`` at a time in id order."""
    query = (
        select(
            Article.id,
            func.coalesce(Article.duplicate_of_id, Article.id),
            func.coalesce(Article.published, Article.archived_at),
            Article.title,
            Article.body,
        )
        .join(Site, Article.site_id == Site.id)
        .where(Site.name == site)
        .order_by(Article.id)
        .limit(batch)
    )
    last = 0
    while True:
        with Session(engine) as session:
            rows = session.execute(query.where(Article.id > last)).all()
        if not rows:
            return
        yield [StoredBody(*row) for row in rows]
        last = rows[-1][0]


def save_cleaned(engine: Engine, bodies: list[CleanedBody]) -> None:
    """Write bodies without their boilerplate, one transaction for the lot,
    with their new fingerprints."""
    if not bodies:
        return
    with engine.begin() as connection:
        for cleaned in bodies:
            connection.execute(
                update(Article)
                .where(Article.id == cleaned.article_id)
                .values(
                    body=cleaned.body,
                    content_hash=cleaned.content_hash,
                    minhash=cleaned.minhash,
                )
            )
        replace_band_keys(connection, {cleaned.article_id: cleaned.band_keys for cleaned in bodies})
