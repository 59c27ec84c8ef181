"""The outbox: webhook events are captured from the audit trail, in the change's own transaction.

Every change worth telling a CMS about already appends an audit event (``audit.log.record``), so
the rule lives here once, as a ``before_flush`` listener that looks for new audit events whose
action maps to a webhook event:

=====================  ===================
audit action           webhook event
=====================  ===================
``claim.publish``      ``claim.published``
``claim.correct``      ``claim.corrected``
``claim.take``         ``claim.assigned``
``claim.assign``       ``claim.assigned``
``article.ingest``     ``article.ingested``
=====================  ===================

For each, it writes one ``webhook_events`` row holding the exact JSON body to send, and one
``webhook_deliveries`` row per active endpoint subscribed to that event, in the same flush: they
commit or roll back with the change, so nothing is sent for a refused or failed action and
nothing is lost for one that was kept. No service has to remember to call anything, and the
request never waits for an endpoint: after the commit the workers are told (see ``_kick``).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from factcheck.models import (
    Article,
    AuditEvent,
    Claim,
    ClaimStatus,
    User,
    Verdict,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    utcnow,
)
from factcheck.publishing.services import claim_review, organisation, public_path
from factcheck.webhooks.jobs import kick

log = logging.getLogger("factcheck.webhooks")

AUDIT_TO_EVENT = {
    "claim.publish": "claim.published",
    "claim.correct": "claim.corrected",
    "claim.take": "claim.assigned",
    "claim.assign": "claim.assigned",
    "article.ingest": "article.ingested",
}
KICK = "factcheck.webhooks.kick"  # session.info: endpoints with new deliveries, told at commit


def iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def body_json(payload: dict[str, Any]) -> str:
    """The one serialisation of a payload: compact UTF-8 JSON, exactly what is signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _claim_json(session: Session, claim: Claim) -> dict[str, Any]:
    url = None
    if claim.status is ClaimStatus.PUBLISHED and claim.slug:
        org = organisation(session, current_app.config)
        url = org.absolute_url(public_path(claim.slug))
    return {
        "id": claim.id,
        "status": claim.status.value,
        "language": claim.language,
        "claim_reviewed": claim.claim_reviewed,
        "article_id": claim.article_id,
        "slug": claim.slug,
        "url": url,
        "version": claim.version,
    }


def _published_data(session: Session, claim: Claim, audit: dict[str, Any]) -> dict[str, Any]:
    # By id, not through the relationship: the key moved in this transaction, and a relationship
    # loaded before that would still name the previous verdict.
    verdict = (
        session.get(Verdict, claim.published_verdict_id) if claim.published_verdict_id else None
    )
    data: dict[str, Any] = {
        "claim": _claim_json(session, claim),
        "rating": None,
        "claim_review": None,
    }
    if verdict is not None:
        data["rating"] = {
            "label": verdict.snapshot_label,
            "value": verdict.snapshot_value,
            "best": verdict.snapshot_best,
            "worst": verdict.snapshot_worst,
            "summary": verdict.summary,
            "approved_at": iso(verdict.approved_at),
        }
    try:
        data["claim_review"] = claim_review(
            session, claim, organisation(session, current_app.config)
        )
    except (ValueError, sa.exc.NoResultFound) as exc:  # the gate makes this rare; never fatal
        log.error("webhook for claim #%s sent without its ClaimReview: %s", claim.id, exc)
    note = (audit.get("data") or {}).get("correction_note")
    if note is not None:
        data["correction_note"] = note
    return data


def _assigned_data(session: Session, claim: Claim) -> dict[str, Any]:
    assignee = session.get(User, claim.assignee_id) if claim.assignee_id else None
    return {
        "claim": _claim_json(session, claim),
        "assignee": (
            {"id": assignee.id, "name": assignee.display_name} if assignee is not None else None
        ),
    }


def _article_data(article: Article) -> dict[str, Any]:
    return {
        "article": {
            "id": article.id,
            "title": article.title,
            "url": article.url,
            "publisher": article.publisher,
            "language": article.language,
            "published_on": article.published_on.isoformat() if article.published_on else None,
            "created_at": iso(article.created_at),
        }
    }


def payload_for(session: Session, event_type: str, audit: AuditEvent) -> dict[str, Any] | None:
    """The Standard Webhooks payload ``{type, timestamp, data}`` of one audit event."""
    recorded = json.loads(audit.body)
    entity_id = int(audit.entity_id) if audit.entity_id and audit.entity_id.isdigit() else None
    if entity_id is None:
        return None
    if event_type == "article.ingested":
        article = session.get(Article, entity_id)
        if article is None:
            return None
        data = _article_data(article)
    else:
        claim = session.get(Claim, entity_id)
        if claim is None:
            return None
        if event_type == "claim.assigned":
            data = _assigned_data(session, claim)
        else:
            data = _published_data(session, claim, recorded)
    data["audit_seq"] = audit.seq
    return {"type": event_type, "timestamp": iso(audit.occurred_at), "data": data}


def capture(session: Session, audit: AuditEvent) -> WebhookEvent | None:
    """Queue the webhook event of ``audit`` for every subscribed active endpoint (or nothing)."""
    event_type = AUDIT_TO_EVENT.get(audit.action)
    if event_type is None:
        return None
    endpoints = [
        endpoint
        for endpoint in session.scalars(
            sa.select(WebhookEndpoint)
            .where(WebhookEndpoint.active.is_(True))
            .order_by(WebhookEndpoint.id)
        )
        if event_type in (endpoint.events or ())
    ]
    if not endpoints:
        return None
    payload = payload_for(session, event_type, audit)
    if payload is None:
        return None
    now = utcnow()
    event = WebhookEvent(
        message_id=f"msg_{uuid.uuid4().hex}",
        type=event_type,
        audit_seq=audit.seq,
        subject_type=audit.entity_type,
        subject_id=int(audit.entity_id or 0) or None,
        occurred_at=audit.occurred_at,
        body=body_json(payload),
    )
    session.add(event)
    for endpoint in endpoints:
        session.add(WebhookDelivery(endpoint=endpoint, event=event, next_attempt_at=now))
    session.info.setdefault(KICK, set()).update(e.id for e in endpoints)
    return event


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    audits = [
        obj for obj in session.new if isinstance(obj, AuditEvent) and obj.action in AUDIT_TO_EVENT
    ]
    if not audits or not has_app_context():
        return
    for audit in sorted(audits, key=lambda a: a.seq):
        capture(session, audit)


def _after_commit(session: Session) -> None:
    """Tell the workers which endpoints have new deliveries; never fails the committed change."""
    endpoint_ids = session.info.pop(KICK, None)
    if not endpoint_ids or not has_app_context():
        return
    kick(sorted(endpoint_ids))


def _after_rollback(session: Session) -> None:
    session.info.pop(KICK, None)


def install() -> None:
    """Listen to every session (once per process)."""
    for name, fn in (
        ("before_flush", _before_flush),
        ("after_commit", _after_commit),
        ("after_rollback", _after_rollback),
    ):
        if not sa.event.contains(Session, name, fn):
            sa.event.listen(Session, name, fn)
