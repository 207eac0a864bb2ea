"""Near-duplicate clusters: which story's copies a new article joins.

A cluster is one story's copies: its first copy (``duplicate_of`` null) and
the articles that point at it. Candidates are found in the database, at a cost
that does not grow with the archive: the articles dated within
``WINDOW_DAYS`` days of the new one (its publication, else its archiving)
that share at least ``shared_keys`` of its LSH band keys, counted by the
database (GROUP BY), most shared first, at most ``CANDIDATES`` of them; keys
carried by too many stories are not used (``storage.band_index``). Those whose
MinHash estimate is close are fetched with the first copies of their
clusters, each with the text it is compared by (stored at insert). Then:

- a new article joins the cluster whose *first copy* it matches itself
  (``Fingerprint.resemblance``), never a cluster through another of its
  copies: a reprint of a reprint may resemble a third story's reprint more
  than either story;
- *stock sentences* are no evidence of a copy: a sentence of the new article
  that the fetched copies of at least two clusters other than the one compared
  carry (a press office's house style, learned from the candidates, nothing
  stored) is left out of both bodies before they are compared;
- the order of arrival does not matter: an article published before every
  first copy it matches becomes the first copy of all of them; their copies
  that match it point at it, those that do not (they resembled a later copy,
  not the story) become first copies of their own.

Of several first copies published before it, the article joins the one it
resembles most.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection, Row, bindparam, func, select, update

from storage.band_index import stock_keys, story_day
from storage.models import Article, MinhashBand

# days either side of a new article's day where its candidates are looked for:
# the labelled copies of one story are published within hours of each other
WINDOW_DAYS = 3
# candidates compared at most, those sharing the most band keys first
CANDIDATES = 32


class Fingerprint(Protocol):
    """What the archive matches a new article's body by (``pipelines.fingerprint``)."""

    content_hash: str
    signature: bytes | None
    band_keys: tuple[int, ...]
    shared_keys: int
    threshold: float

    @property
    def compared_text(self) -> str | None: ...

    def may_copy(self, stored: bytes) -> bool: ...

    def shared_sentences(self, copies: Iterable[Row]) -> frozenset[int]: ...

    def stock(self, clusters: Iterable[frozenset[int]]) -> frozenset[int]: ...

    def resemblance(self, stored: Row, stock: frozenset[int] = frozenset()) -> float: ...


@dataclass(frozen=True)
class Placement:
    """Where a new article goes among the near-duplicate clusters."""

    first_copy: int | None = None  # the first copy it joins; None: it is a first copy
    absorbed: tuple[int, ...] = ()  # first copies published after it that it matches
    # by first copy absorbed: its sentences the other clusters' copies show to be stock
    stock: Mapping[int, frozenset[int]] = field(default_factory=dict)


ALONE = Placement()


def earlier(candidate: datetime | None, than: datetime | None) -> bool:
    """Whether ``candidate`` is a publication time before ``than`` (None: unknown)."""
    return candidate is not None and (than is None or candidate < than)


def place(
    connection: Connection,
    fingerprint: Fingerprint,
    published: datetime | None,
    archived_at: datetime,
    itself: int | None = None,
) -> Placement:
    """Which cluster the article with ``fingerprint``, published at ``published``
    and archived at ``archived_at``, joins, or which clusters' first copies it
    becomes the first copy of; ``itself``: its id when it is stored already
    (it is no candidate of its own)."""
    if not fingerprint.band_keys:
        return ALONE
    found = candidates(connection, fingerprint, story_day(published, archived_at))
    close = [
        article_id
        for article_id, stored in found
        if article_id != itself and fingerprint.may_copy(stored)
    ]
    if not close:
        return ALONE
    stories = story_rows(connection, close)
    firsts = {_first_copy(story) for story in stories.values()}
    stories.update(story_rows(connection, firsts - stories.keys()))
    clusters: defaultdict[int, list[Row]] = defaultdict(list)
    for story in stories.values():
        clusters[_first_copy(story)].append(story)
    shared = {first: fingerprint.shared_sentences(copies) for first, copies in clusters.items()}
    matched, stock = {}, {}
    for first in firsts:
        # stock: carried by the copies of other clusters than the one compared
        stock[first] = fingerprint.stock(carried for at, carried in shared.items() if at != first)
        similarity = fingerprint.resemblance(stories[first], stock[first])
        if similarity >= fingerprint.threshold:
            matched[first] = similarity
    before = [first for first in matched if not earlier(published, stories[first].published)]
    if before:
        return Placement(max(before, key=lambda first: (matched[first], -first)))
    return Placement(None, tuple(sorted(matched)), stock)


