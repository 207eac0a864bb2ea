"""The archive as a crawl's paging policy and URL sources read it: one narrow
interface, :class:`ArchiveView`, with just the queries they make. Pure: it
names no database; ``crawler.sources.lookups`` answers it from storage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Protocol


class ResumePoint(Protocol):
    """What interrupted runs of a job left: the last list page read, the furthest one."""

    @property
    def number(self) -> int | None: ...  # the last list page read; None: nothing to resume

    @property
    def family(self) -> str | None: ...  # the portal family that read it

    @property
    def links(self) -> tuple[str, ...]: ...  # the article links first seen on it

    @property
    def furthest(self) -> int: ...  # the highest list page they reached

    @property
    def form(self) -> dict[str, str] | None: ...  # the post that shows the page after it


class DueRevisit(Protocol):
    """An archived article due for a revisit, with its latest capture's validators."""

    @property
    def article_id(self) -> int: ...

    @property
    def url(self) -> str: ...

    @property
    def etag(self) -> str | None: ...

    @property
    def last_modified(self) -> str | None: ...


class ArchiveView(Protocol):
    """The archive's answers a crawl pages by."""

    def archived_dates(self, urls: Iterable[str]) -> dict[str, datetime | None]:
        """Those of ``urls`` archived (an article or a sighting of one), with its published time."""
        ...

    def not_articles(self, urls: Iterable[str]) -> set[str]:
        """Those of ``urls`` a capture showed to hold no article."""
        ...

    def failed_urls(self, site: str, max_failures: int) -> list[str]:
        """The site's URLs every capture of which failed, fewer than ``max_failures`` times."""
        ...

    def window_captures(
        self, site: str, since: date, until: date, urls: Iterable[str]
    ) -> dict[str, datetime | None]:
        """Those of ``urls`` a backfill of this window captured, with their published time."""
        ...

    def resume_point(
        self, site: str, mode: str, since: date | None, until: date | None
    ) -> ResumePoint:
        """What the job's runs since its last finished one left unfinished."""
        ...

    def link_template(self, site: str) -> str | None:
        """The article link template kept for ``site``, if any."""
        ...

    def keep_link_template(self, site: str, template: str) -> None:
        """Keep ``template`` as the article link template of ``site``."""
        ...

    def due_revisits(
        self, site: str, now: datetime, budget: int
    ) -> tuple[int, Sequence[DueRevisit]]:
        """How many of the site's articles are due for a revisit, and the
        ``budget`` of them due the longest."""
        ...

    def revisit_now(self, site: str, dated: dict[str, datetime], now: datetime) -> int:
        """Make due now the site's articles whose date in ``dated`` (URL -> a feed's
        date) is later than their latest capture; how many."""
        ...
