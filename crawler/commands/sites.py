"""``scrapy sites``: one line per archived site: its articles, how its last run
ended and when, its newest article's publication, the URLs that failed (every
try) or held no article, and the list pages its last run could not read; then
each site whose sites.yaml entry is refused, as ``config error:`` and its line.
``scrapy sites SITE``: the blocks of the site's learned frame in force
(``pipelines.site_frame``), taken off its pages before their article is read."""

from __future__ import annotations

import argparse

from scrapy.commands import ScrapyCommand

from crawler.commands import ArchiveCommand, open_archive
from crawler.commands.runs import seoul_time, table
from crawler.sites import SitesConfigError, read_sites, sites_path
from pipelines.site_frame import MIN_PAGES, describe
from storage.archive import Archive
from storage.health import SiteHealth, site_health
from storage.site_frames import in_force

# a frame block's shown text is cut to this many characters
SHOWN_CHARS = 70

COLUMNS = (
    ("site", "<"),
    ("articles", ">"),
    ("last_run", "<"),
    ("last_run_started", "<"),
    ("newest_article", "<"),
    ("failed", ">"),
    ("not_article", ">"),
    ("list_failed", ">"),
)


class Command(ArchiveCommand, ScrapyCommand):
    site_option = False

    def syntax(self) -> str:
        return "[SITE]"

    def short_desc(self) -> str:
        return "Per-site health: articles, last run, newest article, failed pages"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        archive = open_archive(self)
        if archive is None:
            return
        if args:
            try:
                print_frame(archive, args[0])
            finally:
                archive.close()
            return
        try:
            health = site_health(archive.engine)
        finally:
            archive.close()
        if not health:
            print("no site archived yet")
        else:
            print(table([row(site) for site in health], COLUMNS))
            print("times are Korea time (Asia/Seoul); failed: URLs every try of which failed")
        for line in config_errors():
            print(f"config error: {line}")


def config_errors() -> list[str]:
    """The lines of the sites file's refused entries (the file's own, when it
    cannot be read as a whole); none when there is no sites file."""
    path = sites_path()
    if not path.exists():
        return []
    try:
        return [str(error) for error in read_sites(path).refused.values()]
    except SitesConfigError as exc:
        return [str(exc)]


def row(site: SiteHealth) -> tuple[str, ...]:
    return (
        site.site,
        str(site.articles),
        site.last_run_status or "never",
        seoul_time(site.last_run_started),
        seoul_time(site.newest_published),
        str(site.failed),
        str(site.not_article),
        str(site.list_failed),
    )


def print_frame(archive: Archive, site: str) -> None:
    """The blocks of ``site``'s frame in force, one a line: kind, tag path, text or shape."""
    frame = in_force(archive.engine, site)
    if not frame.version:
        print(f"{site}: no frame learned yet (learned once {MIN_PAGES} articles are archived)")
        return
    print(
        f"{site}: frame version {frame.version}, learned from {frame.pages} pages:"
        f" {len(frame.blocks)} blocks taken off each page before its article is read"
    )
    for block in describe(frame.blocks):
        what = block.what if len(block.what) <= SHOWN_CHARS else f"{block.what[:SHOWN_CHARS]}…"
        print(f"  {block.kind:<5}  {block.path}  {what}")
