"""A run's frame (``crawler.archiving.run_frame``): the pages it is learned
from wait for it while such pages keep coming, never longer, and never give
up while it is being learned."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from crawler.archiving.frame_learning import LEARNED_FROM
from crawler.archiving.run_frame import RunFrame
from crawler.extraction_service import RawPage
from storage.site_frames import Frame

BLOCKS = frozenset({"text\tbody/div\t많이 본 기사"})
Learn = Callable[[list[RawPage]], Awaitable[tuple[frozenset[str], int]]]


def _learner(taught: list[list[RawPage]], seconds: float = 0.0, fails: bool = False) -> Learn:
    async def learn(pages: list[RawPage]) -> tuple[frozenset[str], int]:
        taught.append(pages)
        await asyncio.sleep(seconds)
        if fails:
            raise ValueError("no tree")
        return BLOCKS, len(pages)

    return learn


async def _page(frame: RunFrame, number: int, learn: Learn) -> tuple[frozenset[str], bool]:
    """Read page ``number`` as the extract pipeline does; the blocks it is
    read with in the end, and whether it waited for the frame."""
    blocks, learning = await frame.blocks_to_read()
    await asyncio.sleep(0.001 * number)  # extraction
    if not learning:
        return blocks, False
    await frame.read((f"<p>{number}</p>".encode(), "text/html"), learn)
    return (frame.blocks if await frame.settled() else blocks), True


def test_the_pages_the_frame_is_learned_from_are_read_with_it() -> None:
    taught: list[list[RawPage]] = []

    async def run() -> list[tuple[frozenset[str], bool]]:
        frame = RunFrame(Frame(0, frozenset()))
        learn = _learner(taught, seconds=0.05)
        return await asyncio.gather(*(_page(frame, n, learn) for n in range(LEARNED_FROM + 10)))

    read = asyncio.run(run())
    assert len(taught) == 1 and len(taught[0]) == LEARNED_FROM
    assert all(blocks == BLOCKS for blocks, _ in read)
    assert sum(waited for _, waited in read) == LEARNED_FROM


def test_a_run_of_fewer_pages_waits_no_longer_than_its_pages_keep_coming() -> None:
    taught: list[list[RawPage]] = []

    async def run() -> tuple[list[tuple[frozenset[str], bool]], float]:
        frame = RunFrame(Frame(0, frozenset()), read_wait=0.1)
        loop = asyncio.get_running_loop()
        started = loop.time()
        read = await asyncio.gather(*(_page(frame, n, _learner(taught)) for n in range(5)))
        return read, loop.time() - started

    read, seconds = asyncio.run(run())
    assert not taught
    assert all(blocks == frozenset() and waited for blocks, waited in read)
    assert seconds < 5  # the wait is bounded (0.1 s after the last page)


def test_learning_slower_than_the_wait_is_waited_for() -> None:
    taught: list[list[RawPage]] = []

    async def run() -> list[tuple[frozenset[str], bool]]:
        frame = RunFrame(Frame(0, frozenset()), read_wait=0.01)
        learn = _learner(taught, seconds=0.3)
        return await asyncio.gather(*(_page(frame, n, learn) for n in range(LEARNED_FROM)))

    assert all(blocks == BLOCKS for blocks, _ in asyncio.run(run()))


def test_pages_go_on_with_the_frame_in_force_when_learning_fails() -> None:
    taught: list[list[RawPage]] = []
    in_force = frozenset({"text\tbody/footer\t저작권"})

    async def run() -> list[tuple[frozenset[str], bool]]:
        frame = RunFrame(Frame(1, in_force, 3))
        learn = _learner(taught, fails=True)
        return await asyncio.gather(*(_page(frame, n, learn) for n in range(LEARNED_FROM + 3)))

    assert all(blocks == in_force for blocks, _ in asyncio.run(run()))
    assert len(taught) == 1
