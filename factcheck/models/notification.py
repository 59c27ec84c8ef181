"""Notifications: something happened that a user should know about (in the app, and by e-mail)."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, enum_column, utcnow

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.claim import Claim
    from factcheck.models.user import User


class NotificationKind(enum.StrEnum):
    ASSIGNED = "assigned"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    CORRECTION_PROPOSED = "correction_proposed"
    MENTIONED = "mentioned"


class MailState(enum.StrEnum):
    PENDING = "pending"  # the user wants e-mail: the worker sends it (and retries)
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; the notification stays in the app


class Notification(Base):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[NotificationKind] = mapped_column(
        enum_column(NotificationKind, "notification_kind")
    )
    claim_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    message: Mapped[str] = mapped_column(sa.String(500))
    # The audit event that caused it (no foreign key: the trail is append-only and never joins).
    event_seq: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # E-mail delivery: None when the user does not want e-mail (or no server is configured).
    mail_state: Mapped[MailState | None] = mapped_column(enum_column(MailState, "mail_state"))
    mail_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    mail_next_at: Mapped[datetime | None]
    mail_error: Mapped[str | None] = mapped_column(sa.String(500))
    mailed_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    claim: Mapped[Claim | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("length(message) > 0", name="message_not_empty"),
        sa.CheckConstraint("mail_attempts >= 0", name="mail_attempts_positive"),
        sa.Index("ix_notifications_user_read", "user_id", "read_at"),
        sa.Index("ix_notifications_mail", "mail_state", "mail_next_at"),
    )

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
