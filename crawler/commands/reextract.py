"""``scrapy reextract [--site NAME] [--all] [--workers N]``: re-run extraction
over the raw captures the archive kept (no network) and update the articles
made by an older extractor version (``--all``: every article), recording the
version that made them now, and their new fingerprints (body hash, MinHash
band keys) by which later copies are matched. Run it after upgrading
newsarchive.

First each site's frame is learned again from its captures
(``crawler.archiving.frame_learning``), and its boilerplate from the archive
and taken out of its stored articles (``crawler.archiving.boilerplate_learning``);
extraction is then given each site's frame and lines in force, so older
articles lose them too.

A page the new extractor cannot read as an article keeps its stored article,
and is listed with the reason. A site's own article selectors (``article:`` in
sites.yaml) are used as a crawl uses them.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass, field

from scrapy.commands import ScrapyCommand
from sqlalchemy import Engine

from crawler.archiving import frame_learning
from crawler.archiving.boilerplate_learning import relearn
from crawler.commands import ArchiveCommand, fail
from crawler.extraction_service import default_workers
from crawler.sites import SitesConfigError, load_sites, sites_path
from crawler.worker_processes import process_pool, stop_server
from pipelines.article_page import PageError
from pipelines.extraction import EXTRACTOR_VERSION, ExtractedArticle
from pipelines.families import ArticleLayout
from storage.archive import Archive
from storage.database import ArchiveUnavailable, open_database
from storage.reextraction import Reextracted, StoredPage, save_reextracted, stored_pages

# failures listed in full; beyond this many, only counted
SHOWN_FAILURES = 20


@dataclass
class Tally:
    """What a re-extraction did."""

    changed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)

    @property
    def total(self) -> int:
        return self.changed + self.unchanged + len(self.failed)


class Command(ArchiveCommand, ScrapyCommand):
    def syntax(self) -> str:
        return "[--site NAME] [--all] [--workers N]"

    def short_desc(self) -> str:
        return "Re-extract archived articles from their stored raw pages (after an upgrade)"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--all",
            action="store_true",
            help=f"every article, not only those made before extractor version {EXTRACTOR_VERSION}",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="extraction processes (0: none, extract in this one)",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if opts.workers < 0:
            self.exitcode = fail(f"--workers {opts.workers}: give 0 (extract here) or more")
            return
        try:
            engine = open_database(self.settings.get("DATABASE_URL"))
        except ArchiveUnavailable as exc:
            self.exitcode = fail(str(exc))
            return
        try:
            Archive(engine).check_writable()
            layouts = site_layouts()
        except (ArchiveUnavailable, SitesConfigError) as exc:
            engine.dispose()
            self.exitcode = fail(str(exc))
            return
        tally = Tally()
        try:
            if opts.site and opts.site not in Archive(engine).article_counts():
                self.exitcode = fail(f"the archive holds no article of site {opts.site!r}")
                return
            sites = [opts.site] if opts.site else list(Archive(engine).article_counts())
            frames = {site: _frame(engine, site) for site in sites}
            boilerplate = {site: _relearned(engine, site) for site in sites}
            with _pool(opts.workers) as pool:
                older_than = None if opts.all else EXTRACTOR_VERSION
                for batch in stored_pages(engine, opts.site, older_than):
                    updates = _reextract(batch, pool, tally, boilerplate, frames, layouts)
                    save_reextracted(engine, updates)
        finally:
            engine.dispose()
        _report(tally, opts.site)


@contextmanager
def _pool(workers: int) -> Iterator[Executor | None]:
    if workers <= 0:
        yield None
        return
    try:
        with process_pool(workers) as pool:
            yield pool
    finally:
        stop_server()


def _relearned(engine: Engine, site: str) -> frozenset[str]:
    """``site``'s boilerplate lines, learned again; says what changed."""
    relearned = relearn(engine, site)
    if relearned.added:
        print(
            f"{site}: boilerplate version {relearned.version} learned, {relearned.added} new"
            f" lines of {len(relearned.lines)}; taken out of {relearned.cleaned} articles"
        )
    return relearned.lines


def _frame(engine: Engine, site: str) -> frozenset[str]:
    """``site``'s frame, learned again from its captures; says what changed."""
    relearned = frame_learning.relearn(engine, site)
    if relearned.added:
        print(
            f"{site}: frame version {relearned.version} learned, {relearned.added} new"
            f" blocks of {len(relearned.blocks)}"
        )
    return relearned.blocks


def site_layouts() -> dict[str, ArticleLayout]:
    """The sites' own article selectors, by site name (none without a sites.yaml)."""
    if not sites_path().exists():
        return {}
    return {name: site.article for name, site in load_sites().items() if site.article}


def _reextract(
    batch: list[StoredPage],
    pool: Executor | None,
    tally: Tally,
    boilerplate: dict[str, frozenset[str]],
    frames: dict[str, frozenset[str]],
    layouts: dict[str, ArticleLayout],
) -> list[Reextracted]:
    results = frame_learning.extract_stored(
        batch,
        pool,
        lambda page: boilerplate.get(page.site, frozenset()),
        lambda page: layouts.get(page.site),
        lambda page: frames.get(page.site, frozenset()),
    )
    updates = []
    for page, result in zip(batch, results, strict=True):
        if isinstance(result, PageError):
            tally.failed.append((page.url, str(result)))
            continue
        result, fingerprint = result
        if _same(page, result):
            tally.unchanged += 1
        else:
            tally.changed += 1
        updates.append(frame_learning.reextracted_article(page.article_id, result, fingerprint))
    return updates


def _same(page: StoredPage, article: ExtractedArticle) -> bool:
    return (page.title, page.author, page.published, page.text) == (
        article.title,
        article.author,
        article.published,
        article.body,
    )


def _report(tally: Tally, site: str | None) -> None:
    where = f" of site {site}" if site else ""
    if not tally.total:
        print(f"nothing to re-extract{where}: every article made by extractor {EXTRACTOR_VERSION}")
        return
    print(
        f"re-extracted {tally.total} articles{where} with extractor version {EXTRACTOR_VERSION}: "
        f"{tally.changed} changed, {tally.unchanged} unchanged, "
        f"{len(tally.failed)} kept as they were"
    )
    for url, reason in tally.failed[:SHOWN_FAILURES]:
        print(f"  kept {url}: {reason}")
    if len(tally.failed) > SHOWN_FAILURES:
        print(f"  ... and {len(tally.failed) - SHOWN_FAILURES} more")
