"""Background jobs: the desk's record of each ingestion, poll or snapshot run by a worker.

URL ingestion left the request: a worker fetches and extracts, and this table says where each
job stands (queued, running, done, failed with its reason), how many attempts it took, and which
article it made. ``(kind, key)`` is unique, so the same canonical URL asked for twice is one job.
The task queue itself (Huey, on SQLite in ``instance/`` or on Redis) only carries job ids.

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None

STATES = ("queued", "running", "done", "failed")


def upgrade():
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column(
            "state",
            sa.Enum(*STATES, name="job_state", native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("subject_type", sa.String(length=32), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "attempts >= 0 AND max_attempts >= 1", name=op.f("ck_jobs_attempts_counted")
        ),
        sa.CheckConstraint(
            "state <> 'failed' OR error IS NOT NULL", name=op.f("ck_jobs_failed_has_error")
        ),
        sa.CheckConstraint(
            "state <> 'done' OR finished_at IS NOT NULL", name=op.f("ck_jobs_done_has_finished_at")
        ),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_jobs_article_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_jobs_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint("kind", "key", name="uq_jobs_kind_key"),
    )
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.create_index("ix_jobs_state", ["state"])
        batch_op.create_index("ix_jobs_subject", ["subject_type", "subject_id"])
        batch_op.create_index("ix_jobs_article_id", ["article_id"])


def downgrade():
    # The record of past jobs goes with the table; queued work still in Huey then finds no row
    # and is dropped by the worker.
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_index("ix_jobs_article_id")
        batch_op.drop_index("ix_jobs_subject")
        batch_op.drop_index("ix_jobs_state")
    op.drop_table("jobs")
