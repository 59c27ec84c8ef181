"""The interface language each user chose (``users.interface_language``: en, fr or none).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A column-level CHECK: SQLite adds it with the column in place (no table rebuild).
    op.add_column(
        "users",
        sa.Column(
            "interface_language",
            sa.String(8),
            sa.CheckConstraint(
                "interface_language IS NULL OR interface_language IN ('en', 'fr')",
                name=op.f("ck_users_interface_language_known"),
            ),
            nullable=True,
        ),
    )


def downgrade() -> None:
    op.drop_column("users", "interface_language")
