"""Sign-in, sessions and deny-by-default access control."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, abort, current_app, g, jsonify, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.attributes import set_committed_value

from factcheck.auth.services import SESSION_IDLE_TIMEOUT, load_session
from factcheck.auth.two_factor import admin_must_enrol
from factcheck.database import write_intent
from factcheck.extensions import db, login_manager
from factcheck.models import Role, User, UserSession

F = TypeVar("F", bound=Callable[..., Any])

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret
SESSION_SEEN_KEY = "seen"
# Half-signed-in state between the password and the second factor, kept in the signed cookie
# (no server session exists yet): {"uid": user id, "exp": unix time, "next": local path}.
PENDING_KEY = "2fa_pending"


def public(view: F) -> F:
    """Mark a view as reachable without signing in (everything else requires it)."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def role_required(role: Role) -> Callable[[F], F]:
    """Refuse (403) users whose role is below ``role``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated or not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def wants_json() -> bool:
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a local path, else ``None`` (off-site redirects are ignored)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 for c in target):
        return None
    return target


def current_session_token() -> str | None:
    return session.get(SESSION_TOKEN_KEY)


def _load_user_from_session(_req: Any) -> User | None:
    token = session.get(SESSION_TOKEN_KEY)
    if not token:
        return None
    seen = session.get(SESSION_SEEN_KEY, 0)
    if time.time() - float(seen) > SESSION_IDLE_TIMEOUT.total_seconds():
        session.clear()
        return None
    loaded = load_session(db.session, token)
    if loaded is None:
        session.clear()
        return None
    user, user_session = loaded
    g.user_session = user_session
    session[SESSION_SEEN_KEY] = int(time.time())
    if request.method in SAFE_METHODS and db.session.is_modified(user_session):
        _save_last_seen(user_session)
    return user


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _save_last_seen(user_session: UserSession) -> None:
    """Keep the server-side idle clock moving on reads, which never commit the request's session.

    A short transaction of its own (at most once a minute per session); a write request's own
    commit saves the new time instead. Best effort: a busy database only delays the update.
    """

    seen_at = user_session.last_seen_at
    # The request's own (read) transaction must not write it too: on SQLite that would try to
    # upgrade a read transaction to a write one, which fails at once when another writer is busy.
    set_committed_value(user_session, "last_seen_at", seen_at)
    try:
        with write_intent(), db.engine.begin() as conn:
            conn.execute(
                sa.update(UserSession)
                .where(UserSession.id == user_session.id)
                .values(last_seen_at=seen_at)
            )
    except sa.exc.SQLAlchemyError as exc:
        current_app.logger.warning("could not record session activity: %s", exc)


def _require_login() -> Any:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such route: let the 404 handler answer
    view = current_app.view_functions.get(endpoint)
    if endpoint == "static" or getattr(view, "is_public", False):
        return None
    if getattr(view, "token_authenticated", False):
        return None  # the API checks its bearer token itself and never reads the cookie
    if current_user.is_authenticated:
        return None
    if wants_json():
        response = jsonify(error="unauthorized", message=_("sign in first"), field=None)
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


# Settings of the sign-in security, each settable as FACTCHECK_<NAME> like every other setting.
# What an admin who must enrol in two-factor sign-in may still reach.
ENROLMENT_ENDPOINTS = frozenset({"auth.two_factor", "auth.logout", "static"})


def _require_admin_enrolment() -> Any:
    """Admins without two-factor sign-in, when it is required, can do nothing but enrol."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in ENROLMENT_ENDPOINTS:
        return None
    if getattr(current_app.view_functions.get(endpoint), "is_public", False):
        return None
    if not current_user.is_authenticated:
        return None

    if not admin_must_enrol(current_user._get_current_object()):
        return None
    message = _("set up two-factor sign-in first: admins must use it")
    if wants_json():
        response = jsonify(error="forbidden", message=message, field=None)
        response.status_code = 403
        return response
    return redirect(url_for("auth.two_factor"))


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # our own server-side sessions replace it
    login_manager.login_view = "auth.login"
    login_manager.user_loader(lambda _user_id: None)
    login_manager.request_loader(_load_user_from_session)
    app.before_request(_require_login)
    app.before_request(_require_admin_enrolment)
