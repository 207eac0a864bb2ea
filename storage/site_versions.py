"""What a site learns, kept as versions (the highest is in force): the newest
version of a per-site table's rows, and the next one added. Shared by the
learned boilerplate (:mod:`storage.site_boilerplate`) and the learned frame
(:mod:`storage.site_frames`), whose tables have ``site_id`` and ``version``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, Row, func, select
from sqlalchemy.orm import Session

from storage.models import Site, SiteBoilerplate, SiteFrame

Versioned = type[SiteBoilerplate] | type[SiteFrame]


def newest(engine: Engine, table: Versioned, site: str, *columns: Any) -> Row | None:
    """``columns`` of ``site``'s highest version in ``table``; None before the first."""
    query = (
        select(*columns)
        .join(Site, table.site_id == Site.id)
        .where(Site.name == site)
        .order_by(table.version.desc())
        .limit(1)
    )
    with Session(engine) as session:
        return session.execute(query).one_or_none()


def add_version(engine: Engine, table: Versioned, site: str, **values: Any) -> int:
    """Store ``values`` as ``site``'s next version in ``table``; its number."""
    with Session(engine) as session, session.begin():
        site_id = session.scalar(select(Site.id).where(Site.name == site))
        latest = session.scalar(select(func.max(table.version)).where(table.site_id == site_id))
        version = (latest or 0) + 1
        session.add(table(site_id=site_id, version=version, **values))
    return version
