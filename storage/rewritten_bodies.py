"""Articles whose bodies are written again (cleaned of their site's
boilerplate, extracted again, revised): their new fingerprints stored (body
hash, MinHash, its band keys in the near-duplicate index, the text they are
compared by), and their standing among the near-duplicate clusters
(``storage.near_duplicates``) checked again with the new bodies.

A body is placed among the clusters as it is when archived. One placed while
it still held lines taken out later (a site's standing block, learned at a
run's end) may have joined a story by those lines alone, or missed one they
hid. So, in the transaction that writes the bodies, once all are written:

- a rewritten copy that no longer resembles its first copy, and a copy that no
  longer resembles its rewritten first copy, leave the story: each becomes a
  first copy of its own, its band keys counted as a new story's;
- a rewritten article that is then a first copy without copies is placed
  again (``near_duplicates.place``, itself no candidate of its own): it joins
  the story it now resembles, or becomes the first copy of those published
  after it that it matches.

Only the rewritten articles and their clusters are read: the cost is the
batch's, not the archive's. The transaction first takes the story locks
(``storage.story_locks``) of the new bodies and of the band keys the old ones
are indexed by (:func:`hold_rewritten_stories`): a crawl saving a copy of
one of those stories meanwhile waits, then is placed among the clusters as
the rewrite left them.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, bindparam, exists, select, update
from sqlalchemy.orm import aliased

from storage.band_index import count_as_stories, replace_keys
from storage.models import Article, MinhashBand
from storage.near_duplicates import COPIES, Fingerprint, absorb, place, point, story_rows
from storage.story_locks import hold_story_locks, text_key


def hold_rewritten_stories(connection: Connection, fingerprints: Mapping[int, Fingerprint]) -> None:
    """Take the story locks of the articles about to be written again
    (article id -> the new body's fingerprint): their new bodies' hashes and
    band keys, and the band keys they are indexed by now. The transaction's
    first statement."""
    stored = select(MinhashBand.key).where(MinhashBand.article_id.in_(list(fingerprints)))
    new = [
        key
        for found in fingerprints.values()
        for key in (text_key(found.content_hash), *found.band_keys)
    ]
    hold_story_locks(connection, new, stored)


def rewrite_fingerprints(connection: Connection, fingerprints: Mapping[int, Fingerprint]) -> None:
    """Store the fingerprints of articles whose bodies were written again
    (article id -> the new body's fingerprint), the new bodies written
    already, and check their near-duplicate standing again (see the module doc)."""
    if not fingerprints:
        return
    for article_id, found in fingerprints.items():
        connection.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(
                content_hash=found.content_hash,
                minhash=found.signature,
                compared_text=found.compared_text,
            )
        )
    replace_keys(
        connection, {article_id: found.band_keys for article_id, found in fingerprints.items()}
    )
    _leave_stories(connection, fingerprints)
    _place_again(connection, fingerprints)


def _leave_stories(connection: Connection, fingerprints: Mapping[int, Fingerprint]) -> None:
    """Make first copies of their own the rewritten copies that no longer
    resemble their first copy, and the copies (not rewritten: those are
    checked themselves) that no longer resemble their rewritten first copy."""
    rewritten = story_rows(connection, fingerprints)
    firsts = story_rows(connection, {row.duplicate_of_id for row in rewritten.values()} - {None})
    leaving = []
    for article_id, found in fingerprints.items():
        first = rewritten[article_id].duplicate_of_id
        if first is not None:
            if found.resemblance(firsts[first]) < found.threshold:
                leaving.append(article_id)
            continue
        copies = connection.execute(COPIES, {"first": article_id}).all()
        leaving.extend(
            copy.id
            for copy in copies
            if copy.id not in fingerprints and found.resemblance(copy) < found.threshold
        )
    point(connection, leaving, None)
    count_as_stories(connection, leaving, 1)


def _place_again(connection: Connection, fingerprints: Mapping[int, Fingerprint]) -> None:
    """Place again, in id order, the rewritten articles that are first copies
    without copies: each joins the story it now resembles, or absorbs those it
    is the first copy of."""
    for article_id in sorted(fingerprints):
        found = fingerprints[article_id]
        standing = connection.execute(_STANDING, {"id": article_id}).one()
        if standing.duplicate_of_id is not None or standing.copied:
            continue
        placement = place(
            connection, found, standing.published, standing.archived_at, itself=article_id
        )
        if placement.first_copy is not None:
            point(connection, [article_id], placement.first_copy)
        elif placement.absorbed:
            absorb(connection, found, article_id, placement)


# an article's link, dates, and whether it has copies
_COPY = aliased(Article)
_STANDING = select(
    Article.duplicate_of_id,
    Article.published,
    Article.archived_at,
    exists().where(_COPY.duplicate_of_id == Article.id).label("copied"),
).where(Article.id == bindparam("id"))
