"""Near-duplicate clusters: which story's copies a new article joins.

A cluster is one story's copies: its first copy (``duplicate_of`` null) and
the articles that point at it. Candidates share an LSH band key with the new
article; those whose MinHash estimate is close are fetched, with the first
copies of their clusters. Then:

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

from sqlalchemy import Connection, Row, bindparam, select, update

from storage.models import Article, MinhashBand


class Fingerprint(Protocol):
    """What the archive matches a new article's body by (``pipelines.fingerprint``)."""

    content_hash: str
    signature: bytes | None
    band_keys: tuple[int, ...]
    threshold: float

    def may_copy(self, stored: bytes) -> bool: ...

    def stock(self, clusters: Iterable[Iterable[str]]) -> frozenset[int]: ...

    def resemblance(self, body: str, stock: frozenset[int] = frozenset()) -> float: ...


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
    connection: Connection, fingerprint: Fingerprint, published: datetime | None
) -> Placement:
    """Which cluster the article with ``fingerprint``, published at ``published``,
    joins, or which clusters' first copies it becomes the first copy of."""
    if not fingerprint.band_keys:
        return ALONE
    candidates = connection.execute(_CANDIDATES, {"keys": list(fingerprint.band_keys)}).all()
    close = [article_id for article_id, stored in candidates if fingerprint.may_copy(stored)]
    if not close:
        return ALONE
    stories = _stories(connection, close)
    firsts = {_first_copy(story) for story in stories.values()}
    stories.update(_stories(connection, firsts - stories.keys()))
    clusters: defaultdict[int, list[str]] = defaultdict(list)
    for story in stories.values():
        clusters[_first_copy(story)].append(story.body)
    matched, stock = {}, {}
    for first in firsts:
        # stock: carried by the copies of other clusters than the one compared
        stock[first] = fingerprint.stock(bodies for at, bodies in clusters.items() if at != first)
        similarity = fingerprint.resemblance(stories[first].body, stock[first])
        if similarity >= fingerprint.threshold:
            matched[first] = similarity
    before = [first for first in matched if not earlier(published, stories[first].published)]
    if before:
        return Placement(max(before, key=lambda first: (matched[first], -first)))
    return Placement(None, tuple(sorted(matched)), stock)


def absorb(
    connection: Connection, fingerprint: Fingerprint, article_id: int, placement: Placement
) -> None:
    """Make the stored article ``article_id`` the first copy of the clusters
    ``placement`` says it absorbs: their first copies and the copies it matches
    point at it, their other copies become first copies."""
    for first in placement.absorbed:
        copies = connection.execute(_COPIES, {"first": first}).all()
        matching = [first] + [
            copy.id
            for copy in copies
            if fingerprint.resemblance(copy.body, placement.stock[first]) >= fingerprint.threshold
        ]
        _point(connection, matching, article_id)
        _point(connection, [copy.id for copy in copies if copy.id not in matching], None)


def _point(connection: Connection, article_ids: Sequence[int], first: int | None) -> None:
    if article_ids:
        connection.execute(
            update(Article).where(Article.id.in_(article_ids)).values(duplicate_of_id=first)
        )


def _first_copy(story: Row) -> int:
    return story.duplicate_of_id or story.id


def _stories(connection: Connection, article_ids: Iterable[int]) -> dict[int, Row]:
    wanted = sorted(article_ids)
    if not wanted:
        return {}
    return {story.id: story for story in connection.execute(_STORIES, {"ids": wanted})}


_CANDIDATES = select(Article.id, Article.minhash).where(
    Article.id.in_(
        select(MinhashBand.article_id).where(MinhashBand.key.in_(bindparam("keys", expanding=True)))
    ),
    Article.minhash.is_not(None),
)
_STORIES = select(Article.id, Article.body, Article.published, Article.duplicate_of_id).where(
    Article.id.in_(bindparam("ids", expanding=True))
)
_COPIES = select(Article.id, Article.body).where(Article.duplicate_of_id == bindparam("first"))
