"""Sessions: timeouts, cookie flags, and changing one's own password ends the other sessions."""

from __future__ import annotations

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, User, UserSession
from tests.helpers import PASSWORD, login, submit

NEW_PASSWORD = "a brand new passphrase 42"


def _last_event(app, action):
    with app.app_context():
        return db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq.desc())
        ).first()


# --- timeouts --------------------------------------------------------------------------------


def test_idle_session_ends_after_eight_hours_without_activity(client, users, clock):
    login(client, users["editor"].email)
    for _ in range(3):  # active every 7h50: 23h30 in all, never idle for 8 h
        clock.advance(hours=7, minutes=50)
        assert client.get("/").status_code == 200
    clock.advance(hours=8, minutes=1)
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_server_idle_check_holds_even_when_the_cookie_looks_fresh(client, users, clock):
    """A replayed or forged 'last seen' in the cookie cannot keep an idle session alive."""
    login(client, users["editor"].email)
    clock.advance(hours=8, minutes=1, wall=False)
    assert client.get("/").status_code == 302


def test_cookie_idle_check_holds_on_its_own(client, users, clock):
    login(client, users["editor"].email)
    clock.advance(hours=8, minutes=1, server=False)
    assert client.get("/").status_code == 302


def test_absolute_timeout_ends_even_an_active_session_after_seven_days(client, users, clock):
    login(client, users["editor"].email)
    for _ in range(23):  # 161 h of steady use
        clock.advance(hours=7)
        assert client.get("/").status_code == 200
    clock.advance(hours=8)  # 169 h after sign-in
    assert client.get("/").status_code == 302


# --- cookies ---------------------------------------------------------------------------------


def test_cookie_settings_outside_debug(another_app):
    app = another_app(TESTING=False)
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_cookie_is_not_secure_only_in_debug(another_app):
    app = another_app(TESTING=False, DEBUG=True)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_set_cookie_header_carries_the_flags(another_app, users):
    app = another_app(SESSION_COOKIE_SECURE=True)
    client = app.test_client()
    response = login(client, users["editor"].email)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie.split("; "), cookie
    assert "Expires" not in cookie  # a browser-session cookie; the server enforces the timeouts


# --- changing one's own password -------------------------------------------------------------


def test_password_page_requires_sign_in(client, users):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account/password")


def test_change_password_ends_other_sessions_and_keeps_this_one(app, users):
    email = users["reviewer"].email
    mine, other = app.test_client(), app.test_client()
    login(mine, email)
    login(other, email)
    response = submit(
        mine,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/password"
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302
    event = _last_event(app, "user.password")
    assert event is not None and '"sessions_ended":1' in event.body
    with app.app_context():
        sessions = db.session.scalars(sa.select(UserSession).order_by(UserSession.id)).all()
        assert [s.ended_at is None for s in sessions] == [True, False]
    # The old password no longer works; the new one does.
    third = app.test_client()
    refused = submit(third, "/login", {"email": email, "password": PASSWORD})
    assert refused.status_code == 401
    login(third, email, NEW_PASSWORD)


def test_wrong_current_password_changes_nothing_and_counts(app, client, users):
    login(client, users["reviewer"].email)
    response = submit(
        client,
        "/account/password",
        {
            "current_password": "not my password",
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 422
    assert "the current password is not right" in response.get_data(as_text=True)
    event = _last_event(app, "login.failure")
    assert event is not None and "wrong current password" in event.body
    with app.app_context():
        from factcheck.auth.passwords import verify_password

        user = db.session.get(User, users["reviewer"].id)
        assert verify_password(user.password_hash, PASSWORD)
        assert _last_event(app, "user.password") is None


def test_password_change_refusals(client, users):
    login(client, users["reviewer"].email)
    cases = [
        ({"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"}, "the two passwords differ"),
        ({"new_password": "short", "confirm": "short"}, "password is too short"),
        ({"new_password": PASSWORD, "confirm": PASSWORD}, "must differ from the current one"),
    ]
    for data, message in cases:
        response = submit(client, "/account/password", {"current_password": PASSWORD, **data})
        assert response.status_code == 422, data
        assert message in response.get_data(as_text=True), data
    assert client.get("/").status_code == 200


def test_password_change_needs_the_csrf_token(app, client, users):
    login(client, users["reviewer"].email)
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert _last_event(app, "user.password") is None
