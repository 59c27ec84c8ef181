"""Each claim records the version of the check-worthiness model that scored it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


# Plain ALTER TABLE on both databases (SQLite >= 3.35 adds and drops columns in place): a batch
# copy of ``claims`` would drop the full-text search triggers that migration 0003 put on it.


def upgrade() -> None:
    op.add_column("claims", sa.Column("model_version", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.drop_column("claims", "model_version")
