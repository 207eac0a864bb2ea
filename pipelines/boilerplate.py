"""Per-site boilerplate, as pure functions: the lines a site's template adds to
its articles (promo and tip lines, channel invitations, copyright variants,
corrections notices, button text, 관련기사 headings), learned from the site's
archived articles, and taken out of an article's paragraphs by extraction,
which is given them as data.

A line is the site's boilerplate when, across the site's archived *stories*
(an article and its near copies count once, so a re-posted story's lead does
not recur):

- it stands at the body's end, among its last ``TAIL`` paragraphs but not
  its lead (a block of such lines is peeled off the end, and what is then at
  the end is looked at again);
- it does so in at least ``MIN_STORIES`` stories, over at least ``MIN_DAYS``
  days;
- it is in at least ``MIN_COVERAGE`` of the site's stories published while it
  was in use (from its first to its last appearance): a template adds it to
  every article, while a series' standing sentence or a city's name heading
  a section's articles is in a few;
- it is not a part of the site's own sentences (a city's name is also a word
  of many of its paragraphs).

The thresholds were chosen by ``benchmarks/boilerplate.py``, which prints how
they trade off. Lines are compared by :func:`line_key` (width, spacing and
digits do not count: ``ⓒ 2024`` and ``ⓒ 2025`` are one copyright line).
The lines :func:`strip` may take off a body are its :func:`end_lines`, by a
64-bit hash of their key (:func:`line_hash`): an archive finds by them the
articles that hold a newly learned line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

TAIL = 2  # a body's last paragraphs, where boilerplate is looked for (peeled, below)
MIN_STORIES = 5  # distinct stories a line must end to be learned
MIN_DAYS = 2  # calendar days between its first and last appearance, at least
MIN_COVERAGE = 0.2  # share of the site's stories of that period that carry it
MAX_CHARS = 300  # longer paragraphs are text, however often they recur
ROUNDS = 6  # a block of boilerplate lines is peeled from the end this many times at most

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class StoredStory:
    """What learning needs of one archived story of a site."""

    published: datetime
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Thresholds:
    """Learning's thresholds (the module's constants unless measured otherwise)."""

    tail: int = TAIL
    min_stories: int = MIN_STORIES
    min_days: int = MIN_DAYS
    min_coverage: float = MIN_COVERAGE


def line_key(paragraph: str) -> str:
    """``paragraph`` as lines are compared: NFKC, spacing collapsed, digits as 0."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", paragraph)).strip().lower()
    return _DIGITS.sub("0", text)


def line_hash(key: str) -> int:
    """A line key (:func:`line_key`) as a signed 64-bit integer."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8, person=b"end line")
    return int.from_bytes(digest.digest(), "little", signed=True)


def end_lines(paragraphs: Sequence[str]) -> frozenset[int]:
    """The hashes (:func:`line_hash`) of the lines :func:`strip` may take off
    ``paragraphs``: its last ``TAIL * ROUNDS`` paragraphs (a block is learned
    ``ROUNDS`` deep at most), never its lead, none longer than ``MAX_CHARS``
    (never learned)."""
    return frozenset(
        line_hash(line_key(paragraphs[at]))
        for at in _tail(len(paragraphs), TAIL * ROUNDS)
        if len(paragraphs[at]) <= MAX_CHARS
    )


def _tail(size: int, tail: int) -> range:
    """The positions of a body's last ``tail`` paragraphs, never its lead (the
    first): a short story re-posted several times ends with its lead."""
    return range(max(1, size - tail), size)


def learn(stories: Iterable[StoredStory], thresholds: Thresholds = Thresholds()) -> frozenset[str]:
    """The keys of the boilerplate lines of a site whose stories these are
    (see the module doc). A block of such lines is learned from the end
    inwards: the lines found at the bodies' ends are taken off, and what is
    then at the ends is looked at again."""
    stories = sorted(stories, key=lambda story: story.published)
    text = {line_key(p) for story in stories for p in story.paragraphs}
    bodies = [story.paragraphs for story in stories]
    learned: set[str] = set()
    for _ in range(ROUNDS):
        found = _recurring(stories, bodies, thresholds) - learned
        # a line that is a part of the site's other paragraphs is a part of its sentences
        own = text - learned - found
        found = {key for key in found if not any(key in other for other in own)}
        if not found:
            break
        learned |= found
        bodies = [strip(body, frozenset(learned), thresholds.tail) for body in bodies]
    return frozenset(learned)


def _recurring(
    stories: Sequence[StoredStory], bodies: Sequence[Sequence[str]], thresholds: Thresholds
) -> set[str]:
    """The lines ending the ``bodies`` in enough stories, days and coverage."""
    ending: dict[str, list[int]] = defaultdict(list)  # key -> the stories (by index) it ends
    for number, body in enumerate(bodies):
        keys = {
            line_key(body[at])
            for at in _tail(len(body), thresholds.tail)
            if len(body[at]) <= MAX_CHARS
        }
        for key in keys:
            ending[key].append(number)
    found = set()
    for key, numbers in ending.items():
        if len(numbers) < thresholds.min_stories:
            continue
        first, last = stories[numbers[0]].published, stories[numbers[-1]].published
        if (last.date() - first.date()).days < thresholds.min_days:
            continue
        in_use = numbers[-1] - numbers[0] + 1  # the site's stories of that period
        if len(numbers) / in_use >= thresholds.min_coverage:
            found.add(key)
    return found


def strip(paragraphs: Sequence[str], lines: frozenset[str], tail: int = TAIL) -> tuple[str, ...]:
    """``paragraphs`` without the boilerplate ``lines`` (keys) at their end:
    among the last ``tail`` paragraphs (never the lead), again until none is
    one of ``lines`` (a block of them is peeled off whole)."""
    body = tuple(paragraphs)
    while lines and body:
        ending = _tail(len(body), tail)
        kept = tuple(p for at, p in enumerate(body) if at not in ending or line_key(p) not in lines)
        if len(kept) == len(body):
            break
        body = kept
    return body
