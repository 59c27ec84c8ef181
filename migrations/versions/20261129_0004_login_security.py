"""Login security: failed sign-in attempts for throttling, and two-factor (TOTP) columns on users.

``login_attempts`` holds one row per failed password or second-factor check; every app process
counts the same rows, so several gunicorn workers enforce one limit. ``users.totp_secret`` is the
encrypted TOTP secret (NULL: two-factor sign-in is off) and ``users.totp_last_step`` the last
accepted 30-second time-step, which makes every code single-use.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("client_addr", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index(
        op.f("ix_login_attempts_attempted_at"), "login_attempts", ["attempted_at"], unique=False
    )
    op.create_index(
        "ix_login_attempts_email_attempted_at",
        "login_attempts",
        ["email", "attempted_at"],
        unique=False,
    )
    op.create_index(
        "ix_login_attempts_client_addr_attempted_at",
        "login_attempts",
        ["client_addr", "attempted_at"],
        unique=False,
    )
    # Plain ADD COLUMN (nullable, no default) works in place on both backends: no table copy.
    op.add_column("users", sa.Column("totp_secret", sa.String(length=255), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))


def downgrade():
    # SQLite >= 3.35 drops a column in place; that avoids copying ``users``, which other tables
    # reference, under foreign_keys = ON.
    op.drop_column("users", "totp_last_step")
    op.drop_column("users", "totp_secret")
    op.drop_index("ix_login_attempts_client_addr_attempted_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_email_attempted_at", table_name="login_attempts")
    op.drop_index(op.f("ix_login_attempts_attempted_at"), table_name="login_attempts")
    op.drop_table("login_attempts")
