"""Notifications, their e-mail delivery, and the "My work" page's per-user marker.

``notifications`` holds what a user is told (assigned, changes requested, published, correction
proposed, mentioned in a note), written in the same transaction as the change that caused it,
with its e-mail delivery state when the user asked for e-mail. ``users.email_notifications`` is
that preference; ``users.claims_seen_at`` is when the user last marked the new claims as seen.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=24)


def upgrade() -> None:
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            _enum(
                "notification_kind",
                "assigned",
                "changes_requested",
                "published",
                "correction_proposed",
                "mentioned",
            ),
            nullable=False,
        ),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("event_seq", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_state", _enum("mail_state", "pending", "sent", "failed"), nullable=True),
        sa.Column("mail_attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("mail_next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail_error", sa.String(length=500), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(message) > 0", name=op.f("ck_notifications_message_not_empty")),
        sa.CheckConstraint(
            "mail_attempts >= 0", name=op.f("ck_notifications_mail_attempts_positive")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_notifications_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_notifications_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    op.create_index("ix_notifications_user_read", "notifications", ["user_id", "read_at"])
    op.create_index("ix_notifications_mail", "notifications", ["mail_state", "mail_next_at"])
    # Plain ALTER TABLE (SQLite >= 3.35 adds and drops columns in place).
    op.add_column(
        "users",
        sa.Column("email_notifications", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column("users", sa.Column("claims_seen_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("users", "claims_seen_at")
    op.drop_column("users", "email_notifications")
    op.drop_index("ix_notifications_mail", table_name="notifications")
    op.drop_index("ix_notifications_user_read", table_name="notifications")
    op.drop_table("notifications")
