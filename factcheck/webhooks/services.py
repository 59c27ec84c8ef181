"""Registering, changing and removing webhook endpoints, and "send again". Audited; no commits.

The secret is never written to the audit trail: events say that it was made or replaced, not
what it is.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, change_and_record, record
from factcheck.database import DBSession
from factcheck.domain import NotFound, ValidationError
from factcheck.fetching import FetchPolicy
from factcheck.models import (
    WEBHOOK_EVENTS,
    DeliveryState,
    User,
    WebhookDelivery,
    WebhookEndpoint,
    utcnow,
)
from factcheck.validation import MAX_URL_LENGTH, clean_text, clean_url
from factcheck.webhooks import signing
from factcheck.webhooks.outbox import KICK

MAX_DESCRIPTION = 200
ENDPOINT_FIELDS = ("url", "description", "events", "active")


def clean_events(values: Iterable[str] | str | None) -> list[str]:
    """A non-empty list of known event names, in the documented order."""
    if isinstance(values, str):
        values = [v for v in values.replace(",", " ").split() if v]
    chosen = {str(v).strip() for v in values or () if str(v).strip()}
    unknown = sorted(chosen - set(WEBHOOK_EVENTS))
    if unknown:
        raise ValidationError(
            _(
                "events: unknown event %(event)s; choose among %(events)s",
                event=repr(unknown[0]),
                events=", ".join(WEBHOOK_EVENTS),
            ),
            field="events",
        )
    if not chosen:
        raise ValidationError(_("events: choose at least one event"), field="events")
    return [e for e in WEBHOOK_EVENTS if e in chosen]


def clean_endpoint_url(value: str | None) -> str:
    """An http(s) URL; a literal private address must be allowed by ``FETCH_ALLOW_HOSTS``.

    Host names are checked where it counts, when each delivery is sent (the fetcher resolves
    and checks every address then); here only what needs no DNS is refused early.
    """
    url = clean_url(value, "url", required=True)
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _("url: at most %(limit)d characters", limit=MAX_URL_LENGTH), field="url"
        )
    host = (urlsplit(url).hostname or "").strip("[]")
    policy = FetchPolicy.current()
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    private_name = host == "localhost" or host.endswith(".localhost")
    if (ip is not None and not policy.address_allowed(ip) and not policy.host_allowed(host)) or (
        private_name and not policy.allow_private and not policy.host_allowed(host)
    ):
        raise ValidationError(
            _(
                "url: %(host)s is a private or local address; webhooks may not call it (a "
                "deployment can allow its own hosts with FETCH_ALLOW_HOSTS)",
                host=host,
            ),
            field="url",
        )
    return url


def _values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "url": clean_endpoint_url(data.get("url")),
        "description": clean_text(data.get("description"), "description", max_length=200) or "",
        "events": clean_events(data.get("events")),
        "active": bool(data.get("active", True)),
    }


def create_endpoint(
    session: DBSession, data: dict[str, Any], *, actor: User | None
) -> WebhookEndpoint:
    """Register an endpoint with a new secret (recorded as ``webhook.add``, without the secret)."""
    endpoint = WebhookEndpoint(
        **_values(data),
        secret=signing.new_secret(),
        created_by_id=actor.id if actor else None,
    )
    add_and_record(
        session,
        endpoint,
        ENDPOINT_FIELDS,
        actor=actor,
        action=AuditAction.WEBHOOK_ADD,
        entity_type="webhook",
    )
    return endpoint


def update_endpoint(
    session: DBSession, endpoint: WebhookEndpoint, data: dict[str, Any], *, actor: User | None
) -> dict[str, Any]:
    values = _values(data)
    changes = change_and_record(
        session,
        endpoint,
        values,
        actor=actor,
        action=AuditAction.WEBHOOK_EDIT,
        entity_type="webhook",
    )
    if changes:
        endpoint.updated_at = utcnow()
    if changes.get("active") == (False, True):
        session.info.setdefault(KICK, set()).add(endpoint.id)  # its waiting deliveries may go
    return changes


def rotate_secret(session: DBSession, endpoint: WebhookEndpoint, *, actor: User | None) -> str:
    """Replace the secret (the next attempts are signed with the new one)."""
    endpoint.secret = signing.new_secret()
    endpoint.updated_at = utcnow()
    record(
        session,
        actor=actor,
        action=AuditAction.WEBHOOK_ROTATE_SECRET,
        entity_type="webhook",
        entity_id=endpoint.id,
    )
    return endpoint.secret


def remove_endpoint(session: DBSession, endpoint: WebhookEndpoint, *, actor: User | None) -> None:
    """Delete the endpoint with its deliveries and their log (recorded as ``webhook.remove``)."""
    record(
        session,
        actor=actor,
        action=AuditAction.WEBHOOK_REMOVE,
        entity_type="webhook",
        entity_id=endpoint.id,
        changes={"url": (endpoint.url, None)},
    )
    session.execute(sa.delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    session.delete(endpoint)
    session.flush()


def send_again(session: DBSession, delivery: WebhookDelivery, *, actor: User | None) -> None:
    """Queue the delivery again, now, with a fresh set of attempts (same ``webhook-id``)."""
    before = delivery.state
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.updated_at = utcnow()
    record(
        session,
        actor=actor,
        action=AuditAction.WEBHOOK_RESEND,
        entity_type="webhook",
        entity_id=delivery.endpoint_id,
        changes={"state": (before, DeliveryState.PENDING)},
        data={"delivery_id": delivery.id, "event": delivery.event.type},
    )
    session.info.setdefault(KICK, set()).add(delivery.endpoint_id)


def get_endpoint(session: DBSession, endpoint_id: int) -> WebhookEndpoint:
    endpoint = session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None:
        raise NotFound(_("no webhook endpoint #%(id)s", id=endpoint_id))
    return endpoint


def find_endpoint(session: DBSession, ident: str) -> WebhookEndpoint:
    """An endpoint by id or by URL (for the command line)."""
    if ident.isdigit():
        return get_endpoint(session, int(ident))
    endpoint = session.scalar(sa.select(WebhookEndpoint).where(WebhookEndpoint.url == ident))
    if endpoint is None:
        raise NotFound(_("no webhook endpoint %(ref)s", ref=ident))
    return endpoint


def get_delivery(
    session: DBSession, endpoint: WebhookEndpoint, delivery_id: int
) -> WebhookDelivery:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None or delivery.endpoint_id != endpoint.id:
        raise NotFound(_("no delivery #%(id)s for this endpoint", id=delivery_id))
    return delivery


def list_endpoints(session: DBSession) -> list[tuple[WebhookEndpoint, dict[str, int]]]:
    """Every endpoint with its count of deliveries per state."""
    endpoints = list(session.scalars(sa.select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
    counts: dict[int, dict[str, int]] = {
        e.id: {s.value: 0 for s in DeliveryState} for e in endpoints
    }
    for endpoint_id, state, count in session.execute(
        sa.select(WebhookDelivery.endpoint_id, WebhookDelivery.state, sa.func.count()).group_by(
            WebhookDelivery.endpoint_id, WebhookDelivery.state
        )
    ):
        counts.setdefault(endpoint_id, {})[DeliveryState(state).value] = count
    return [(e, counts[e.id]) for e in endpoints]


def recent_deliveries(
    session: DBSession, endpoint: WebhookEndpoint, *, limit: int = 50
) -> list[WebhookDelivery]:
    return list(
        session.scalars(
            sa.select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .order_by(WebhookDelivery.event_id.desc(), WebhookDelivery.id.desc())
            .limit(limit)
        )
    )
