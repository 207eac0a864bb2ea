"""Near-duplicate matching at a flat cost: each band key with its article's day
(candidates are looked for in a window of days, in the index alone), the
stories each key is carried by (keys of too many are left out), and each
article's compared text (stored once, not rebuilt from the body). Articles
stored before keep a null compared text: their body is normalized when compared.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_SEOUL = timedelta(hours=9)  # Asia/Seoul keeps no daylight saving time
_EPOCH = date(1970, 1, 1).toordinal()
_CHUNK = 5000


def upgrade() -> None:
    op.add_column("articles", sa.Column("compared_text", sa.Text(), nullable=True))
    op.add_column(
        "minhash_bands", sa.Column("day", sa.Integer(), nullable=False, server_default="0")
    )
    op.create_index("ix_minhash_bands_key_day", "minhash_bands", ["key", "day", "article_id"])
    op.create_table(
        "band_key_stories",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("stories", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    connection = op.get_bind()
    articles = sa.table(
        "articles",
        sa.column("id", sa.Integer),
        sa.column("published", sa.DateTime),
        sa.column("archived_at", sa.DateTime),
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.select(articles.c.id, articles.c.published, articles.c.archived_at)
            .where(articles.c.id > last)
            .order_by(articles.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        connection.execute(
            sa.text("UPDATE minhash_bands SET day = :day WHERE article_id = :id"),
            [{"id": id_, "day": _day(published or archived)} for id_, published, archived in rows],
        )
        last = rows[-1][0]
    connection.execute(
        sa.text(
            "INSERT INTO band_key_stories (key, stories)"
            " SELECT minhash_bands.key, count(*) FROM minhash_bands"
            " JOIN articles ON articles.id = minhash_bands.article_id"
            " WHERE articles.duplicate_of_id IS NULL GROUP BY minhash_bands.key"
        )
    )


def _day(when: datetime) -> int:
    """Days since 1970-01-01 in Asia/Seoul of a stored time (naive on SQLite: UTC)."""
    utc = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return (utc + _SEOUL).date().toordinal() - _EPOCH


def downgrade() -> None:
    op.drop_table("band_key_stories")
    op.drop_index("ix_minhash_bands_key_day", table_name="minhash_bands")
    with op.batch_alter_table("minhash_bands") as batch:
        batch.drop_column("day")
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("compared_text")
