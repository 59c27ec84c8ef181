"""The audit trail: an append-only, hash-chained log of every change."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base

GENESIS_HASH = "0" * 64


class AuditEvent(Base):
    """One change. ``body`` is the hashed canonical JSON; the other columns copy it for queries."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(sa.String(254))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[str | None] = mapped_column(sa.String(64))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    client_addr: Mapped[str | None] = mapped_column(sa.String(64))
    body: Mapped[str] = mapped_column(sa.Text)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    __table_args__ = (
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.Index("ix_audit_events_entity", "entity_type", "entity_id", "seq"),
        sa.Index("ix_audit_events_actor_id", "actor_id"),
        sa.Index("ix_audit_events_action", "action"),
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
    )


class AuditChainHead(Base):
    """One row: the last sequence number and hash. Locking it serialises appends."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.CheckConstraint("id = 1", name="single_row"),)
