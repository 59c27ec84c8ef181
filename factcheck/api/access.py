"""Who is calling: a bearer token, never a cookie; what the token may do: its scopes.

The API's views are marked ``token_authenticated`` for the browser's sign-in check
(``auth._require_login``), which would otherwise look at the session cookie: here a token is the
only credential. Before
anything can read ``current_user``, the request is made anonymous (a URL value preprocessor of the
blueprint, which runs before every ``before_request`` hook); :func:`authenticate` then puts the
token's user there. A session cookie sent along is never read, so it neither signs in nor is
refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin

from factcheck import web
from factcheck.api.errors import ApiError, unauthorized
from factcheck.api.schemas import ID_MAX
from factcheck.auth import tokens
from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.models import ApiToken, Scope, User

F = TypeVar("F", bound=Callable[..., Any])


def _no_such(name: str) -> str:
    """The 404 message for an id of the path (one whole sentence per kind, for translators)."""
    known = {
        "article_id": _("no such article"),
        "claim_id": _("no such claim"),
        "job_id": _("no such job"),
        "source_id": _("no such source"),
    }
    return known.get(name) or _("no such object")


def forget_session(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """No cookie signs anyone in here: the caller is anonymous until a token says otherwise.

    An id in the path beyond the ids' column range names nothing: 404 before any query.
    """
    g._login_user = AnonymousUserMixin()
    for name, value in (values or {}).items():
        if name.endswith("_id") and isinstance(value, int) and value > ID_MAX:
            raise ApiError(404, _no_such(name))


def bearer_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


def authenticate() -> None:
    """Every API call needs a live token: 401 with ``WWW-Authenticate: Bearer`` otherwise."""
    secret = bearer_secret()
    if secret is None:
        raise unauthorized(_("send a token: Authorization: Bearer <token>"), sent=False)
    try:
        token = tokens.authenticate(db.session, secret)
    except tokens.TokenRefused as exc:
        db.session.rollback()
        raise unauthorized(exc.message) from None
    if tokens.use_is_due(token):
        _record_use(token.id)
        token = db.session.get(ApiToken, token.id) or token
    g.api_token_id = token.id  # every audit event of this request names the token
    g._login_user = token.user


def _record_use(token_id: int) -> None:
    """``api_token.use`` (at most hourly per token), in a short write transaction of its own."""
    db.session.rollback()  # a read request's transaction must not become a writer's
    try:
        with write_intent():
            token = db.session.get(ApiToken, token_id)
            if token is not None and tokens.use_is_due(token):
                tokens.record_use(db.session, token, method=request.method, path=request.path)
            web.commit()
    except sa.exc.SQLAlchemyError as exc:  # best effort: a busy database only delays it
        db.session.rollback()
        current_app.logger.warning("could not record a token's use: %s", exc)


def current_token() -> ApiToken:
    token = db.session.get(ApiToken, g.api_token_id)
    assert token is not None
    return token


def caller() -> User:
    user: User = g._login_user
    return user


def requires(scope: Scope) -> Callable[[F], F]:
    """Refuse (403, naming the scope) a token without ``scope``; document it on the operation."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_token().has_scope(scope):
                raise ApiError(
                    403,
                    _("this token lacks the %(scope)s scope", scope=scope.value),
                    field=f"scope:{scope.value}",
                )
            return view(*args, **kwargs)

        apidoc = getattr(wrapped, "_apidoc", {})
        manual = apidoc.setdefault("manual_doc", {})
        manual["security"] = [{"bearerAuth": [scope.value]}]
        manual["description"] = (
            (manual.get("description", "") + "\n\n").lstrip()
            + f"Token scope: `{scope.value}`. "
            + (view.__doc__ or "").strip()
        ).strip()
        wrapped._apidoc = apidoc  # type: ignore[attr-defined]
        wrapped.required_scope = scope  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
