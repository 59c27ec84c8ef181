"""Helpers that act like a browser: read the CSRF token from the page, then submit the form."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "correct horse battery staple"
_TOKEN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    match = _TOKEN.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1) or match.group(2)


def submit(
    client: FlaskClient, page: str, data: dict[str, Any], action: str | None = None, **kwargs: Any
) -> TestResponse:
    """GET ``page``, then POST ``data`` with that page's CSRF token to ``action`` (or ``page``)."""
    token = csrf_token(client, page)
    return client.post(action or page, data={**data, "csrf_token": token}, **kwargs)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    response = submit(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response
