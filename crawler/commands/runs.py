"""``scrapy runs [--site NAME] [--limit N] [--problems]``: the crawl runs,
newest first, with what each did (pages, new articles and how many of them
its feeds, sitemaps and list pages found first, duplicates, failed pages,
list pages that failed), its revisits of archived articles (due, fetched,
answered 304, changed, found gone), how it ended and the host that ran it;
``--problems``: the sites whose last run was not healthy, each with its last
run and why, exiting 1 when it lists any (0 when none), so that a monitoring
script can use it. An unknown ``--site`` is refused in one line (exit code 2)."""

from __future__ import annotations

import argparse
from datetime import datetime

from scrapy.commands import ScrapyCommand

from crawler.commands import ArchiveCommand, fail, open_archive
from crawler.crawl_summary import STOPPED, STOPPED_BY_SIGNAL
from crawler.exit_codes import EXIT_FAILED
from storage.health import site_names
from storage.models import FoundBy
from storage.run_records import RunSummary
from storage.types import SEOUL

COLUMNS = (
    ("run", ">"),
    ("site", "<"),
    ("mode", "<"),
    ("window", "<"),
    ("started", "<"),
    ("finished", "<"),
    ("status", "<"),
    ("pages", ">"),
    ("new", ">"),
    ("by_feed", ">"),
    ("by_sitemap", ">"),
    ("by_list", ">"),
    ("dup", ">"),
    ("failed", ">"),
    ("list_failed", ">"),
    ("rv_due", ">"),
    ("rv_fetched", ">"),
    ("rv_304", ">"),
    ("rv_changed", ">"),
    ("rv_gone", ">"),
    ("exit", ">"),
    ("host", "<"),
    ("log", "<"),
)


class Command(ArchiveCommand, ScrapyCommand):
    def syntax(self) -> str:
        return "[--site NAME] [--limit N] [--problems]"

    def short_desc(self) -> str:
        return "List crawl runs: mode, window, times, counts, status and exit code"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--limit", type=int, default=20, help="how many runs, newest first (20)"
        )
        parser.add_argument(
            "--problems",
            action="store_true",
            help="only the sites whose last run was not healthy, with why",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.limit < 1:
            self.exitcode = fail(f"--limit {opts.limit}: show at least 1 run")
            return
        archive = open_archive(self)
        if archive is None:
            return
        try:
            if opts.site and opts.site not in site_names(archive.engine):
                self.exitcode = fail(f"--site {opts.site!r}: no such site in the archive")
                return
            if opts.problems:
                runs = [run for run in archive.runs.problems() if opts.site in (None, run.site)]
            else:
                runs = archive.runs.listing(opts.site, opts.limit)
        finally:
            archive.close()
        if not runs:
            of = f" of {opts.site}" if opts.site else ""
            print(f"no problem in the last runs{of}" if opts.problems else f"no runs{of} yet")
            return
        print(table([row(run) for run in runs]))
        for run in runs:
            if opts.problems or run.reason:
                print(f"run {run.id} {run.site} {run.status}: {run.reason or _ended(run)}")
        if opts.problems:
            self.exitcode = EXIT_FAILED


def row(run: RunSummary) -> tuple[str, ...]:
    window = f"{run.since}..{run.until}" if run.since else ""
    return (
        str(run.id),
        run.site,
        run.mode,
        window,
        seoul_time(run.started_at),
        seoul_time(run.finished_at),
        run.status,
        str(run.pages),
        str(run.new),
        *(str((run.found or {}).get(source, 0)) for source in FoundBy),
        str(run.duplicate),
        str(run.failed),
        str(run.list_failed),
        *(str(count) for count in run.revisits),
        "" if run.exit_code is None else str(run.exit_code),
        run.host or "",
        run.log_file or "",
    )


def table(rows: list[tuple[str, ...]], columns: tuple[tuple[str, str], ...] = COLUMNS) -> str:
    """Rows under the column heads (name, alignment), each column as wide as
    its widest cell."""
    heads = tuple(name for name, _ in columns)
    widths = [max(len(cell) for cell in column) for column in zip(heads, *rows, strict=True)]
    lines = [
        "  ".join(
            f"{cell:{align}{width}}"
            for cell, (_, align), width in zip(cells, columns, widths, strict=True)
        ).rstrip()
        for cells in (heads, *rows)
    ]
    return "\n".join(lines)


def _ended(run: RunSummary) -> str:
    """What a run without a stored reason says of its end."""
    if run.status == STOPPED_BY_SIGNAL:
        return STOPPED
    code = "" if run.exit_code is None else f", exit {run.exit_code}"
    log = f"; see {run.log_file}" if run.log_file else ""
    return f"it did not finish{code}{log}"


def seoul_time(moment: datetime | None) -> str:
    """A stored time as shown: Korea time, its offset written (+09:00)."""
    return moment.astimezone(SEOUL).isoformat(sep=" ", timespec="seconds") if moment else ""
