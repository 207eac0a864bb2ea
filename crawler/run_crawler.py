"""A run opened for a crawl, and the Scrapy crawler that carries it.

The crawl lifecycle (``crawler.crawl_lifecycle``) opens the run (taking the
site's run lock) and makes a :class:`RunCrawler` with it, the run's
:class:`~crawler.writer.ArchiveWriter`, its counts and the process's
extraction service. The crawl's components take what they need from it in
``from_crawler`` (:func:`run_crawler`), the way Scrapy gives them its
settings and stats.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.settings import Settings
from sqlalchemy.exc import SQLAlchemyError

from crawler.extraction_service import ExtractionService
from crawler.job import CrawlJob
from crawler.revisit_plan import RevisitPlan
from crawler.writer import ArchiveWriter
from storage.archive import Archive
from storage.run_records import RunCounts
from storage.site_frames import Frame


@dataclass(frozen=True)
class OpenRun:
    """A run opened for a crawl: the archive it is kept in, its job, its site and id."""

    archive: Archive
    job: CrawlJob
    site_id: int
    id: int

    def record_exit(self, exit_code: int) -> None:
        """Record the exit code of the crawl's process (a run its keeper did not
        finish ends ``failed``) and close the archive."""
        try:
            self.archive.runs.record_exit(self.id, exit_code)
        except SQLAlchemyError:
            # the archive stopped taking writes: the crawl has said so in one line,
            # and the next run marks this one as ended from its captures
            pass
        finally:
            self.archive.close()


def open_run(archive: Archive, job: CrawlJob, log_file: str | None = None) -> OpenRun:
    """Register the job's site and start its run (``storage.run_records.SiteBusy``
    when another live run holds the site)."""
    profile, window = job.profile, job.window
    site_id = archive.site_id(profile.name, profile.cms, profile.list_url)
    run_id = archive.runs.start(
        site_id,
        job.mode,
        window.since if window else None,
        window.until if window else None,
        log_file=log_file,
    )
    return OpenRun(archive, job, site_id, run_id)


class RunCrawler(Crawler):
    """A Scrapy crawler of one opened run: the run, its writer and counts, and
    the extraction service it shares with the other crawls of the process."""

    def __init__(
        self,
        spidercls: type[Spider],
        settings: Settings,
        run: OpenRun,
        extraction: ExtractionService,
    ) -> None:
        super().__init__(spidercls, settings)
        self.run = run
        self.extraction = extraction
        self.counts = RunCounts()
        # article page URL -> the frame blocks extraction read it without
        self.read_with: dict[str, frozenset[str]] = {}
        # site -> the boilerplate lines its pages are extracted without (run_boilerplate)
        self.boilerplate: dict[str, frozenset[str]] = {}
        # site -> the frame the run's first article pages taught it (run_frame.RunFrame)
        self.frames_taught: dict[str, Frame] = {}
        url = run.archive.engine.url.render_as_string(hide_password=False)
        plan = RevisitPlan.of(run.job, self.settings)
        self.writer = ArchiveWriter(url, run.site_id, run.id, run.job.window, run.job.profile, plan)


def run_crawler(crawler: Crawler) -> RunCrawler:
    """``crawler`` as the crawler of an opened run."""
    if not isinstance(crawler, RunCrawler):
        raise RuntimeError(
            "no run was opened for this crawl: start it with `scrapy crawl portal -a site=NAME`"
        )
    return crawler
