"""Webhooks: the endpoints admins register, the events captured for them, and each delivery.

Events are an outbox: a ``webhook_events`` row (with the exact JSON body that will be sent) and
one ``webhook_deliveries`` row per subscribed endpoint are written in the same transaction as the
change that caused them, so an event is never sent for a change that rolled back, nor lost for
one that committed. Workers send the deliveries later; every attempt is a ``webhook_attempts``
row (time, HTTP status, error) that the admin page shows.
"""

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
    from factcheck.models.user import User

# The events an endpoint may subscribe to (Standard Webhooks ``type``s).
WEBHOOK_EVENTS = ("claim.published", "claim.corrected", "claim.assigned", "article.ingested")


class DeliveryState(enum.StrEnum):
    PENDING = "pending"  # waiting for its first attempt, or for the next one (next_attempt_at)
    SUCCEEDED = "succeeded"  # the endpoint answered 2xx
    FAILED = "failed"  # attempts spent, or refused by policy; "send again" makes it pending


class WebhookEndpoint(Base):
    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    # ``whsec_`` + base64 of 32 random bytes: needed in clear to sign (like any HMAC key).
    secret: Mapped[str] = mapped_column(sa.String(100))
    events: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    # A worker sending this endpoint's deliveries holds it until then (one sender at a time, so
    # deliveries go out in event order).
    lease_until: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (sa.CheckConstraint("secret LIKE 'whsec_%'", name="secret_format"),)

    def __repr__(self) -> str:
        return f"<WebhookEndpoint {self.id} {self.url}>"


class WebhookEvent(Base):
    """One event as it will be sent: its message id (``webhook-id``) and exact body."""

    __tablename__ = "webhook_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    type: Mapped[str] = mapped_column(sa.String(40))
    audit_seq: Mapped[int | None]  # the audit event that caused it
    subject_type: Mapped[str] = mapped_column(sa.String(32))
    subject_id: Mapped[int | None]
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(sa.Text)

    def __repr__(self) -> str:
        return f"<WebhookEvent {self.id} {self.type}>"


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("webhook_events.id", ondelete="CASCADE"))
    state: Mapped[DeliveryState] = mapped_column(
        enum_column(DeliveryState, "webhook_delivery_state"), default=DeliveryState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    endpoint: Mapped[WebhookEndpoint] = relationship()
    event: Mapped[WebhookEvent] = relationship()
    attempt_log: Mapped[list[WebhookAttempt]] = relationship(
        back_populates="delivery", order_by="WebhookAttempt.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
        sa.Index("ix_webhook_deliveries_queue", "endpoint_id", "state", "event_id"),
        sa.Index("ix_webhook_deliveries_event_id", "event_id"),
        sa.CheckConstraint("attempts >= 0", name="attempts_counted"),
        sa.CheckConstraint(
            "state <> 'pending' OR next_attempt_at IS NOT NULL", name="pending_has_next_attempt"
        ),
        sa.CheckConstraint(
            "state <> 'succeeded' OR delivered_at IS NOT NULL", name="succeeded_has_delivered_at"
        ),
        sa.CheckConstraint("state <> 'failed' OR last_error IS NOT NULL", name="failed_has_error"),
    )

    def __repr__(self) -> str:
        return f"<WebhookDelivery {self.id} {self.state}>"


class WebhookAttempt(Base):
    """One try at a delivery: when, how long, the HTTP status if any, and what went wrong."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webhook_deliveries.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    started_at: Mapped[datetime]
    duration_ms: Mapped[int]
    status_code: Mapped[int | None]
    succeeded: Mapped[bool]
    error: Mapped[str | None] = mapped_column(sa.Text)
    response_excerpt: Mapped[str | None] = mapped_column(sa.Text)

    delivery: Mapped[WebhookDelivery] = relationship(back_populates="attempt_log")
