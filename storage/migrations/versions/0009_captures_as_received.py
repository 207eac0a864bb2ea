"""Captures keep the exchange as received: the payload before content decoding,
HTTP version and reason, response headers as pairs, the request as sent and
the server's IP. Captures made before are marked decoded-only (their body is
decoded and their headers are as Scrapy left them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs: SQLite's batch mode would copy the table, which the
    # articles' foreign keys to it forbid once it holds rows
    for column in (
        sa.Column("http_version", sa.String(16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("request", sa.JSON(), nullable=True),
        sa.Column("ip_address", sa.String(45), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("decoded_only", sa.Boolean(), server_default=sa.false(), nullable=False),
    ):
        op.add_column("captures", column)
    captures = sa.table("captures", sa.column("decoded_only", sa.Boolean()))
    op.execute(captures.update().values(decoded_only=True))


def downgrade() -> None:
    for column in (
        "decoded_only",
        "payload",
        "ip_address",
        "request",
        "response_headers",
        "reason",
        "http_version",
    ):
        op.drop_column("captures", column)
