"""``scrapy runs [--site NAME] [--limit N]``: the crawl runs, newest first, with
what each did (pages, new articles, duplicates, failures) and how it ended."""

from __future__ import annotations

import argparse
from datetime import datetime

from scrapy.commands import ScrapyCommand

from crawler.commands import fail
from storage.archive import Archive
from storage.database import ArchiveUnavailable
from storage.runs import RunSummary

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
    ("dup", ">"),
    ("failed", ">"),
    ("exit", ">"),
    ("log", "<"),
)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[--site NAME] [--limit N]"

    def short_desc(self) -> str:
        return "List crawl runs: mode, window, times, counts, status and exit code"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--site", help="only this site")
        parser.add_argument(
            "--limit", type=int, default=20, help="how many runs, newest first (20)"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        try:
            archive = Archive.open(self.settings.get("DATABASE_URL"))
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        try:
            runs = archive.runs.listing(opts.site, max(opts.limit, 1))
        finally:
            archive.close()
        if not runs:
            print(f"no runs{f' of {opts.site}' if opts.site else ''} yet")
            return
        print(table([row(run) for run in runs]))


def row(run: RunSummary) -> tuple[str, ...]:
    window = f"{run.since}..{run.until}" if run.since else ""
    return (
        str(run.id),
        run.site,
        run.mode,
        window,
        _time(run.started_at),
        _time(run.finished_at),
        run.status,
        str(run.pages),
        str(run.new),
        str(run.duplicate),
        str(run.failed),
        "" if run.exit_code is None else str(run.exit_code),
        run.log_file or "",
    )


def table(rows: list[tuple[str, ...]]) -> str:
    """Rows under the column heads, each column as wide as its widest cell."""
    heads = tuple(name for name, _ in COLUMNS)
    widths = [max(len(cell) for cell in column) for column in zip(heads, *rows, strict=True)]
    lines = [
        "  ".join(
            f"{cell:{align}{width}}"
            for cell, (_, align), width in zip(cells, COLUMNS, widths, strict=True)
        ).rstrip()
        for cells in (heads, *rows)
    ]
    return "\n".join(lines)


def _time(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S}" if moment else ""
