"""When a daily run fetches an archived article again: at the site's revisit
ages (``revisit:`` in sites.yaml, by default 1, 7 and 30 days) after its
publication (else after it was archived), each age once; a revisit made late
stands for every age it passed. Backfills plan none.

The plan's clock is the real time unless the ``REVISIT_CLOCK`` setting names
one (an ISO 8601 time, for simulated days): revisits are planned, dated and
found due by it, and new articles archived at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapy.settings import BaseSettings

from crawler.job import CrawlJob
from storage.types import SEOUL, now_seoul


@dataclass(frozen=True)
class RevisitPlan:
    """A site's revisit ages (none: no revisits) and the clock they are read by."""

    ages: tuple[timedelta, ...]
    clock: Callable[[], datetime] = now_seoul

    @classmethod
    def of(cls, job: CrawlJob, settings: BaseSettings) -> RevisitPlan:
        """The plan of ``job``'s runs: its site's ages for a daily run, none for a backfill."""
        ages = job.profile.revisit if job.window is None else ()
        named = settings.get("REVISIT_CLOCK")
        if not named:
            return cls(ages)
        fixed = datetime.fromisoformat(named)
        fixed = fixed if fixed.tzinfo is not None else fixed.replace(tzinfo=SEOUL)
        return cls(ages, lambda: fixed.astimezone(SEOUL))

    def next_due(
        self, published: datetime | None, archived_at: datetime, after: datetime
    ) -> datetime | None:
        """When an article published at ``published`` (None: unknown, its
        ``archived_at`` stands for it) is next due after ``after``; None: never again."""
        anchor = published or archived_at
        return next((anchor + age for age in self.ages if anchor + age > after), None)
