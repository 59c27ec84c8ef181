"""Security headers on every response, error pages and static files included.

The Content-Security-Policy allows no inline script or style and nothing from other origins;
JSON-LD blocks (``<script type="application/ld+json">``) are data, not script, and are unaffected.
Responses to signed-in users are never stored by browsers or proxies. HSTS is sent when cookies
are Secure (that is, the site is served over HTTPS) outside debug.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, current_app, g, request, session
from werkzeug.wrappers import Response

from factcheck.auth import PENDING_KEY, SESSION_TOKEN_KEY
from factcheck.config import settings

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    )
)
STATIC_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def _signed_in() -> bool:
    """True for a request made with a session cookie or by a user already loaded."""
    user = g.get("_login_user")  # set by Flask-Login once the user was looked up
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    return SESSION_TOKEN_KEY in session or PENDING_KEY in session


def _may_be_framed(response: Response) -> bool:
    """A response that set its own policy allowing framing (the embeddable fact-check badge)
    must not be refused by ``X-Frame-Options: DENY``; every other response is."""
    policy = response.headers.get("Content-Security-Policy")
    return policy is not None and "frame-ancestors 'none'" not in policy


def _add_headers(response: Response) -> Response:
    for name, value in STATIC_HEADERS.items():
        if name == "X-Frame-Options" and _may_be_framed(response):
            continue
        response.headers.setdefault(name, value)
    request_id = g.get("request_id")
    if request_id:  # the client's own id when it was sane (see _start_request), else ours
        response.headers["X-Request-ID"] = request_id
    if request.endpoint != "static" and _signed_in():
        # Pages for signed-in users hold unpublished work: never keep a copy anywhere.
        response.headers["Cache-Control"] = "no-store"
        response.headers.pop("Expires", None)
        if request.blueprint != "api_v1":  # the API's ETag is a version for If-Match, not a cache
            response.headers.pop("ETag", None)
    if settings().session_cookie_secure and not current_app.debug:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


# Text from outside (an article's body, a value stored before these characters were refused)
# may hold bidirectional controls. Every ``{{ value }}`` that does is shown between FIRST STRONG
# ISOLATE and POP DIRECTIONAL ISOLATE: whatever embeddings or overrides it opens end with it
# (Unicode bidi algorithm, UAX #9), so it cannot reorder the page around it. Markup (already
# HTML, e.g. the JSON-LD from ``tojson``) is left alone.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
FSI, PDI = "\u2068", "\u2069"


def isolate_bidi(value: Any) -> Any:
    """Jinja's ``finalize``: plain text holding bidi controls comes out isolated."""
    if type(value) is str and _BIDI.search(value):
        return FSI + value + PDI
    return value


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
    app.jinja_env.finalize = isolate_bidi
