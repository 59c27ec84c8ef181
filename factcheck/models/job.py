"""Background jobs as the desk sees them: what was asked, where it stands, and why it failed.

The task queue (Huey) only carries a job's id; this table is the record pages and the API read,
and what makes jobs idempotent: one row per ``(kind, key)`` (a canonical URL, a content hash), so
asking twice gives the same job and the same article.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, enum_column, utcnow

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.article import Article
    from factcheck.models.user import User


class JobState(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker (also between retries: see next_attempt_at)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    key: Mapped[str | None] = mapped_column(sa.String(200))
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "job_state"), default=JobState.QUEUED, index=True
    )
    payload: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=1)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # What the job is about (a feed, a source…) and what it made (an article), for the pages.
    subject_type: Mapped[str | None] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    article_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("articles.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    next_attempt_at: Mapped[datetime | None]

    article: Mapped[Article | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("kind", "key", name="uq_jobs_kind_key"),
        sa.Index("ix_jobs_subject", "subject_type", "subject_id"),
        sa.Index("ix_jobs_article_id", "article_id"),
        sa.CheckConstraint("attempts >= 0 AND max_attempts >= 1", name="attempts_counted"),
        sa.CheckConstraint("state <> 'failed' OR error IS NOT NULL", name="failed_has_error"),
        sa.CheckConstraint(
            "state <> 'done' OR finished_at IS NOT NULL", name="done_has_finished_at"
        ),
    )

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.state}>"
