"""Shipped rating scales carry a stable key, so renaming one no longer makes seeding copy it.

``factcheck seed`` (run by every ``make run``) used to find the shipped French and English scales
by name; once an admin renamed one, the next seed created a second copy. ``rating_scales`` gains
``shipped_key`` (NULL for every other scale), and the rows whose name is still a shipped name get
their key here, so an existing database keeps exactly one copy of each.

Uniqueness is a unique index rather than a UNIQUE constraint: SQLite adds a constraint only by
rebuilding the table, and ``rating_values`` references ``rating_scales``, so under
``foreign_keys = ON`` dropping the old table fails (deferring the checks does not help: the
violation counted at the drop is never taken back by the rename). A unique index is created in
place on both databases and enforces the same rule (NULLs do not clash). The audit trail is left
alone: this is a schema change, not a change of any scale.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The names the scales were shipped under (factcheck.ratings.services.DEFAULT_SCALES), frozen
# here: migrations never import app code.
SHIPPED_NAMES = {
    "fr": "Échelle par défaut (français)",
    "en": "Default scale (English)",
}


def upgrade():
    # Plain ADD COLUMN (nullable, no default) works in place on both backends: no table copy.
    op.add_column("rating_scales", sa.Column("shipped_key", sa.String(length=32), nullable=True))
    op.create_index(
        op.f("ix_rating_scales_shipped_key"), "rating_scales", ["shipped_key"], unique=True
    )
    scales = sa.table("rating_scales", sa.column("name", sa.String), sa.column("shipped_key"))
    for key, name in SHIPPED_NAMES.items():
        op.execute(scales.update().where(scales.c.name == name).values(shipped_key=key))


def downgrade():
    op.drop_index(op.f("ix_rating_scales_shipped_key"), table_name="rating_scales")
    # SQLite >= 3.35 drops a column in place once no index uses it.
    op.drop_column("rating_scales", "shipped_key")
