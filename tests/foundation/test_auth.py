"""Sign-in, sign-out, deny-by-default and CSRF, through real HTTP on both databases."""

from __future__ import annotations

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, UserSession
from tests.helpers import PASSWORD, csrf_token, login, submit


def test_pages_require_sign_in(client, users):
    response = client.get("/articles/1")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/articles/1")


def test_json_requests_get_401_not_a_redirect(client, users):
    response = client.get("/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_login_page_and_healthz_are_public(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").status_code == 200
    with client.get("/static/factcheck.css") as css:
        assert css.status_code == 200


def test_sign_in_then_pages_open(client, users):
    response = login(client, users["editor"].email)
    assert response.headers["Location"] == "/my-work"  # the landing page (issue 17)
    page = client.get("/my-work")
    assert page.status_code == 200
    assert "Eddie Editor" in page.get_data(as_text=True)


def test_wrong_password_is_refused_and_recorded(app, client, users):
    response = submit(client, "/login", {"email": users["editor"].email, "password": "nope" * 4})
    assert response.status_code == 401
    assert "Email or password is wrong" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with app.app_context():
        last = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == "login.failure"
        assert last.actor == users["editor"].email


def test_unknown_email_is_refused_the_same_way(client, users):
    response = submit(client, "/login", {"email": "ghost@example.org", "password": PASSWORD})
    assert response.status_code == 401
    assert "Email or password is wrong" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"email": users["editor"].email, "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_off_site_next_is_ignored(client, users):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        token = csrf_token(client, "/login")
        response = client.post(
            "/login",
            data={
                "email": users["reviewer"].email,
                "password": PASSWORD,
                "next": target,
                "csrf_token": token,
            },
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/my-work"  # the landing page (issue 17)
        submit(client, "/", {}, action="/logout")


def test_local_next_is_followed(client, users):
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={
            "email": users["reviewer"].email,
            "password": PASSWORD,
            "next": "/articles/7",
            "csrf_token": token,
        },
    )
    assert response.headers["Location"] == "/articles/7"


def test_session_is_regenerated_at_login(client, users):
    client.get("/login")
    before = client.get_cookie("session")
    login(client, users["editor"].email)
    after = client.get_cookie("session")
    assert before is not None and after is not None
    assert before.value != after.value


def test_logout_is_post_only_and_ends_the_server_session(app, client, users):
    login(client, users["editor"].email)
    assert client.get("/logout").status_code == 405
    stolen = client.get_cookie("session").value
    response = submit(client, "/", {}, action="/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    # Replaying the cookie captured before logout does not bring the session back.
    client.set_cookie("session", stolen)
    assert client.get("/").status_code == 302
    with app.app_context():
        sessions = db.session.scalars(sa.select(UserSession)).all()
        assert len(sessions) == 1 and sessions[0].ended_at is not None


def test_deactivated_user_loses_the_session(app, client, users):
    from factcheck.auth.services import set_active
    from factcheck.models import User

    login(client, users["reviewer"].email)
    assert client.get("/").status_code == 200
    with app.app_context():
        admin = db.session.get(User, users["admin"].id)
        reviewer = db.session.get(User, users["reviewer"].id)
        set_active(db.session, reviewer, False, actor=admin)
        db.session.commit()
    assert client.get("/").status_code == 302
    response = submit(client, "/login", {"email": users["reviewer"].email, "password": PASSWORD})
    assert response.status_code == 401
