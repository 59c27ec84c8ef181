"""Organisation settings that admins edit in the browser: one row, read before the configuration.

The organisation that authors every ClaimReview (name, public URL, methodology and corrections
policy, logo, ``sameAs`` profiles) came only from the ``ORG_*`` settings, so renaming it or
moving its site meant editing ``instance/config.py`` and restarting every process. The design
has admins manage it. ``organisation_settings`` holds at most one row (``id = 1``, a named
CHECK), with a ``version`` for optimistic locking as claims have. No row is created here: until
an admin saves the page, the configuration stays in force, so existing deployments publish
exactly what they did before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisation_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("methodology_url", sa.String(length=2000), nullable=True),
        sa.Column("corrections_policy_url", sa.String(length=2000), nullable=True),
        sa.Column("logo_url", sa.String(length=2000), nullable=True),
        sa.Column("same_as", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_organisation_settings_single_row")),
        sa.CheckConstraint("length(name) > 0", name=op.f("ck_organisation_settings_name_not_empty")),
        sa.CheckConstraint("length(url) > 0", name=op.f("ck_organisation_settings_url_not_empty")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_settings")),
    )


def downgrade():
    # The saved settings go with the table; the ORG_* configuration is in force again.
    op.drop_table("organisation_settings")
