"""A site's frame kept up to date in the archive: learned from the captures of
the site's newest articles (:mod:`pipelines.site_frame`), recorded as a new
version when it grew, and the articles a run archived extracted again from
their captures with it, so that they lose its blocks before the run ends.

It runs at the end of a crawl run that archived new articles, before the
site's boilerplate is learned again: a new site's first run learns the frame
from the pages it fetched (once ``pipelines.site_frame.MIN_PAGES`` are in) and
extracts them again; it is learned again at each run's end until it was
learned from ``LEARNED_FROM`` pages, then each time the site's archive passes
a multiple of ``RELEARN_EVERY`` articles (learning costs a daily run of 30
articles about half its extraction time: ``benchmarks/site_frame.py``). Blocks
once learned are kept (a page that shows them is cleaned whenever it is
read). Articles a crawl extracts are read with the frame in force when the
crawl started, or, while that was learned from fewer than ``LEARNED_FROM``
pages, with the one the run learns from its own first pages
(``crawler.archiving.run_frame``), which its end records as it is: learning it again from
the site's newest pages, a sample that differs by a few pages, may find other
blocks, and then every article of the run would be extracted again.
``scrapy reextract`` learns it again first and gives it to extraction.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from crawler.run_crawler import OpenRun
from crawler.user_messages import say
from pipelines.article_page import PageError, extract_and_fingerprint
from pipelines.boilerplate import end_lines
from pipelines.extraction import ExtractedArticle
from pipelines.families import ArticleLayout
from pipelines.fingerprint import Fingerprint
from pipelines.site_frame import learn_from_pages
from storage.busy import waiting
from storage.database import one_line
from storage.reextraction import Reextracted, StoredPage, save_reextracted, stored_pages
from storage.site_boilerplate import in_force as boilerplate_in_force
from storage.site_frames import Frame, article_count, in_force, newest_pages, record

logger = logging.getLogger(__name__)
LEARNED_FROM = 30  # the site's newest article pages the frame is learned from
RELEARN_EVERY = 200  # a grown frame is learned again each time this many more are archived


@dataclass(frozen=True)
class Relearned:
    """What relearning a site's frame did."""

    version: int  # in force now (0: none learned yet)
    blocks: frozenset[str]
    added: int  # blocks this version added (0: the version in force was kept)
    reextracted: int  # articles extracted again with it


def due(current: Frame, articles: int, new: int) -> bool:
    """Whether a site whose frame in force is ``current``, whose archive holds
    ``articles`` of which a run just archived ``new``, learns it again (see the
    module doc)."""
    if current.pages < LEARNED_FROM:
        return True
    return articles // RELEARN_EVERY > (articles - new) // RELEARN_EVERY


def relearn(
    engine: Engine,
    site: str,
    run_id: int | None = None,
    layout: ArticleLayout | None = None,
    new: int | None = None,
    read_with: Mapping[str, frozenset[str]] | None = None,
    taught: Frame | None = None,
    pool: Executor | None = None,
) -> Relearned:
    """Learn ``site``'s frame from its newest captures (at a run's end, which
    archived ``new`` articles, only when it is :func:`due`), or take the one
    the run's own first pages ``taught`` it (``run_frame.RunFrame``) as it is; when
    it grew, record it and extract the articles run ``run_id`` archived again
    with it (none when ``run_id`` is None: ``scrapy reextract`` does that
    itself), but those ``read_with`` (article URL -> the blocks the run
    extracted it without) says were read with it already; in ``pool``'s worker
    processes when given."""
    current = in_force(engine, site)
    if new is not None and not due(current, article_count(engine, site), new):
        return Relearned(current.version, current.blocks, 0, 0)
    if taught is None:
        newest = newest_pages(engine, site, LEARNED_FROM)
        taught = Frame(0, *learn_from_pages((page.body, page.content_type) for page in newest))
    blocks = current.blocks | taught.blocks
    if blocks == current.blocks:
        return Relearned(current.version, blocks, 0, 0)
    version = waiting(lambda: record(engine, site, blocks, taught.pages))
    reextracted = 0
    if run_id is not None:
        lines = boilerplate_in_force(engine, site).lines
        wanted = None if read_with is None else (lambda url: read_with.get(url) != blocks)
        for batch in stored_pages(engine, site, None, run_id=run_id, wanted=wanted):
            found = extract_stored(batch, pool, lambda _: lines, lambda _: layout, lambda _: blocks)
            articles = [
                reextracted_article(page.article_id, *article)
                for page, article in zip(batch, found, strict=True)
                if isinstance(article, tuple)
            ]
            waiting(lambda: save_reextracted(engine, articles))  # noqa: B023 (called at once)
            reextracted += len(articles)
    return Relearned(version, blocks, len(blocks - current.blocks), reextracted)


def extract_stored(
    batch: Sequence[StoredPage],
    pool: Executor | None,
    lines: Callable[[StoredPage], frozenset[str]],
    layout: Callable[[StoredPage], ArticleLayout | None],
    blocks: Callable[[StoredPage], frozenset[str]],
) -> list[tuple[ExtractedArticle, Fingerprint] | PageError]:
    """The articles of archived pages extracted again, in order, without
    each page's site's boilerplate ``lines`` and frame ``blocks``, read with its
    ``layout``: in ``pool``'s worker processes, or here without one (or
    when a worker died under them: a killed worker loses no re-extraction)."""
    arguments = (
        [page.body for page in batch],
        [page.content_type for page in batch],
        [page.url for page in batch],
        [page.cms for page in batch],
        [lines(page) for page in batch],
        [layout(page) for page in batch],
        [page.continued for page in batch],
        [blocks(page) for page in batch],
    )
    if pool is not None:
        try:
            return list(pool.map(extract_and_fingerprint, *arguments))
        except BrokenProcessPool:
            logger.warning("an extraction worker died: extracting the rest here")
    return list(map(extract_and_fingerprint, *arguments))


def reextracted_article(
    article_id: int, article: ExtractedArticle, found: Fingerprint
) -> Reextracted:
    """An archived article's new fields, from its page extracted again."""
    return Reextracted(
        article_id,
        article.title,
        article.author,
        article.published,
        article.body,
        found,
        article.extractor_version,
        end_lines(article.paragraphs),
    )


def relearn_at_end(
    run: OpenRun,
    new: int,
    read_with: Mapping[str, frozenset[str]],
    taught: Frame | None = None,
    pool: Executor | None = None,
) -> None:
    """Learn the run's site's frame again when due (or take the one the run's
    first pages ``taught`` it), the run having archived ``new`` articles, and
    extract the run's articles with it when it grew (but those ``read_with``
    it already: article URL -> the blocks it was extracted without), in
    ``pool``'s worker processes when given."""
    site = run.job.profile.name
    try:
        relearned = relearn(
            run.archive.engine, site, run.id, run.job.profile.article, new, read_with, taught, pool
        )
    except SQLAlchemyError as exc:
        say(f"{site}: frame not learned: {one_line(exc)}")
        return
    if relearned.added:
        print(
            f"newsarchive: {site}: frame version {relearned.version}, {relearned.added} new"
            f" blocks; {relearned.reextracted} articles extracted again",
            file=sys.stderr,
        )
