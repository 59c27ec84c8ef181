"""Followed outlets (feeds, sitemaps, sites) and snapshots of cited sources.

``outlets`` holds each followed outlet with what its polling needs: the feed actually polled
(``feed_url``, discovered for a site), the HTTP validators of the last answer (``etag``,
``last_modified``) for conditional GETs, its schedule (``interval_seconds``, ``next_poll_at``),
its consecutive ``failures`` (backoff) and ``last_error`` (shown on its page).

``source_snapshots`` holds one row per capture of a source's page: its status, the SHA-256 of
the WARC file written to the snapshot folder, when it was fetched, its path and size, and the
page's main text. Removing a source removes its snapshot rows (the files stay until pruned).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outlets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "rss",
                "atom",
                "sitemap",
                "site",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("feed_url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("articles_found", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=1000), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "url LIKE 'http://%' OR url LIKE 'https://%'", name=op.f("ck_outlets_url_http")
        ),
        sa.CheckConstraint(
            "feed_url IS NULL OR feed_url LIKE 'http://%' OR feed_url LIKE 'https://%'",
            name=op.f("ck_outlets_feed_url_http"),
        ),
        sa.CheckConstraint(
            "interval_seconds >= 60", name=op.f("ck_outlets_interval_at_least_a_minute")
        ),
        sa.CheckConstraint(
            "articles_found >= 0 AND failures >= 0", name=op.f("ck_outlets_counts_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_outlets_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlets")),
        sa.UniqueConstraint("url", name=op.f("uq_outlets_url")),
    )
    with op.batch_alter_table("outlets") as batch_op:
        batch_op.create_index(batch_op.f("ix_outlets_next_poll_at"), ["next_poll_at"])

    op.create_table(
        "source_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "captured",
                "failed",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("error", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status <> 'captured' OR (sha256 IS NOT NULL AND length(sha256) = 64 "
            "AND fetched_at IS NOT NULL AND path IS NOT NULL AND size IS NOT NULL)",
            name=op.f("ck_source_snapshots_captured_is_complete"),
        ),
        sa.CheckConstraint(
            "status <> 'failed' OR error IS NOT NULL",
            name=op.f("ck_source_snapshots_failed_has_error"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_source_snapshots_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_snapshots")),
    )
    with op.batch_alter_table("source_snapshots") as batch_op:
        batch_op.create_index(batch_op.f("ix_source_snapshots_source_id"), ["source_id"])


def downgrade():
    # The snapshot files stay in the snapshot folder; only their rows go with the tables.
    op.drop_table("source_snapshots")
    op.drop_table("outlets")
