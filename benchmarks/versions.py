"""Versions: what telling another version from the same article costs, and
what the word-level diff between two versions costs, on the sample portal's
bodies (its Newsroom's stories, several joined for long articles).

For each body length, ``--pairs`` bodies each compared (``pipelines.versions.
differs``) with itself shown again (a view-count line, whitespace) and with a
figure changed, and diffed (``word_diff``) against an edit of a few words and
against an unrelated body (the worst case: nothing lines up). Printed per
length: characters per body, ms per pair (mean), and whether every decision
was right (no change for the same article shown again, a change for the
figure).

    .venv/bin/python benchmarks/versions.py [--pairs 50]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from pipelines.versions import VersionFields, differs, word_diff
from sample_portal.content import Newsroom
from storage.types import SEOUL

STORIES_PER_BODY = (1, 3, 9)
EDITED_WORDS = 5


def bodies(pairs: int, stories: int, newsroom: Newsroom) -> list[str]:
    """``pairs`` bodies of ``stories`` stories each."""
    day = datetime(2024, 3, 1, 9, 0, tzinfo=SEOUL)
    return [
        "\n\n".join(
            paragraph
            for _ in range(stories)
            for paragraph in newsroom.story("newscms", day).paragraphs
        )
        for _ in range(pairs)
    ]


def edited(body: str, rng: random.Random) -> str:
    """``body`` with a few words changed (one character each)."""
    words = body.split(" ")
    for _ in range(EDITED_WORDS):
        at = rng.randrange(len(words))
        words[at] = words[at][:-1] + "X"
    return " ".join(words)


def timed(pairs: list[tuple[str, str]], run: Callable[[str, str], object]) -> float:
    """Mean ms per pair of ``run``."""
    start = time.perf_counter()
    for old, new in pairs:
        run(old, new)
    return (time.perf_counter() - start) / len(pairs) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=50)
    args = parser.parse_args()
    rng = random.Random(20240329)
    newsroom = Newsroom(7)
    print(
        f"{'chars':>7} {'differs ms':>11} {'diff edit ms':>13} {'diff unrelated ms':>18} "
        f"{'decisions right':>16}"
    )
    for stories in STORIES_PER_BODY:
        texts = bodies(args.pairs, stories, newsroom)
        version = [VersionFields("제목", body, "홍길동 기자", None) for body in texts]
        again = [replace(v, body=f"조회수 {rng.randint(1, 9999):,}\n\n{v.body}  ") for v in version]
        figure = [replace(v, body=v.body + "\n\n예산은 5억원이다.") for v in version]
        start = time.perf_counter()
        right = sum(not differs(old, new) for old, new in zip(version, again, strict=True))
        right += sum(differs(old, new) for old, new in zip(version, figure, strict=True))
        differs_ms = (time.perf_counter() - start) / (2 * len(texts)) * 1000
        edit_ms = timed([(body, edited(body, rng)) for body in texts], word_diff)
        unrelated_ms = timed(list(zip(texts, texts[1:] + texts[:1], strict=True)), word_diff)
        chars = sum(map(len, texts)) // len(texts)
        print(
            f"{chars:>7,} {differs_ms:>11.2f} {edit_ms:>13.2f} {unrelated_ms:>18.2f} "
            f"{right:>10}/{2 * len(texts)}"
        )


if __name__ == "__main__":
    main()
