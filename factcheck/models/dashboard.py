"""The dashboard's counts, kept by database triggers (migration 0023).

Every insert, delete and change of a claim (status, language, day found, assignee,
publication), every logged triage decision and every change of a verdict's rating label
updates these rows inside the writing transaction, whoever writes: the dashboard reads them
instead of counting claims, and can never show them stale. Nothing in the application writes
them.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base


class ClaimDayCount(Base):
    """Claims per UTC day found, language and status."""

    __tablename__ = "claim_day_counts"

    day: Mapped[date] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class ClaimAssigneeCount(Base):
    """Claims per assignee, language and status."""

    __tablename__ = "claim_assignee_counts"

    assignee_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class ClaimPublication(Base):
    """One claim with a publication time: what the dashboard reads of it."""

    __tablename__ = "claim_publications"

    claim_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    published_at: Mapped[datetime]
    language: Mapped[str] = mapped_column(sa.String(8))
    assignee_id: Mapped[int | None]
    verdict_id: Mapped[int | None]
    verdict_label: Mapped[str | None] = mapped_column(sa.String(80))
    accepted_at: Mapped[datetime | None]  # its first ``claim.accept`` event

    __table_args__ = (
        sa.Index("ix_claim_publications_published_at", "published_at"),
        sa.Index("ix_claim_publications_verdict_id", "verdict_id"),
    )


class TriageDayCount(Base):
    """``claim.accept`` and ``claim.dismiss`` events per UTC day."""

    __tablename__ = "triage_day_counts"

    day: Mapped[date] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")


class ClaimTriageDayCount(Base):
    """The same events per UTC day and language of the (existing) claim they name."""

    __tablename__ = "claim_triage_day_counts"

    day: Mapped[date] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
