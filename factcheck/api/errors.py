"""Every refusal of the API as one JSON shape: ``{"error", "message", "field", "request_id"}``.

Service refusals (:class:`factcheck.domain.DomainError`) map to 403/404/409/422 through
:func:`factcheck.errors.status_of`, as in the browser; malformed bodies and parameters (the
app's JSON reader, or the schemas) are 422 naming the field; a missing or bad token is 401 with
``WWW-Authenticate: Bearer``; too many requests is 429 with ``Retry-After``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, g, jsonify
from flask_babel import force_locale
from flask_babel import gettext as _
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


def _exact_schema_messages() -> dict[str, str]:
    """marshmallow's fixed messages (it has no catalogue of its own), said in the request's
    language; ``Unknown field.`` has always been ``unknown field`` here."""
    return {
        "Unknown field.": _("unknown field"),
        "Missing data for required field.": _("Missing data for required field."),
        "Field may not be null.": _("Field may not be null."),
        "Invalid value.": _("Invalid value."),
        "Invalid input.": _("Invalid input."),
        "Invalid input type.": _("Invalid input type."),
        "Not a valid string.": _("Not a valid string."),
        "Not a valid utf-8 string.": _("Not a valid utf-8 string."),
        "Not a valid number.": _("Not a valid number."),
        "Not a valid integer.": _("Not a valid integer."),
        "Not a valid boolean.": _("Not a valid boolean."),
        "Not a valid date.": _("Not a valid date."),
        "Not a valid datetime.": _("Not a valid datetime."),
        "Not a valid list.": _("Not a valid list."),
        "Not a valid mapping type.": _("Not a valid mapping type."),
        "Not a valid URL.": _("Not a valid URL."),
        "Not a valid email address.": _("Not a valid email address."),
        "Number too large.": _("Number too large."),
        "Special numeric values (nan or infinity) are not permitted.": _(
            "Special numeric values (nan or infinity) are not permitted."
        ),
    }


_LONGER = re.compile(r"Longer than maximum length (?P<max>\d+)\.")
_SHORTER = re.compile(r"Shorter than minimum length (?P<min>\d+)\.")
_ONE_OF = re.compile(r"Must be one of: (?P<choices>.*)\.")
_RANGE = re.compile(
    r"Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\."
)
_AT_LEAST = re.compile(r"Must be greater than or equal to (?P<min>\S+)\.")
_AT_MOST = re.compile(r"Must be less than or equal to (?P<max>\S+)\.")


def schema_message(problem: str) -> str:
    """A schema's (marshmallow's) English message in the request's language; one it does not
    know stays as it is."""
    exact = _exact_schema_messages().get(problem)
    if exact is not None:
        return exact
    if found := _LONGER.fullmatch(problem):
        return _("Longer than maximum length %(max)s.", **found.groupdict())
    if found := _SHORTER.fullmatch(problem):
        return _("Shorter than minimum length %(min)s.", **found.groupdict())
    if found := _ONE_OF.fullmatch(problem):
        return _("Must be one of: %(choices)s.", **found.groupdict())
    if found := _RANGE.fullmatch(problem):
        return _(
            "Must be greater than or equal to %(min)s and less than or equal to %(max)s.",
            **found.groupdict(),
        )
    if found := _AT_LEAST.fullmatch(problem):
        return _("Must be greater than or equal to %(min)s.", **found.groupdict())
    if found := _AT_MOST.fullmatch(problem):
        return _("Must be less than or equal to %(max)s.", **found.groupdict())
    return problem


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


def unauthorized(message: Any, *, sent: bool = True) -> ApiError:
    """401 with the challenge of RFC 6750: ``invalid_token`` when a token was sent.

    ``message`` (a lazy string when it is translated) is said in the request's language in the
    body; the header's ``error_description`` is always English (a header is Latin-1, for programs).
    """
    header = REALM
    if sent:
        with force_locale("en"):
            english = str(message)
        description = english.replace('"', "'").replace("\\", "")
        header = f'{REALM}, error="invalid_token", error_description="{description}"'
    return ApiError(401, str(message), "Authorization", {"WWW-Authenticate": header})


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
        problem = schema_message(problem)
        message = f"{field}: {problem}" if field else problem
    elif status == 429:
        limit = getattr(exc, "limit", None)
        message = (
            _("too many requests (limit: %(limit)s)", limit=limit.limit)
            if limit
            else str(MESSAGES.get(429, ""))
        )
        message = message or _("too many requests")
        field = None
    else:
        message = str(MESSAGES.get(status) or "") or exc.description or _("error")
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
