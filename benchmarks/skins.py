"""Extraction on generated article pages (``sample_portal.article_skins``):
for seeds the tests do not use, the share of pages whose body holds a line of
the frame (a label row, a menu heading, a hidden heading, a comment, a box's
title or lead), title, published time (to the second) and author right, and
body token F1 against the gold, read through the page room's entry point
(``pipelines.article_page.extract_and_fingerprint``, family detected).

    python benchmarks/skins.py [--seeds 20] [--first-seed 1000] [--pages 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.extraction import f1, mean, token_scores  # noqa: E402
from pipelines.article_page import extract_and_fingerprint  # noqa: E402
from sample_portal.article_skins import ArticleSkin, GeneratedPage  # noqa: E402


def score(page: GeneratedPage) -> dict[str, float]:
    """One page's marks: 1.0 right (or leaking), 0.0 not; ``f1`` the body's."""
    started = time.perf_counter()
    found = extract_and_fingerprint(page.body, page.content_type, page.url, None)
    seconds = time.perf_counter() - started
    gold = page.gold
    if not isinstance(found, tuple):
        return {"error": 1.0, "f1": 0.0, "seconds": seconds}
    article = found[0]
    return {
        "leak": float(bool(gold.leaks(article.body))),
        "title": float(article.title == gold.title),
        "time": float(article.published == gold.published),
        "author": float(article.author == gold.author),
        "f1": f1(*token_scores(article.body, "\n".join(gold.lines))),
        "error": 0.0,
        "seconds": seconds,
    }


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=3, help="article pages per seed")
    options = parser.parse_args(list(argv) if argv is not None else None)
    seeds = range(options.first_seed, options.first_seed + options.seeds)
    marks: list[dict[str, float]] = []
    misses: Counter[str] = Counter()
    for seed in seeds:
        skin = ArticleSkin.from_seed(seed)
        for number in range(1, options.pages + 1):
            page_marks = score(skin.page(number))
            marks.append(page_marks)
            for key in ("leak", "title", "time", "author", "error"):
                if page_marks.get(key) == (0.0 if key in ("title", "time", "author") else 1.0):
                    misses[f"{key} {skin.layout}/{skin.body_form}/{skin.byline}"] += 1

    def share(key: str) -> str:
        return f"{100 * mean([m.get(key, 0.0) for m in marks]):.1f}%"

    print(f"generated skins: seeds {seeds.start}-{seeds.stop - 1}, {len(marks)} pages")
    print(f"pages leaking   {share('leak')}")
    print(f"title right     {share('title')}")
    print(f"time right      {share('time')}")
    print(f"author right    {share('author')}")
    print(f"errors          {share('error')}")
    print(f"body F1         {mean([m['f1'] for m in marks]):.3f}")
    print(f"ms/page         {1000 * mean([m['seconds'] for m in marks]):.1f}")
    for miss, count in sorted(misses.items()):
        print(f"  {miss}: {count}")


if __name__ == "__main__":
    main()