def candidates(connection: Connection, fingerprint: Fingerprint, day: int) -> list[Row]:
    """The articles dated within ``WINDOW_DAYS`` of ``day`` that share at least
    ``fingerprint.shared_keys`` of its band keys, stock keys left out: id and
    MinHash signature, the most keys shared first, at most ``CANDIDATES``."""
    usable = set(fingerprint.band_keys) - stock_keys(connection, fingerprint.band_keys)
    if not usable:
        return []
    window = {"first_day": day - WINDOW_DAYS, "last_day": day + WINDOW_DAYS}
    return connection.execute(
        _CANDIDATES, {"keys": sorted(usable), "shared": fingerprint.shared_keys, **window}
    ).all()


def absorb(
    connection: Connection, fingerprint: Fingerprint, article_id: int, placement: Placement
) -> None:
    """Make the stored article ``article_id`` the first copy of the clusters
    ``placement`` says it absorbs: their first copies and the copies it matches
    point at it, their other copies become first copies."""
    for first in placement.absorbed:
        copies = connection.execute(COPIES, {"first": first}).all()
        matching = [first] + [
            copy.id
            for copy in copies
            if fingerprint.resemblance(copy, placement.stock[first]) >= fingerprint.threshold
        ]
        point(connection, matching, article_id)
        point(connection, [copy.id for copy in copies if copy.id not in matching], None)


def point(connection: Connection, article_ids: Sequence[int], first: int | None) -> None:
    """Make ``article_ids`` copies of the first copy ``first`` (None: first copies)."""
    if article_ids:
        connection.execute(
            update(Article).where(Article.id.in_(article_ids)).values(duplicate_of_id=first)
        )


def _first_copy(story: Row) -> int:
    return story.duplicate_of_id or story.id


def story_rows(connection: Connection, article_ids: Iterable[int]) -> dict[int, Row]:
    """The stored articles ``article_ids`` as they are compared, with their
    publication and first copy, by id."""
    wanted = sorted(article_ids)
    if not wanted:
        return {}
    return {story.id: story for story in connection.execute(_STORIES, {"ids": wanted})}


# the articles of the window sharing the most keys, counted in the index alone
_SHARING = (
    select(MinhashBand.article_id, func.count().label("shared"))
    .where(
        MinhashBand.key.in_(bindparam("keys", expanding=True)),
        MinhashBand.day.between(bindparam("first_day"), bindparam("last_day")),
    )
    .group_by(MinhashBand.article_id)
    .having(func.count() >= bindparam("shared"))
    .order_by(func.count().desc(), MinhashBand.article_id)
    .limit(CANDIDATES)
    .subquery()
)
_CANDIDATES = (
    select(Article.id, Article.minhash)
    .join(_SHARING, _SHARING.c.article_id == Article.id)
    .where(Article.minhash.is_not(None))
    .order_by(_SHARING.c.shared.desc(), Article.id)
)
_STORIES = select(
    Article.id, Article.body, Article.compared_text, Article.published, Article.duplicate_of_id
).where(Article.id.in_(bindparam("ids", expanding=True)))
# the copies of a first copy, as they are compared
COPIES = select(Article.id, Article.body, Article.compared_text).where(
    Article.duplicate_of_id == bindparam("first")
)
