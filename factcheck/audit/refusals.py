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

from factcheck.audit.log import AuditError, record
from factcheck.errors import MESSAGES
from factcheck.extensions import db
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID
from factcheck.organisation.services import ENTITY_TYPE

DENIED_SUFFIX = ".denied"
RECORDED_STATUSES = frozenset({403, 409, 422})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Sign-in and the user's own account keep their own trail (login.failure, login.throttled).
NOT_DESK_BLUEPRINTS = frozenset({"auth"})

# The action each endpoint performs, named as its successful event is (``claim.take``...).
ACTIONS = {
    "articles.new": "article.ingest",
    "articles.add_claim": "claim.create",
    "articles.accept": "claim.accept",
    "articles.dismiss": "claim.dismiss",
    "claims.take_next": "claim.take",
    "claims.edit": "claim.edit",
    "claims.accept": "claim.accept",
    "claims.dismiss": "claim.dismiss",
    "claims.reopen": "claim.reopen",
    "claims.take": "claim.take",
    "claims.assign": "claim.assign",
    "claims.hand_back": "claim.hand_back",
    "review.add_source": "source.add",
    "review.edit_source": "source.edit",
    "review.remove_source": "source.remove",
    "review.save_verdict": "verdict.edit",
    "review.propose": "verdict.propose",
    "review.approve": "verdict.approve",
    "review.request_changes": "verdict.send_back",
    "review.correct": "verdict.correct",
    "review.add_note": "note.add",
    "audit.verify": "audit.verify",
    "admin.create_user": "user.create",
    "admin.user_role": "user.role",
    "admin.user_active": "user.active",
    "admin.user_password": "user.password",
    "admin.scale": "rating_scale.edit",
    "admin.add_value": "rating_value.add",
    "admin.value": "rating_value.edit",
    "admin.move_value": "rating_value.move",
    "admin.delete_value": "rating_value.delete",
    "admin.organisation": "organisation.edit",
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


def is_denied(action: str) -> bool:
    """Whether ``action`` records a refusal rather than a change."""
    return action.endswith(DENIED_SUFFIX)


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
    """After a 403/409/422 on a desk action: append its ``.denied`` event, alone, and commit."""
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
        db.session.rollback()  # whatever the request did is not kept: only the refusal is
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
        db.session.commit()
    except (sa.exc.SQLAlchemyError, AuditError) as exc:
        # The refusal stands; only its record is lost (the database is failing under us).
        current_app.logger.warning("could not record a refused action: %s", exc)
        try:
            db.session.rollback()
        except sa.exc.SQLAlchemyError:
            db.session.remove()
    return response


def init_app(app: Flask) -> None:
    app.after_request(record_refusal)
