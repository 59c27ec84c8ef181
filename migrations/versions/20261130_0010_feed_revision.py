"""The feed's revision: a token replaced by every change that shapes the published markup.

The ETag of ``/claimreview.json`` was made of the count of published reviews and the latest
publication or correction, so editing a rating scale (a definition, a new best value) or a
published claim changed the feed's bytes while aggregators kept getting 304 Not Modified.
``feed_revision`` holds one row (``id = 1``, a named CHECK) whose random token is replaced in
the same transaction as any such change; the ETag and Last-Modified are built on it. No row is
created here: until the first change the feed keeps its former validators.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feed_revision",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_feed_revision_single_row")),
        sa.CheckConstraint("length(token) > 0", name=op.f("ck_feed_revision_token_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_revision")),
    )


def downgrade():
    # The feed falls back to validators made of its counts and dates.
    op.drop_table("feed_revision")
