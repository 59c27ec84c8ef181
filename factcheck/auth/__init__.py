"""Sign-in, sessions and deny-by-default access control."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, abort, g, jsonify, redirect, request, session, url_for
from flask_login import current_user

from factcheck.auth.services import SESSION_IDLE_TIMEOUT, load_session
from factcheck.extensions import db, login_manager
from factcheck.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

SESSION_TOKEN_KEY = "sid"  # noqa: S105 - a session key name, not a secret
SESSION_SEEN_KEY = "seen"


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
    return user


def _require_login() -> Any:
    endpoint = request.endpoint
    if endpoint is None:
        return None  # no such route: let the 404 handler answer
    from flask import current_app

    view = current_app.view_functions.get(endpoint)
    if endpoint == "static" or getattr(view, "is_public", False):
        return None
    if current_user.is_authenticated:
        return None
    if wants_json():
        response = jsonify(error="unauthorized", message="sign in first", field=None)
        response.status_code = 401
        return response
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # our own server-side sessions replace it
    login_manager.login_view = "auth.login"
    login_manager.user_loader(lambda _user_id: None)
    login_manager.request_loader(_load_user_from_session)
    app.before_request(_require_login)
