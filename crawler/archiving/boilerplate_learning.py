"""A site's boilerplate kept up to date in the archive: learned from the site's
archived articles (:mod:`pipelines.boilerplate`), recorded as a new version
when it grew, and taken out of the site's stored articles at once (their
fingerprints renewed), so that no article keeps a line the set names.

It runs at the end of every crawl of the site: a new site's first articles
are cleaned at the end of the run that archived them, once the archive holds
enough of them to show what recurs (``pipelines.boilerplate.MIN_STORIES``
stories over ``MIN_DAYS`` days); until then they are kept as extracted, and
the next run's end cleans them. ``scrapy reextract`` runs it too, before it
re-extracts, and gives the set in force to extraction. Articles a crawl
extracts are cleaned by the set in force when the crawl started.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from pipelines.boilerplate import StoredStory, learn, strip
from pipelines.fingerprint import fingerprint
from storage.busy import waiting
from storage.site_boilerplate import (
    CleanedBody,
    StoredBody,
    in_force,
    record,
    save_cleaned,
    stored_bodies,
)

# stories learned from at once, consecutive by publication: a site's template
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


def relearn(engine: Engine, site: str) -> Relearned:
    """Learn ``site``'s boilerplate from its archive and take it out of its
    stored articles (see the module doc). Lines once learned are kept: the
    bodies they were taken out of no longer show them."""
    current = in_force(engine, site)
    stories: dict[int, StoredStory] = {}
    for batch in stored_bodies(engine, site):
        for stored in batch:
            story = StoredStory(stored.published, tuple(stored.body.split(PARAGRAPH_BREAK)))
            stories.setdefault(stored.story_id, story)  # a story's first copy stands for it
    ordered = sorted(stories.values(), key=lambda story: story.published)
    learned = set(current.lines)
    for start in range(0, len(ordered), WINDOW):
        learned |= learn(ordered[start : start + WINDOW])
    lines = frozenset(learned)
    if lines == current.lines:
        return Relearned(current.version, lines, 0, 0)
    version = waiting(lambda: record(engine, site, lines, len(ordered)))
    cleaned = 0
    for batch in stored_bodies(engine, site):
        bodies = [body for stored in batch if (body := _cleaned(stored, lines)) is not None]
        waiting(lambda: save_cleaned(engine, bodies))  # noqa: B023 (called at once)
        cleaned += len(bodies)
    return Relearned(version, lines, len(lines - current.lines), cleaned)


def _cleaned(stored: StoredBody, lines: frozenset[str]) -> CleanedBody | None:
    """``stored`` without the boilerplate ``lines``; None when it has none."""
    paragraphs = stored.body.split(PARAGRAPH_BREAK)
    kept = strip(paragraphs, lines)
    if len(kept) == len(paragraphs):
        return None
    body = PARAGRAPH_BREAK.join(kept)
    found = fingerprint(stored.title, body)
    return CleanedBody(
        stored.article_id, body, found.content_hash, found.signature, found.band_keys
    )
