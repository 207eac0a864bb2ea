"""Run locks and resumable runs: the process of each run, its log file and
exit code, one running run per site, the list pages a run read, and the
publication date of each capture.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    # runs an earlier version left "running" have no process to check: they are
    # interrupted, and the new index allows one running run per site
    op.execute(
        "UPDATE crawl_runs SET status = 'interrupted', finished_at = started_at "
        "WHERE status = 'running'"
    )
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("log_file", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("exit_code", sa.Integer(), nullable=True))
        batch_op.create_index(
            "uq_crawl_runs_running_site",
            ["site_id"],
            unique=True,
            sqlite_where=RUNNING,
            postgresql_where=RUNNING,
        )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("published", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "run_list_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("family", sa.String(length=32), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["crawl_runs.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("run_list_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_run_list_pages_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("run_list_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_run_list_pages_run_id"))
    op.drop_table("run_list_pages")
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_column("published")
    with op.batch_alter_table("crawl_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_crawl_runs_running_site")
        batch_op.drop_column("exit_code")
        batch_op.drop_column("log_file")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("host")
        batch_op.drop_column("pid")
