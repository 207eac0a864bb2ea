"""What a site's learned frame (``pipelines.site_frame``) costs and gives, on
generated article pages (``sample_portal.article_skins``) that show the
site's own blocks: per site, the CPU time to learn the frame from N pages
(parsing included) and to extract a page with and without it (and a page of
the site without its own blocks: what taking the frame off costs), the pages whose
body holds a line of the frame either way; and a daily run of ``--daily``
articles: their extraction without a frame, against their extraction with it
plus the learning at a run's end (from the site's
``crawler.archiving.frame_learning.LEARNED_FROM`` newest pages) in the share
of daily runs that learn (one each ``RELEARN_EVERY`` articles), which must not
cost more than 10% more; and a run that learns, alone. The run is of pages
without the site's own blocks (taking them off makes extraction cheaper: the
cautious figure).

    python benchmarks/site_frame.py [--seeds 10] [--first-seed 1000] [--pages 30] [--daily 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import mean  # noqa: E402
from crawler.archiving.frame_learning import LEARNED_FROM, RELEARN_EVERY  # noqa: E402
from pipelines.article_page import extract_and_fingerprint  # noqa: E402
from pipelines.site_frame import learn, page_tree  # noqa: E402
from sample_portal.article_skins import ArticleSkin, GeneratedPage, Parts  # noqa: E402

BUDGET = 0.10  # a daily run may cost this much more with the frame
Result = TypeVar("Result")


def cpu(work: Callable[[], Result]) -> tuple[Result, float]:
    """``work()``'s result and the CPU seconds it took (this process, one thread)."""
    started = time.process_time()
    result = work()
    return result, time.process_time() - started


def learned(pages: list[GeneratedPage]) -> frozenset[str]:
    return learn(page_tree(page.body, page.content_type) for page in pages)


def extracted(pages: list[GeneratedPage], frame: frozenset[str]) -> int:
    """Extract ``pages`` with ``frame``; how many bodies hold a line of the frame."""
    leaking = 0
    for page in pages:
        found = extract_and_fingerprint(
            page.body, page.content_type, page.url, None, site_frame=frame
        )
        assert isinstance(found, tuple), found
        leaking += bool(page.gold.leaks(found[0].body))
    return leaking


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=30, help="pages learned from per site")
    parser.add_argument("--daily", type=int, default=30, help="articles of a daily run")
    options = parser.parse_args(list(argv) if argv is not None else None)
    seeds = range(options.first_seed, options.first_seed + options.seeds)
    learning, plain, framed, run_plain, run_framed, run_learning = [], [], [], [], [], []
    bare_plain, bare_framed = [], []  # pages without the site's own blocks
    leaks_plain = leaks_framed = pages_read = 0
    for seed in seeds:
        skin = ArticleSkin.from_seed(seed)
        parts = Parts(site_blocks=True)
        pages = [skin.page(number, parts) for number in range(1, options.pages + 1)]
        frame, seconds = cpu(lambda pages=pages: learned(pages))
        learning.append(seconds)
        daily = [skin.page(number, parts) for number in range(1000, 1000 + options.daily)]
        leaking, without = cpu(lambda daily=daily: extracted(daily, frozenset()))
        leaks_plain += leaking
        leaking, with_frame = cpu(lambda daily=daily, frame=frame: extracted(daily, frame))
        leaks_framed += leaking
        pages_read += len(daily)
        plain.append(without / len(daily))
        framed.append(with_frame / len(daily))
        bare = [skin.page(number) for number in range(2000, 2000 + options.daily)]
        _, bare_without = cpu(lambda bare=bare: extracted(bare, frozenset()))
        _, bare_with = cpu(lambda bare=bare, frame=frame: extracted(bare, frame))
        bare_plain.append(bare_without / len(bare))
        bare_framed.append(bare_with / len(bare))
        newest = (pages + daily)[-LEARNED_FROM:]
        _, at_end = cpu(lambda newest=newest: learned(newest))
        # the run's cost where the frame takes nothing off (the cautious figure)
        run_plain.append(bare_without)
        run_framed.append(bare_with + at_end * options.daily / RELEARN_EVERY)
        run_learning.append(bare_with + at_end)
    print(f"generated skins with the site's own blocks: seeds {seeds.start}-{seeds.stop - 1}")
    print(f"frame learning      {1000 * mean(learning):.0f} ms CPU per site"
          f" for {options.pages} pages (parsing included)")  # fmt: skip
    print(f"extraction          {1000 * mean(plain):.1f} ms CPU/page without the frame,"
          f" {1000 * mean(framed):.1f} with it")  # fmt: skip
    print(f"  pages without the site's own blocks: {1000 * mean(bare_plain):.1f} ms CPU/page"
          f" without the frame, {1000 * mean(bare_framed):.1f} with it")  # fmt: skip
    print(f"pages leaking       {leaks_plain}/{pages_read} without the frame,"
          f" {leaks_framed}/{pages_read} with it")  # fmt: skip
    slower = mean(run_framed) / mean(run_plain) - 1
    verdict = f"{'within' if slower <= BUDGET else 'OVER'} the {100 * BUDGET:.0f}% budget"
    print(f"daily run of {options.daily}     {mean(run_plain):.3f} s CPU without a frame,"
          f" {mean(run_framed):.3f} s with it, learning from {LEARNED_FROM} pages every"
          f" {RELEARN_EVERY} articles: {100 * slower:+.1f}% ({verdict})")  # fmt: skip
    alone = mean(run_learning) / mean(run_plain) - 1
    print(f"  a run that learns {mean(run_learning):.3f} s CPU: {100 * alone:+.1f}%")


if __name__ == "__main__":
    main()
