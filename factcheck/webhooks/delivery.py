"""Sending deliveries: one endpoint at a time, in event order, retried with backoff.

The rules, in one place:

- **Order.** An endpoint's deliveries go out in the order of their events. Only the earliest
  *pending* delivery of an endpoint may be sent; while it waits for a retry, the later ones wait
  behind it. A delivery that has *failed* for good (attempts spent, or refused) no longer holds
  the others back; "send again" makes it pending, and so first in line again.
- **One sender per endpoint.** A worker takes a short lease on the endpoint row
  (``lease_until``) before sending; another worker finding it held leaves the endpoint alone.
- **Success** is a 2xx answer. Anything else is a failure: another status (a 3xx included:
  redirects are never followed, so the target of a redirect is never contacted), a timeout
  (``WEBHOOK_DEADLINE``), an unreachable host. A failure is retried after
  ``WEBHOOK_RETRY_BASE`` seconds, times 4 for each attempt after the second, ±20 % jitter, at
  most 6 hours (longer if the endpoint's ``Retry-After`` asks), until ``WEBHOOK_MAX_ATTEMPTS``
  attempts were made. Two failures are not retried: an address our fetch policy refuses (a
  private address not in ``FETCH_ALLOW_HOSTS``) and ``410 Gone``.
- **The schedule is in the database** (``next_attempt_at``): the worker never sleeps on a
  retry; the periodic job ``webhooks.schedule`` hands due endpoints to the workers each minute.

Every attempt is logged (``webhook_attempts``) with its time, duration, HTTP status and error.
Slow work (the HTTP request) happens outside any database transaction.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.fetching import FetchError, FetchPolicy, FetchRefused, post
from factcheck.models import (
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from factcheck.webhooks import signing

log = logging.getLogger("factcheck.webhooks")

BACKOFF_FACTOR = 4
BACKOFF_CAP = 6 * 3600.0
JITTER = 0.2
EXCERPT_CHARS = 500
BATCH = 50  # deliveries sent in one job run before it hands the endpoint back to the queue


def retry_delay(attempt: int, *, base: float, retry_after: float | None = None) -> float:
    """Seconds before the attempt after ``attempt``: ``base`` × 4^(attempt-1), jittered, capped."""
    delay = min(base * BACKOFF_FACTOR ** max(attempt - 1, 0), BACKOFF_CAP)
    delay *= random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 (spreading load, not secrecy)
    if retry_after is not None:
        delay = max(delay, min(retry_after, BACKOFF_CAP))
    return delay


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


@dataclass(frozen=True)
class Outcome:
    delivery_id: int
    succeeded: bool
    status_code: int | None
    error: str | None
    state: DeliveryState


def _lease_seconds() -> float:
    return float(current_app.config["WEBHOOK_DEADLINE"]) * 2 + 30


def _take_lease(endpoint_id: int) -> bool:
    """Hold the endpoint for this worker, unless another holds it; in its own transaction."""
    now = utcnow()
    with write_intent():
        taken = db.session.execute(
            sa.update(WebhookEndpoint)
            .where(
                WebhookEndpoint.id == endpoint_id,
                WebhookEndpoint.active.is_(True),
                sa.or_(WebhookEndpoint.lease_until.is_(None), WebhookEndpoint.lease_until < now),
            )
            .values(lease_until=now + timedelta(seconds=_lease_seconds()))
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        db.session.commit()
    return bool(taken)


def _renew_lease(endpoint_id: int) -> None:
    db.session.execute(
        sa.update(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .values(lease_until=utcnow() + timedelta(seconds=_lease_seconds()))
        .execution_options(synchronize_session=False)
    )


def _release_lease(endpoint_id: int) -> None:
    with write_intent():
        db.session.execute(
            sa.update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(lease_until=None)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()


def head_of_line(endpoint_id: int) -> WebhookDelivery | None:
    """The earliest pending delivery of the endpoint (by event), due or not."""
    return db.session.scalar(
        sa.select(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        .order_by(WebhookDelivery.event_id, WebhookDelivery.id)
        .limit(1)
    )


def due_endpoints(now: datetime | None = None) -> list[int]:
    """Active endpoints whose first pending delivery is due."""
    now = now or utcnow()
    first = (
        sa.select(
            WebhookDelivery.endpoint_id,
            sa.func.min(WebhookDelivery.event_id).label("event_id"),
        )
        .where(WebhookDelivery.state == DeliveryState.PENDING)
        .group_by(WebhookDelivery.endpoint_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(WebhookDelivery.endpoint_id)
        .join(
            first,
            sa.and_(
                first.c.endpoint_id == WebhookDelivery.endpoint_id,
                first.c.event_id == WebhookDelivery.event_id,
            ),
        )
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(WebhookEndpoint.active.is_(True), WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.endpoint_id)
    ).all()
    db.session.commit()
    return [row[0] for row in rows]


def deliver_endpoint(endpoint_id: int, *, now: datetime | None = None) -> list[Outcome]:
    """Send the endpoint's due deliveries in event order until one fails or none is due.

    ``now`` decides what is due and when retries fall (tests move it forward instead of
    waiting); the leases and the signed timestamps use the real clock.
    """
    db.session.commit()  # no read transaction may stay open across the requests
    if not _take_lease(endpoint_id):
        return []
    outcomes: list[Outcome] = []
    try:
        for _ in range(BATCH):
            delivery = head_of_line(endpoint_id)
            when = now or utcnow()
            if delivery is None or delivery.next_attempt_at is None:
                break
            if delivery.next_attempt_at > when:
                break  # the first in line waits for its retry; the others wait behind it
            outcome = attempt(delivery.id, now=when)
            outcomes.append(outcome)
            if not outcome.succeeded:
                break
    finally:
        db.session.rollback()
        _release_lease(endpoint_id)
    return outcomes


def attempt(delivery_id: int, *, now: datetime | None = None) -> Outcome:
    """Make one attempt at a delivery and record it (the request runs outside transactions)."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    if delivery is None:
        return Outcome(delivery_id, False, None, "the delivery was removed", DeliveryState.FAILED)
    endpoint, event = delivery.endpoint, delivery.event
    url, secret, body, message_id = endpoint.url, endpoint.secret, event.body, event.message_id
    endpoint_id = endpoint.id
    db.session.commit()

    config = current_app.config
    started = utcnow()
    policy = FetchPolicy.current(deadline=float(config["WEBHOOK_DEADLINE"]), max_redirects=0)
    headers = signing.headers(secret, message_id, started, body)
    clock = time.monotonic()
    status: int | None = None
    excerpt: str | None = None
    retry_after: float | None = None
    final = False
    try:
        answer = post(url, body.encode("utf-8"), policy=policy, headers=headers)
    except FetchRefused as exc:
        error: str | None = f"refused: {exc.message}"
        final = True
    except FetchError as exc:
        error = exc.message
    else:
        status = answer.status
        excerpt = answer.body[:EXCERPT_CHARS].decode("utf-8", errors="replace") or None
        retry_after = _retry_after(answer.headers.get("retry-after"))
        if 200 <= status < 300:
            error = None
        elif 300 <= status < 400:
            where = answer.headers.get("location", "")[:300]
            error = (
                f"answered HTTP {status} (a redirect to {where or 'nowhere'}); redirects are "
                "not followed: register the final address"
            )
        elif status == 410:
            error = "answered HTTP 410 Gone: the endpoint wants no more deliveries"
            final = True
        else:
            error = f"answered HTTP {status}"
    duration_ms = int((time.monotonic() - clock) * 1000)
    return _record(
        delivery_id,
        endpoint_id,
        started=started,
        now=now or utcnow(),
        duration_ms=duration_ms,
        status=status,
        error=error,
        excerpt=excerpt,
        retry_after=retry_after,
        final=final,
    )


