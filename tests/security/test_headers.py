"""Security headers on a sample of responses: public, static, signed-in, error, JSON."""

from __future__ import annotations

import pytest

from factcheck.security import CONTENT_SECURITY_POLICY
from tests.helpers import login

EXPECTED_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _check_common(response):
    assert response.headers["Content-Security-Policy"] == EXPECTED_CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_policy_text_is_the_documented_one():
    assert CONTENT_SECURITY_POLICY == EXPECTED_CSP
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/login", "/healthz", "/no-such-page", "/static/factcheck.css"])
def test_anonymous_responses(client, path):
    with client.get(path) as response:
        _check_common(response)
        assert response.headers.get("Cache-Control") != "no-store"
        assert "Strict-Transport-Security" not in response.headers  # testing: cookies not Secure


def test_signed_in_pages_and_errors_are_not_stored(client, users):
    login(client, users["reviewer"].email)
    for path, status in (
        ("/", 200),
        ("/account/password", 200),
        ("/admin/users", 403),
        ("/nothing-here", 404),
    ):
        response = client.get(path)
        assert response.status_code == status, path
        _check_common(response)
        assert response.headers["Cache-Control"] == "no-store", path
    api = client.get("/nothing-here", headers={"Accept": "application/json"})
    _check_common(api)
    assert api.headers["Cache-Control"] == "no-store"


def test_the_sign_in_redirect_is_not_stored(client, users):
    response = login(client, users["reviewer"].email)
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_when_cookies_are_secure_outside_debug(another_app):
    secure = another_app(SESSION_COOKIE_SECURE=True).test_client()
    assert secure.get("/login").headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )
    debug = another_app(SESSION_COOKIE_SECURE=True, DEBUG=True).test_client()
    assert "Strict-Transport-Security" not in debug.get("/login").headers


def test_method_not_allowed_and_csrf_errors_carry_headers(client, users):
    _check_common(client.get("/logout"))
    _check_common(client.post("/login", data={"email": "x@example.org", "password": "y"}))
