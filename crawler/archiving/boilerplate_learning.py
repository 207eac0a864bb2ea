"""A site's boilerplate kept up to date in the archive: learned from the site's
newest archived articles (:mod:`pipelines.boilerplate`), recorded as a new
version when it grew, and taken out of the site's stored articles that hold a
newly learned line (their fingerprints renewed, their near-duplicate
standing checked again: ``storage.rewritten_bodies``), so that no article
keeps a line the set names.

It runs at the end of every crawl of the site: a new site's first articles
are cleaned at the end of the run that archived them, once the archive holds
enough of them to show what recurs (``pipelines.boilerplate.MIN_STORIES``
stories over ``MIN_DAYS`` days); until then they are kept as extracted, and
the next run's end cleans them. ``scrapy reextract`` runs it too, before it
re-extracts, and gives the set in force to extraction. Articles a crawl
extracts are cleaned by the set in force when the crawl started.

Its cost does not grow with the archive. It learns from the site's newest
``WINDOW`` stories, read back by index a batch at a time, and from as many
windows before them as it takes to reach the articles learned from before
(the site's mark); a run after which the site has no new article reads none.
The articles it reads first are indexed by their end lines
(:func:`pipelines.boilerplate.end_lines`), so that the articles holding a
newly learned line are found by index, and only those are cleaned again.

A new version is recorded before its lines' holders are cleaned, and the
mark moves after, naming the version the site's articles are all cleaned of:
a run stopped in between (killed, its database gone) leaves the mark behind,
and the next run cleans the holders of every line the mark's version lacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine

from pipelines.boilerplate import StoredStory, end_lines, learn, line_hash, strip
from pipelines.fingerprint import fingerprint
from storage.busy import waiting
from storage.site_boilerplate import (
    CleanedBody,
    Learning,
    StoredBody,
    bodies_before,
    holding,
    in_force,
    keep_end_lines,
    learning,
    mark_learned,
    record,
    save_cleaned,
)

# stories learned from at once, consecutive in the archive: a site's template
# changes over the years, and a line is judged among the stories of its time
WINDOW = 3000
PARAGRAPH_BREAK = "\n\n"  # how a stored body separates its paragraphs


@dataclass(frozen=True)
class Relearned:
    """What relearning a site's boilerplate did."""

    version: int  # in force now (0: none learned yet)
    lines: frozenset[str]
    added: int  # lines this version added (0: the version in force was kept)
    cleaned: int  # stored articles that lost lines


@dataclass(frozen=True)
class Window:
    """Stories of a site learned from at once, and how many of the articles
    read for them were never learned from before."""

    stories: list[StoredStory]
    new: int


def relearn(engine: Engine, site: str, window: int = WINDOW) -> Relearned:
    """Learn ``site``'s boilerplate from its newest articles, ``window``
    stories at a time, and take it out of its stored articles (see the module
    doc). Lines once learned are kept: the bodies they were taken out of no
    longer show them."""
    current = in_force(engine, site)
    stand = learning(engine, site)
    if stand is None or stand.newest <= stand.learned_through:
        return Relearned(current.version, current.lines, 0, 0)
    learned, stories, new = set(current.lines), 0, 0
    for read in windows(engine, stand, window):
        learned |= learn(read.stories)
        stories += len(read.stories)
        new += read.new
    lines = frozenset(learned)
    version = current.version
    if lines != current.lines:
        version = waiting(lambda: record(engine, site, lines, stories))
    cleaned = 0
    # the lines learned now, and those of a version a stopped run recorded
    # without cleaning all their holders
    for line in sorted(lines - stand.cleaned_of):
        for batch in holding(engine, stand.site_id, line_hash(line)):
            bodies = [body for stored in batch if (body := _cleaned(stored, lines)) is not None]
            waiting(lambda: save_cleaned(engine, bodies))  # noqa: B023 (called at once)
            cleaned += len(bodies)
    waiting(lambda: mark_learned(engine, stand.site_id, stand.newest, new, version))
    return Relearned(version, lines, len(lines - current.lines), cleaned)


def windows(engine: Engine, stand: Learning, window: int = WINDOW) -> Iterator[Window]:
    """The site's stories ``window`` at a time, newest first, down to the
    window that reaches an article learned from before (or the site's first
    article): an article and its near copies are one story, its first copy
    standing for it. The articles not learned from before are indexed by
    their end lines as they are read."""
    stories: dict[int, tuple[int, StoredStory]] = {}  # story id -> the copy standing for it
    new = 0
    reached = False  # an article learned from before was read
    for batch in bodies_before(engine, stand.site_id, stand.newest + 1):
        split = [(stored, stored.body.split(PARAGRAPH_BREAK)) for stored in batch]
        fresh = {
            stored.article_id: end_lines(paragraphs)
            for stored, paragraphs in split
            if stored.article_id > stand.learned_through
        }
        waiting(lambda: keep_end_lines(engine, stand.site_id, fresh))  # noqa: B023 (called at once)
        for stored, paragraphs in split:
            new += stored.article_id in fresh
            reached = reached or stored.article_id not in fresh
            standing = stories.get(stored.story_id)
            if standing is None or stored.article_id < standing[0]:
                story = StoredStory(stored.published, tuple(paragraphs))
                stories[stored.story_id] = (stored.article_id, story)
            if len(stories) == window:
                yield Window([story for _, story in stories.values()], new)
                if reached:
                    return
                stories, new = {}, 0
    if stories:
        yield Window([story for _, story in stories.values()], new)


def _cleaned(stored: StoredBody, lines: frozenset[str]) -> CleanedBody | None:
    """``stored`` without the boilerplate ``lines``; None when it has none."""
    paragraphs = stored.body.split(PARAGRAPH_BREAK)
    kept = strip(paragraphs, lines)
    if len(kept) == len(paragraphs):
        return None
    body = PARAGRAPH_BREAK.join(kept)
    return CleanedBody(stored.article_id, body, fingerprint(stored.title, body))
