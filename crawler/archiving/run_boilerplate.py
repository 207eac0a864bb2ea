"""A long run's boilerplate, learned as it crawls.

A site's boilerplate is learned at the end of each run
(``crawler.archiving.boilerplate_learning``), and the articles that hold a
newly learned line are written again. For a first crawl or a backfill of
thousands of articles that is all of them, at the end, while the run waits.
So once a run has archived ``LEARN_AFTER`` new articles, the site's
boilerplate is learned then too, in the run's writer, after the articles
sent before it, just as if the run had ended there. The run's next pages are
extracted without the lines it learned (the run's ``boilerplate``, which the
ExtractPipeline reads). The pages already extracted are made to wait for it
before they are stored, and then lose those lines. Articles are thus stored
clean the first time, and the run's end cleans only what it learns after.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Future
from dataclasses import replace

from crawler.archiving.boilerplate_learning import Relearned, relearn
from crawler.items import CaptureItem
from crawler.writer import ArchiveWriter
from pipelines.boilerplate import strip
from pipelines.fingerprint import fingerprint
from storage.models import Outcome

logger = logging.getLogger(__name__)

# new articles a run archives before it learns its site's boilerplate
# (the BOILERPLATE_LEARN_AFTER setting; 0: only at its end)
LEARN_AFTER = 100


class RunBoilerplate:
    """The boilerplate lines a run's pages are taken out of, by site (read
    from the archive by the ExtractPipeline, grown once the run has archived
    ``after`` new articles; 0: never)."""

    def __init__(
        self, writer: ArchiveWriter, lines: dict[str, frozenset[str]], after: int = LEARN_AFTER
    ) -> None:
        self.writer = writer
        self.lines = lines
        self.after = after
        self.archived = 0  # new articles the run stored
        self.learning: asyncio.Task[None] | None = None  # the learning under way or done

    async def ready(self, item: CaptureItem) -> None:
        """Before ``item`` is stored: wait for learning under way, then take
        out of its article the lines learned since it was extracted (none for
        the pages extracted after: they are left as they are)."""
        if self.learning is not None:
            await self.learning
        lines = self.lines.get(item.site)
        article = item.article
        if article is None or not lines or lines <= item.extracted_without:
            return  # extracted after the learning: without every line it learned
        kept = strip(article.paragraphs, lines)
        if len(kept) < len(article.paragraphs):
            item.article = replace(article, paragraphs=kept)
            item.fingerprint = fingerprint(article.title, item.article.body)

    async def stored(self, item: CaptureItem) -> None:
        """After ``item`` was stored: the ``after``-th new article learns."""
        if item.outcome is not Outcome.ARTICLE:
            return
        self.archived += 1
        if self.archived == self.after:
            # sent now, so that the writes sent from here on come after it
            site = item.site
            learned = self.writer.submit(lambda archive: relearn(archive.engine, site))
            self.learning = asyncio.ensure_future(self._learned(site, learned))
            await self.learning

    async def _learned(self, site: str, learned: Future[Relearned]) -> None:
        try:
            relearned = await asyncio.wrap_future(learned)
        except Exception as exc:  # the articles go on as extracted: the run's end learns
            logger.warning("%s: boilerplate not learned as the run goes: %s", site, exc)
            return
        self.lines[site] = relearned.lines
        if relearned.added:
            logger.info(
                "%s: boilerplate version %d learned after %d articles, %d new lines;"
                " taken out of %d articles",
                site,
                relearned.version,
                self.after,
                relearned.added,
                relearned.cleaned,
            )
