"""The article URL template each site's crawls found links by, kept so that the
next runs of the site reuse it instead of inferring it again."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from storage.busy import waits
from storage.models import LinkTemplate, Site
from storage.types import now_seoul


class LinkTemplates:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get(self, site: str) -> str | None:
        """The template kept for ``site``, or None."""
        with self.sessions() as session:
            return session.scalar(select(LinkTemplate.template).join(Site).where(Site.name == site))

    @waits
    def keep(self, site: str, template: str) -> None:
        """Keep ``template`` as ``site``'s (a registered site), replacing any older one
        (one transaction, waiting for a locked archive)."""
        with self.sessions.begin() as session:
            site_id = session.scalar(select(Site.id).where(Site.name == site))
            if site_id is None:
                return
            kept = session.scalar(select(LinkTemplate).where(LinkTemplate.site_id == site_id))
            if kept is None:
                session.add(LinkTemplate(site_id=site_id, template=template))
            elif kept.template != template:
                kept.template, kept.found_at = template, now_seoul()
