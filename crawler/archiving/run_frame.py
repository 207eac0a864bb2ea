"""The frame a crawl run reads a site's pages with (:class:`RunFrame`): the
one in force when the run started, or, while that was learned from fewer than
``frame_learning.LEARNED_FROM`` pages, the one the run learns from its own
first ``LEARNED_FROM`` article pages (``pipelines.site_frame``, off the
reactor), which the run's end records (``frame_learning.relearn``).

Pages after those wait while they are read and while the frame is learned
from them, and are read with it. The pages it is learned from were read
without it: each waits for it after it is read, and is read again with it at
once, so that it is stored as every later page is and the run's end has it
to extract again no more. A page waits only while the pages the frame is
learned from keep coming (``READ_WAIT``): a run of fewer article pages never
teaches it, and its pages go on as they were read, to be extracted again at
the run's end with the frame learned from the site's newest pages. Either
way each article is archived read with the same frame; the wait only decides
whether it is read again at once or at the run's end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from crawler.archiving.frame_learning import LEARNED_FROM
from crawler.extraction_service import RawPage
from storage.site_frames import Frame

logger = logging.getLogger(__name__)
Learned = tuple[frozenset[str], int]  # a frame's blocks, and the pages it was learned from
# seconds a page the frame is learned from waits for the next such page to be
# read: the pages of a crawl at full speed come within milliseconds of each other
READ_WAIT = 1.0


class RunFrame:
    """The frame a run extracts a site's pages with: the one in force when the
    run started, until, when that was learned from fewer than
    ``LEARNED_FROM`` pages, the run's first ``LEARNED_FROM`` article pages
    have taught it (``taught``: version 0, not recorded yet; the run's end
    records it). While ``LEARNED_FROM`` pages are being read, and while the
    frame is learned from them, the next ones wait for it."""

    def __init__(self, in_force: Frame, read_wait: float = READ_WAIT) -> None:
        self.in_force = in_force
        self.blocks = in_force.blocks
        self.learned = in_force.pages >= LEARNED_FROM
        self.taught: Frame | None = None  # the frame the run's pages taught it
        self.pages: list[RawPage] = []  # article pages learned from
        self.reading = 0  # pages being read that it may learn from
        self.learning = False  # learning from LEARNED_FROM pages
        self.changed = asyncio.Event()
        self.read_wait = read_wait
        self.last_read = 0.0  # the loop's time a page it may learn from was last read

    async def blocks_to_read(self) -> tuple[frozenset[str], bool]:
        """The blocks to read the next page without, once the pages being
        read may not teach the frame any more; and whether the run learns from
        that page (then :meth:`read` must be called with it)."""
        while not self.learned and (
            self.learning or self.reading + len(self.pages) >= LEARNED_FROM
        ):
            self.changed.clear()
            await self.changed.wait()
        if self.learned:
            return self.blocks, False
        self.reading += 1
        return self.blocks, True

    async def read(
        self, page: RawPage | None, learn: Callable[[list[RawPage]], Awaitable[Learned]]
    ) -> None:
        """A page it may learn from was read: its body and content type when it
        is an article page, None when it is none. The ``LEARNED_FROM``th
        article page has the frame learned from them all by ``learn`` (the
        process's extraction service: ``pipelines.site_frame.learn_from_pages``
        off the reactor); when learning fails, the pages go on with the frame
        in force."""
        self.reading -= 1
        self.last_read = asyncio.get_running_loop().time()
        try:
            if page is not None and not self.learned:
                self.pages.append(page)
                if len(self.pages) == LEARNED_FROM:
                    self.learning = True
                    pages, self.pages = self.pages, []
                    try:
                        blocks, learned_from = await learn(pages)
                    except Exception as exc:
                        logger.warning("frame not learned from the run's pages: %s", exc)
                    else:
                        self.blocks = self.in_force.blocks | blocks
                        self.taught = Frame(0, self.blocks, learned_from)
                    self.learned = True
        finally:
            self.learning = False
            self.changed.set()

    async def settled(self) -> bool:
        """Whether, waited for after a page it learns from was read, the frame
        is learned: False once no such page was read for ``read_wait`` seconds
        while it was not being learned (the run may have no more)."""
        loop = asyncio.get_running_loop()
        while not self.learned:
            left = None if self.learning else self.last_read + self.read_wait - loop.time()
            if left is not None and left <= 0:
                break
            self.changed.clear()
            with contextlib.suppress(TimeoutError):  # then the loop says whether to wait more
                await asyncio.wait_for(self.changed.wait(), left)
        return self.learned
