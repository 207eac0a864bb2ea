"""A site's learned frame in the archive: its versions (the highest is in
force) and the captures of the site's newest articles it is learned from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from storage.models import Article, Capture, Site, SiteFrame
from storage.reextraction import content_type
from storage.site_versions import add_version, newest


@dataclass(frozen=True)
class Frame:
    """The version of a site's frame in force (0 and no blocks: none learned)."""

    version: int
    blocks: frozenset[str]
    pages: int = 0  # how many of the site's pages it was learned from


@dataclass(frozen=True)
class CapturedPage:
    """The raw page an archived article was extracted from."""

    body: bytes
    content_type: str | None


def in_force(engine: Engine, site: str) -> Frame:
    """The highest version of ``site``'s frame."""
    row = newest(engine, SiteFrame, site, SiteFrame.version, SiteFrame.blocks, SiteFrame.pages)
    return Frame(row.version, frozenset(row.blocks), row.pages) if row else Frame(0, frozenset())


def record(engine: Engine, site: str, blocks: frozenset[str], pages: int) -> int:
    """Store ``blocks`` as the next version of ``site``'s frame; its number."""
    return add_version(engine, SiteFrame, site, blocks=sorted(blocks), pages=pages)


def article_count(engine: Engine, site: str) -> int:
    """How many articles of ``site`` the archive holds."""
    query = select(func.count(Article.id)).join(Site, Article.site_id == Site.id)
    with Session(engine) as session:
        return session.scalar(query.where(Site.name == site)) or 0


def newest_pages(engine: Engine, site: str, count: int) -> list[CapturedPage]:
    """The captures of ``site``'s ``count`` newest archived articles."""
    query = (
        select(Capture)
        .join(Article, Article.capture_id == Capture.id)
        .join(Site, Article.site_id == Site.id)
        .where(Site.name == site)
        .order_by(Article.id.desc())
        .limit(count)
    )
    with Session(engine) as session:
        return [
            CapturedPage(capture.body, content_type(capture)) for capture in session.scalars(query)
        ]