def _record(
    delivery_id: int,
    endpoint_id: int,
    *,
    started: datetime,
    now: datetime,
    duration_ms: int,
    status: int | None,
    error: str | None,
    excerpt: str | None,
    retry_after: float | None,
    final: bool,
) -> Outcome:
    config = current_app.config
    max_attempts = int(config["WEBHOOK_MAX_ATTEMPTS"])
    with write_intent():
        delivery = db.session.get(WebhookDelivery, delivery_id, populate_existing=True)
        if delivery is None:  # its endpoint was removed while the request was under way
            db.session.commit()
            return Outcome(
                delivery_id, False, status, "the endpoint was removed", DeliveryState.FAILED
            )
        number = len(delivery.attempt_log) + 1
        delivery.attempts += 1
        delivery.last_status = status
        delivery.last_error = error
        delivery.updated_at = utcnow()
        if error is None:
            delivery.state = DeliveryState.SUCCEEDED
            delivery.delivered_at = delivery.updated_at
            delivery.next_attempt_at = None
        elif final or delivery.attempts >= max_attempts:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
            if not final:
                delivery.last_error = f"gave up after {delivery.attempts} attempts: {error}"
        else:
            delay = retry_delay(
                delivery.attempts,
                base=float(config["WEBHOOK_RETRY_BASE"]),
                retry_after=retry_after,
            )
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        db.session.add(
            WebhookAttempt(
                delivery_id=delivery_id,
                number=number,
                started_at=started,
                duration_ms=duration_ms,
                status_code=status,
                succeeded=error is None,
                error=error,
                response_excerpt=excerpt,
            )
        )
        _renew_lease(endpoint_id)
        state = delivery.state
        db.session.commit()
    if error is not None:
        log.warning("webhook delivery %s, attempt %s: %s", delivery_id, number, error)
    return Outcome(delivery_id, error is None, status, error, state)
