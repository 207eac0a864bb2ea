"""The :class:`~crawler.sources.archive_view.ArchiveView` a crawl pages by,
answered from storage's ``Archive``: its pages, its runs, its link templates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from crawler.sources.archive_view import ResumePoint
from storage import revisits
from storage.archive import Archive


class ArchiveLookups:
    """The queries of ``ArchiveView``, each one of ``archive``'s."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive

    def archived_dates(self, urls: Iterable[str]) -> dict[str, datetime | None]:
        return self._archive.archived_dates(urls)

    def not_articles(self, urls: Iterable[str]) -> set[str]:
        return self._archive.not_articles(urls)

    def failed_urls(self, site: str, max_failures: int) -> list[str]:
        return self._archive.failed_urls(site, max_failures)

    def window_captures(
        self, site: str, since: date, until: date, urls: Iterable[str]
    ) -> dict[str, datetime | None]:
        return self._archive.runs.window_captures(site, since, until, urls)

    def resume_point(
        self, site: str, mode: str, since: date | None, until: date | None
    ) -> ResumePoint:
        return self._archive.runs.resume_point(site, mode, since, until)

    def link_template(self, site: str) -> str | None:
        return self._archive.templates.get(site)

    def keep_link_template(self, site: str, template: str) -> None:
        self._archive.templates.keep(site, template)

    def due_revisits(
        self, site: str, now: datetime, budget: int
    ) -> tuple[int, Sequence[revisits.DueRevisit]]:
        return revisits.due_revisits(self._archive.engine, site, now, budget)

    def revisit_now(self, site: str, dated: dict[str, datetime], now: datetime) -> int:
        return revisits.revisit_now(self._archive.engine, site, dated, now)
