"""Error pages and JSON errors: status, a readable message, the request id; never a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from factcheck.auth import public
from factcheck.errors import MESSAGES
from tests.conftest import make_app
from tests.hardening.conftest import JSON, World, signed_in, token

RID = "hardening-req-0001"
SECRET_DETAIL = "kaboom-internal-detail-7f3a"
LEAKS = ("Traceback", 'File "', SECRET_DETAIL, "sqlalchemy", "psycopg", "werkzeug.exceptions")


def _check(response: Any, status: int, *, json: bool, rid: str | None = RID) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    for leak in LEAKS:
        assert leak not in body, f"{status} leaks {leak!r}"
    if json:
        data = response.get_json()
        assert data is not None, f"{status}: not JSON"
        assert data["error"] and len(data["message"]) > 5
        assert "field" in data
        if rid is not None:
            assert data["request_id"] == rid
        else:
            assert data["request_id"] and data["request_id"] != "<script>"
    else:
        assert response.mimetype == "text/html"
        assert f"<h1>{status}</h1>" in body or 'class="flash flash-error"' in body
        if rid is not None:
            assert rid in body
    # Whatever the body, the request id comes back in the header.
    if rid is not None:
        assert response.headers.get("X-Request-ID") == rid


def _csrf_free(app: Flask) -> Any:
    return app.test_client()


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
def test_400_403_404_405_409_and_422(app, users, world: World, json):
    headers = {"X-Request-ID": RID, **(JSON if json else {})}
    reviewer = signed_in(app, users["reviewer"].email)
    editor = signed_in(app, users["editor"].email)
    cid = world.claims["in_review"]
    # 400: a POST without its CSRF token.
    _check(
        reviewer.post(f"/claims/{cid}/notes", data={"body": "x"}, headers=headers), 400, json=json
    )
    # 403: a reviewer on an admin page.
    _check(reviewer.get("/admin/users", headers=headers), 403, json=json)
    # 404: nothing there, signed in and not.
    _check(reviewer.get("/claims/999999", headers=headers), 404, json=json)
    _check(app.test_client().get("/fact-checks/no-such-slug", headers=headers), 404, json=json)
    # 405: GET on a POST-only route.
    _check(reviewer.get(f"/claims/{cid}/take", headers=headers), 405, json=json)
    # 409: taking a claim someone is already reviewing.
    csrf = token(editor)
    response = editor.post(f"/claims/{cid}/take", data={"csrf_token": csrf}, headers=headers)
    _check(response, 409, json=json)  # the desk shown again carries the request id too
    # 422: a form whose field is wrong.
    response = reviewer.post(
        f"/claims/{cid}/notes", data={"body": "", "csrf_token": token(reviewer)}, headers=headers
    )
    _check(response, 422, json=json)


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
@pytest.mark.parametrize("who", ["anonymous", "editor"])
def test_oversized_bodies_are_413_with_a_readable_message(app, users, json, who):
    client = app.test_client() if who == "anonymous" else signed_in(app, users[who].email)
    headers = {"X-Request-ID": RID, **(JSON if json else {})}
    limit = int(app.config["MAX_CONTENT_LENGTH"])
    for url, data in (
        ("/articles/new", {"text": "x" * (limit + 1)}),
        ("/login", {"email": "a@example.org", "password": "p" * (limit + 1)}),
    ):
        response = client.post(url, data=data, headers=headers)
        _check(response, 413, json=json)
        message = response.get_json()["message"] if json else response.get_data(as_text=True)
        assert "too large" in message and "5 MB" in message


def test_request_ids_that_are_not_sane_are_replaced(app, users):
    for bad in ("<script>", "a" * 200, "short", "x y z 1234567", "ok;Set-Cookie=a"):
        response = app.test_client().get("/fact-checks/nope", headers={"X-Request-ID": bad, **JSON})
        assert response.status_code == 404
        rid = response.get_json()["request_id"]
        assert rid and rid != bad and bad not in response.get_data(as_text=True)
        assert response.headers["X-Request-ID"] == rid
        page = app.test_client().get("/fact-checks/nope", headers={"X-Request-ID": bad})
        assert bad not in page.get_data(as_text=True)


@pytest.fixture
def crashing_app(backend: str) -> Flask:
    """An app with a test-only public route that raises."""
    application = make_app(backend)

    @public
    def crash() -> str:
        raise RuntimeError(SECRET_DETAIL)

    application.add_url_rule("/_test/crash", "crash", crash, methods=["GET", "POST"])
    return application


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
def test_500_never_shows_the_exception(crashing_app, json, caplog):
    headers = {"X-Request-ID": RID, **(JSON if json else {})}
    response = crashing_app.test_client().get("/_test/crash", headers=headers)
    _check(response, 500, json=json)
    text = response.get_json()["message"] if json else response.get_data(as_text=True)
    assert MESSAGES[500] in text
    assert SECRET_DETAIL in caplog.text  # the log keeps what the page must not show


@pytest.mark.parametrize("json", [False, True], ids=["html", "json"])
def test_503_when_the_database_is_unreachable(backend, tmp_path, json):
    if backend.startswith("postgresql"):
        url = "postgresql+psycopg://nobody@127.0.0.1:9/nowhere?connect_timeout=2"
    else:
        url = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"
    app = make_app(url)
    headers = {"X-Request-ID": RID, **(JSON if json else {})}
    for path in ("/fact-checks", "/login"):
        client = app.test_client()
        if path == "/login":
            response = client.get(path)  # the sign-in page itself needs no database
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            import re

            csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
            assert csrf
            response = client.post(
                path,
                data={"email": "a@example.org", "password": "x", "csrf_token": csrf.group(1)},
                headers=headers,
            )
        else:
            response = client.get(path, headers=headers)
        _check(response, 503, json=json)
        assert "try" in response.get_data(as_text=True).lower()
