"""Error pages and JSON errors: a message and a request id, never a traceback."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, render_template
from flask.typing import ResponseReturnValue
from flask_babel import LazyString, gettext
from flask_login import AnonymousUserMixin, current_user
from werkzeug.exceptions import HTTPException

from factcheck.auth import wants_json
from factcheck.config import settings
from factcheck.domain import DomainError, in_english
from factcheck.extensions import db
from factcheck.i18n import lazy_gettext as _l
from factcheck.languages import N_

MESSAGES = {
    400: N_("The request could not be understood."),
    401: N_("Sign in first."),
    403: N_("You are not allowed to do that."),
    404: N_("There is nothing here."),
    405: N_("That method is not allowed here."),
    409: N_("Someone else changed this in the meantime."),
    413: N_("What you sent is too large."),
    422: N_("What you sent is not valid."),
    500: N_("Something went wrong on our side. Nothing was saved."),
    503: N_("The service is unavailable right now. Nothing was saved; try again."),
}


# Flask-WTF's CSRF refusals (400), in English as it raises them; the page translates them.
CSRF_MESSAGES = frozenset(
    {
        N_("The CSRF token is missing."),
        N_("The CSRF session token is missing."),
        N_("The CSRF token has expired."),
        N_("The CSRF token is invalid."),
        N_("The CSRF tokens do not match."),
    }
)


# How each kind of refusal from a service is answered over HTTP (one place for every view).
STATUS_OF_DOMAIN_ERROR = {"invalid": 422, "forbidden": 403, "not_found": 404, "conflict": 409}


def status_of(exc: DomainError) -> int:
    """The HTTP status for a service's refusal (noted for the audit trail's refusal event)."""
    note_refusal(exc.english, exc.field)
    return STATUS_OF_DOMAIN_ERROR.get(exc.code, 422)


def note_refusal(message: str, field: str | None = None) -> None:
    """Remember the rule that refused this request: its ``.denied`` audit event names it.

    The first rule noted wins (the one the user is shown); see ``factcheck.audit.refusals``.
    """
    if "refusal" not in g:
        g.refusal = (message, field)


def error_response(
    status: int, message: str | LazyString | None = None, field: str | None = None
) -> ResponseReturnValue:
    """The refusal page (or JSON) in the interface's language; the audit trail notes it in
    English (a lazy ``message`` is said in both)."""
    if message is None:
        english = MESSAGES.get(status, N_("Error"))
        note_refusal(english, field)
        message = gettext(english)
    else:
        note_refusal(in_english(message), field)
        message = str(message)
    request_id = g.get("request_id")
    if wants_json():
        return jsonify(
            error=_code(status), message=message, field=field, request_id=request_id
        ), status
    _load_user_or_anonymous()
    return render_template(
        "error.html", status=status, message=message, request_id=request_id
    ), status


def refusal_response(exc: DomainError) -> ResponseReturnValue:
    """A service's refusal answered here rather than by the request spine: said in the
    interface's language, noted in English."""
    return error_response(status_of(exc), exc.message, exc.field)


def _load_user_or_anonymous() -> None:
    """Look the user up for the page header; if the database is down, show the page signed out."""

    try:
        _ = current_user.is_authenticated
    except sa.exc.SQLAlchemyError:
        _safe_rollback()
        _as_anonymous()


def _code(status: int) -> str:
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "too_large",
        422: "invalid",
        500: "server_error",
        503: "unavailable",
    }.get(status, "error")


def _http_error(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    description: str | LazyString | None = (
        exc.description if status in (400, 404, 409, 413, 422) and exc.description else None
    )
    if status == 413:
        limit_mb = settings().max_content_length // (1024 * 1024)
        description = _l("What you sent is too large (the limit is %(mb)s MB).", mb=limit_mb)
    if description in CSRF_MESSAGES:
        description = _l(description)  # noted in English, shown in the interface's language
    return error_response(
        status, description if status != 404 else None, getattr(exc, "field", None)
    )


UNAVAILABLE = N_("The database is unavailable. Nothing was saved; retry shortly.")


def _as_anonymous() -> None:
    """Render the error page signed out: the user's expired row cannot be read back now."""

    g._login_user = AnonymousUserMixin()


def _unavailable(exc: BaseException) -> bool:
    """An outage rather than a bug: connection lost or refused, disk full, lock timeout."""
    while exc is not None:
        if isinstance(exc, sa.exc.OperationalError) or (
            isinstance(exc, sa.exc.DBAPIError) and exc.connection_invalidated
        ):
            return True
        exc = exc.__cause__  # type: ignore[assignment]
    return False


def _safe_rollback() -> None:
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.remove()


def _database_error(exc: sa.exc.DBAPIError) -> ResponseReturnValue:
    _safe_rollback()
    if _unavailable(exc):
        current_app.logger.warning("database unavailable: %s", exc)
        _as_anonymous()
        return error_response(503, _l(UNAVAILABLE))
    current_app.logger.exception("database error")
    return error_response(500)


def _server_error(exc: Exception) -> ResponseReturnValue:
    _safe_rollback()
    if _unavailable(exc):  # e.g. an AuditError raised because the database failed under it
        current_app.logger.warning("database unavailable: %s", exc)
        _as_anonymous()
        return error_response(503, _l(UNAVAILABLE))
    current_app.logger.exception("unhandled error", exc_info=exc)
    return error_response(500)


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(sa.exc.DBAPIError, _database_error)
    app.register_error_handler(Exception, _server_error)
