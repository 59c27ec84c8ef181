"""Refused actions go into the audit trail too: ``<action>.denied``, in a transaction of their own.

Every desk, workflow and admin action (an unsafe request by a signed-in user outside sign-in and
the user's own account) that is answered 403, 409 or 422 appends one event after the response is
made: who, the action and its target, the rule that refused it (the message the user saw), the
field, the status and, as every event, the request id. The request's own changes were rolled back
by the request spine's refusal handler (``factcheck.web``); this hook rolls back again before it
records, so the refusal event is the only thing the request ever writes.

The spine's handler says which rule refused through :func:`factcheck.errors.status_of`, and
:func:`factcheck.errors.error_response` notes it too (both in ``g``); a refusal that names no
rule is recorded with the generic message of its status.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from factcheck import web
from factcheck.audit.actions import DENIED_SUFFIX, AuditAction
from factcheck.audit.log import AuditError, record
from factcheck.errors import MESSAGES
from factcheck.extensions import db
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID
from factcheck.organisation.services import ENTITY_TYPE

RECORDED_STATUSES = frozenset({403, 409, 422})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sign-in and the user's own account keep their own trail (login.failure, login.throttled).
NOT_DESK_BLUEPRINTS = frozenset({"auth"})

# The action each endpoint performs, named as its successful event is (``claim.take``...).
ACTIONS = {
    "articles.new": AuditAction.ARTICLE_INGEST,
    "articles.add_claim": AuditAction.CLAIM_CREATE,
    "articles.accept": AuditAction.CLAIM_ACCEPT,
    "articles.dismiss": AuditAction.CLAIM_DISMISS,
    "claims.take_next": AuditAction.CLAIM_TAKE,
    "claims.bulk": AuditAction.CLAIM_BULK_TRIAGE,
    "claims.edit": AuditAction.CLAIM_EDIT,
    "claims.accept": AuditAction.CLAIM_ACCEPT,
    "claims.dismiss": AuditAction.CLAIM_DISMISS,
    "claims.reopen": AuditAction.CLAIM_REOPEN,
    "claims.take": AuditAction.CLAIM_TAKE,
    "claims.assign": AuditAction.CLAIM_ASSIGN,
    "claims.hand_back": AuditAction.CLAIM_HAND_BACK,
    "review.add_source": AuditAction.SOURCE_ADD,
    "review.edit_source": AuditAction.SOURCE_EDIT,
    "review.remove_source": AuditAction.SOURCE_REMOVE,
    "review.save_verdict": AuditAction.VERDICT_EDIT,
    "review.propose": AuditAction.VERDICT_PROPOSE,
    "review.approve": AuditAction.VERDICT_APPROVE,
    "review.request_changes": AuditAction.VERDICT_SEND_BACK,
    "review.correct": AuditAction.VERDICT_CORRECT,
    "review.add_note": AuditAction.NOTE_ADD,
    "audit.verify": AuditAction.AUDIT_VERIFY,
    "admin.create_user": AuditAction.USER_CREATE,
    "admin.user_role": AuditAction.USER_ROLE,
    "admin.user_active": AuditAction.USER_ACTIVE,
    "admin.user_password": AuditAction.USER_PASSWORD,
    "admin.scale": AuditAction.RATING_SCALE_EDIT,
    "admin.add_value": AuditAction.RATING_VALUE_ADD,
    "admin.value": AuditAction.RATING_VALUE_EDIT,
    "admin.move_value": AuditAction.RATING_VALUE_MOVE,
    "admin.delete_value": AuditAction.RATING_VALUE_DELETE,
    "admin.organisation": AuditAction.ORGANISATION_EDIT,
}

# The target of a request: the most specific object its URL names.
TARGETS = (
    ("source_id", "source"),
    ("value_id", "rating_value"),
    ("claim_id", "claim"),
    ("article_id", "article"),
    ("user_id", "user"),
    ("scale_id", "rating_scale"),
)


def action_of(endpoint: str) -> str:
    """The action an endpoint performs; an endpoint not in the table is named after itself."""
    return ACTIONS.get(endpoint, endpoint)


def target_of(endpoint: str, view_args: dict[str, Any]) -> tuple[str, Any]:
    """``(entity_type, entity_id)`` of what the request acted on."""
    for arg, entity_type in TARGETS:
        if arg in view_args:
            return entity_type, view_args[arg]
    if endpoint == "admin.organisation":
        return ENTITY_TYPE, ORGANISATION_SETTINGS_ID
    return action_of(endpoint).partition(".")[0], None


def _is_desk_action() -> bool:
    endpoint = request.endpoint
    if request.method in SAFE_METHODS or endpoint is None or endpoint == "static":
        return False
    if request.blueprint in NOT_DESK_BLUEPRINTS:
        return False
    return bool(current_user.is_authenticated)


def _said(response: Response) -> tuple[str, str | None] | None:
    """The message and field of a JSON refusal that was answered without noting its rule."""
    body = response.get_json(silent=True) if response.is_json else None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        field = body.get("field")
        return body["message"], field if isinstance(field, str) else None
    return None


def record_refusal(response: Response) -> Response:
    """After a 403/409/422 on a desk action: append its ``.denied`` event, alone, and commit it
    through the request spine (``web.commit``), as every request's write is."""
    if response.status_code not in RECORDED_STATUSES:
        return response
    try:
        if not _is_desk_action():
            return response

        endpoint = str(request.endpoint)
        message, field = (
            g.get("refusal") or _said(response) or (MESSAGES[response.status_code], None)
        )
        entity_type, entity_id = target_of(endpoint, request.view_args or {})
        web.rollback()  # whatever the request did is not kept: only the refusal is
        record(
            db.session,
            actor=current_user._get_current_object(),
            action=action_of(endpoint) + DENIED_SUFFIX,
            entity_type=entity_type,
            entity_id=entity_id,
            data={
                "rule": message,
                "field": field,
                "status": response.status_code,
                "method": request.method,
                "path": request.path,
            },
        )
        web.commit()  # the refusal's own transaction, committed where every request's is
    except (sa.exc.SQLAlchemyError, AuditError) as exc:
        # The refusal stands; only its record is lost (the database is failing under us).
        current_app.logger.warning("could not record a refused action: %s", exc)
        try:
            web.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.remove()
    return response


def init_app(app: Flask) -> None:
    app.after_request(record_refusal)
