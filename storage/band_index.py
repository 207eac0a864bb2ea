"""The near-duplicate index: each article's LSH band keys with the day it is
dated, and how many stories (first copies) carry each key.

A key carried by ``STOCK_KEY_STORIES`` stories or more is a site's shared
lines or a stock sentence: it tells no story from another, and is not used to
look for candidates. Stories are counted when an article is stored as a first
copy (and when a rewritten body gives a first copy new keys, or leaves a copy a
story of its own: ``storage.rewritten_bodies``); an older first copy that a
later-found, earlier-published copy absorbs stays counted, so a count may be a
little high, never low.

The count is archive-wide: as the archive grows, keys that unrelated stories
share by chance pass the threshold too, which keeps candidates few; copies
are still found by the keys their own wording gives (one story's), and two
copies sharing stock keys only are not linked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from functools import cache

from sqlalchemy import Connection, Insert, bindparam, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from storage.models import Article, BandKeyStories, MinhashBand
from storage.types import SEOUL

# stories from which a band key is stock: the labelled copies' keys are carried
# by one story each; a portal's shared lines reach this within weeks
STOCK_KEY_STORIES = 20
_EPOCH = date(1970, 1, 1).toordinal()


def story_day(published: datetime | None, archived_at: datetime) -> int:
    """The day an article is dated (its publication, else its archiving), as
    days since 1970-01-01 in Asia/Seoul."""
    return (published or archived_at).astimezone(SEOUL).date().toordinal() - _EPOCH


def add_keys(
    connection: Connection, article_id: int, keys: Iterable[int], day: int, first_copy: bool
) -> None:
    """Index a new article's band ``keys`` at ``day``; counted as a story's when
    it is a ``first_copy``."""
    distinct = sorted(set(keys))
    if not distinct:
        return
    connection.execute(
        insert(MinhashBand),
        [{"key": key, "article_id": article_id, "day": day} for key in distinct],
    )
    if first_copy:
        count_stories(connection, Counter(distinct), 1)


def replace_keys(connection: Connection, keys: Mapping[int, Sequence[int]]) -> None:
    """Put ``keys`` (article id -> its new band keys) in place of those articles'
    keys, at their days; the stories counted move from the old keys to the new."""
    ids = list(keys)
    articles = {
        row.id: row
        for row in connection.execute(
            select(
                Article.id, Article.published, Article.archived_at, Article.duplicate_of_id
            ).where(Article.id.in_(ids))
        )
    }
    firsts = [article_id for article_id, row in articles.items() if row.duplicate_of_id is None]
    count_as_stories(connection, firsts, -1)
    connection.execute(delete(MinhashBand).where(MinhashBand.article_id.in_(ids)))
    for article_id, article_keys in keys.items():
        row = articles[article_id]
        day = story_day(row.published, row.archived_at)
        add_keys(connection, article_id, article_keys, day, row.duplicate_of_id is None)


def count_as_stories(connection: Connection, article_ids: Sequence[int], sign: int) -> None:
    """Count the indexed keys of ``article_ids`` as those of as many more
    (``sign`` 1) or fewer (-1) stories."""
    if article_ids:
        indexed = connection.execute(
            select(MinhashBand.key, func.count())
            .where(MinhashBand.article_id.in_(article_ids))
            .group_by(MinhashBand.key)
        )
        count_stories(connection, Counter({key: count for key, count in indexed}), sign)


def count_stories(connection: Connection, keys: Counter[int], sign: int) -> None:
    """Add (``sign`` 1) or take away (-1) ``keys``' stories, keys in order (two
    writers counting the same keys never wait for each other in a circle)."""
    if not keys:
        return
    connection.execute(
        _counting(connection.dialect.name),
        [{"key": key, "stories": sign * keys[key]} for key in sorted(keys)],
    )


@cache
def _counting(dialect_name: str) -> Insert:
    """The statement that adds to keys' stories on ``dialect_name``, made once:
    building it again for each article cost as much as running it."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    statement = dialect.insert(BandKeyStories)
    return statement.on_conflict_do_update(
        index_elements=[BandKeyStories.key],
        set_={"stories": BandKeyStories.stories + statement.excluded.stories},
    )


def stock_keys(connection: Connection, keys: Iterable[int]) -> set[int]:
    """Those of ``keys`` carried by ``STOCK_KEY_STORIES`` stories or more."""
    return set(connection.execute(_STOCK, {"keys": sorted(set(keys))}).scalars())


_STOCK = select(BandKeyStories.key).where(
    BandKeyStories.key.in_(bindparam("keys", expanding=True)),
    BandKeyStories.stories >= STOCK_KEY_STORIES,
)
