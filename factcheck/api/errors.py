"""Every refusal of the API as one JSON shape: ``{"error", "message", "field", "request_id"}``.

Service refusals (:class:`factcheck.domain.DomainError`) map to 403/404/409/422 through
:func:`factcheck.errors.status_of`, as in the browser; malformed bodies and parameters (the
app's JSON reader, or the schemas) are 422 naming the field; a missing or bad token is 401 with
``WWW-Authenticate: Bearer``; too many requests is 429 with ``Retry-After``.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify
from werkzeug.exceptions import HTTPException

from factcheck.domain import DomainError
from factcheck.errors import MESSAGES, note_refusal, status_of
from factcheck.extensions import db
from factcheck.jsonbody import JSONBodyRefused

CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    412: "precondition_failed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
REALM = 'Bearer realm="factcheck"'


class ApiError(HTTPException):
    """A refusal raised inside an API view or hook; answered by :func:`handle_http_error`."""

    def __init__(
        self,
        status: int,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = status
        self.message = message
        self.field = field
        self.extra_headers = headers or {}


def unauthorized(message: str, *, sent: bool = True) -> ApiError:
    """401 with the challenge of RFC 6750: ``invalid_token`` when a token was sent."""
    header = REALM
    if sent:
        description = message.replace('"', "'").replace("\\", "")
        header = f'{REALM}, error="invalid_token", error_description="{description}"'
    return ApiError(401, message, "Authorization", {"WWW-Authenticate": header})


def error_body(status: int, message: str, field: str | None) -> Response:
    note_refusal(message, field)
    response = jsonify(
        error=CODES.get(status, "error"),
        message=message,
        field=field,
        request_id=g.get("request_id"),
    )
    response.status_code = status
    return response


def _first_problem(messages: Any, path: tuple[str, ...] = ()) -> tuple[str | None, str]:
    """The first field and message of a marshmallow/webargs error tree."""
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key in ("json", "query", "headers", "form", "files", "view_args"):
                return _first_problem(value, path)
            if key == "_schema":
                field, message = _first_problem(value, path)
                return field or "body", message
            return _first_problem(value, (*path, str(key)))
    if isinstance(messages, list | tuple) and messages:
        return _first_problem(messages[0], path)
    return (".".join(path) or None), str(messages)


def handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    headers: dict[str, str] = {}
    if isinstance(exc, ApiError):
        message, field, headers = exc.message, exc.field, exc.extra_headers
    elif isinstance(exc, JSONBodyRefused):  # the app's JSON reader: 400 in the browser, 422 here
        status, message, field = 422, str(exc.description), exc.field or "body"
    elif status == 422 and isinstance(data := getattr(exc, "data", None), dict):  # the schemas
        field, problem = _first_problem(data.get("messages", {}))
        if problem == "Unknown field.":
            problem = "unknown field"
        message = f"{field}: {problem}" if field else problem
    elif status == 429:
        limit = getattr(exc, "limit", None)
        message = f"too many requests (limit: {limit.limit})" if limit else MESSAGES.get(429, "")
        message = message or "too many requests"
        field = None
    else:
        message = MESSAGES.get(status) or exc.description or "error"
        field = None
    response = error_body(status, message, field)
    for name, value in headers.items():
        response.headers[name] = value
    if status == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = REALM
    return response


def handle_domain_error(exc: DomainError) -> Response:
    db.session.rollback()
    return error_body(status_of(exc), exc.message, exc.field)
