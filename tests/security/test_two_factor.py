"""Two-factor sign-in: enrolment, the second step, single-use codes, and the admin requirement."""

from __future__ import annotations

import re

import sqlalchemy as sa

from factcheck.auth import two_factor as totp
from factcheck.extensions import db
from factcheck.models import AuditEvent, User, UserSession
from tests.helpers import PASSWORD, login, submit

SECRET_RE = re.compile(r'<code class="totp-secret">([A-Z2-7]+)</code>')


def _actions(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)).all()


def _code(secret, offset=0):
    return totp.code_at(secret, totp.current_step() + offset)


def enrol(client):
    """Enrol the signed-in user from the page, as a person would; returns the secret."""
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    response = submit(client, "/account/2fa", {"code": _code(secret)})
    assert response.status_code == 302, response.get_data(as_text=True)[:400]
    return secret


def _password_step(client, email, password=PASSWORD):
    return submit(client, "/login", {"email": email, "password": password})


def test_enrolment_shows_the_uri_and_key_and_needs_a_right_code(app, client, users):
    login(client, users["reviewer"].email)
    page = client.get("/account/2fa").get_data(as_text=True)
    secret = SECRET_RE.search(page).group(1)
    assert len(secret) == 32
    assert f"otpauth://totp/Factcheck%20Newsroom:reviewer%40example.org?secret={secret}" in page
    # Reloading keeps offering the same key until it is confirmed.
    assert secret in client.get("/account/2fa").get_data(as_text=True)
    wrong = submit(client, "/account/2fa", {"code": "000000" if _code(secret) != "000000" else "1"})
    assert wrong.status_code == 422
    assert "that code is not right" in wrong.get_data(as_text=True)
    assert submit(client, "/account/2fa", {"code": _code(secret)}).status_code == 302
    assert "2fa.enable" in _actions(app)
    with app.app_context():
        stored = db.session.get(User, users["reviewer"].id).totp_secret
        assert stored and secret not in stored  # encrypted at rest
        assert totp.decrypt_secret(stored) == secret
    assert "is <strong>on</strong>" in client.get("/account/2fa").get_data(as_text=True)


def test_sign_in_asks_for_a_code_before_any_session_exists(app, client, users):
    email = users["reviewer"].email
    login(client, email)
    secret = enrol(client)
    submit(client, "/", {}, action="/logout")

    response = _password_step(client, email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/2fa"
    assert client.get("/").status_code == 302  # half signed in is not signed in
    with app.app_context():
        open_sessions = db.session.scalars(
            sa.select(UserSession).where(UserSession.ended_at.is_(None))
        ).all()
        assert open_sessions == []

    wrong = submit(client, "/login/2fa", {"code": "12345x"})
    assert wrong.status_code == 401
    assert _actions(app)[-1] == "login.2fa_failure"

    done = submit(client, "/login/2fa", {"code": _code(secret, 1)})
    assert done.status_code == 302 and done.headers["Location"] == "/my-work"  # landing (issue 17)
    assert client.get("/").status_code == 200
    with app.app_context():
        last = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == "login.success" and '"two_factor":true' in last.body


def test_a_code_cannot_be_used_twice(app, users):
    email = users["reviewer"].email
    first = app.test_client()
    login(first, email)
    secret = enrol(first)
    with app.app_context():
        used = db.session.get(User, users["reviewer"].id).totp_last_step
    replay = app.test_client()
    _password_step(replay, email)
    assert submit(replay, "/login/2fa", {"code": totp.code_at(secret, used)}).status_code == 401
    fresh = totp.code_at(secret, used + 1)
    assert submit(replay, "/login/2fa", {"code": fresh}).status_code == 302
    again = app.test_client()
    _password_step(again, email)
    assert submit(again, "/login/2fa", {"code": fresh}).status_code == 401
    # An older step is refused too, even inside the drift window.
    assert submit(again, "/login/2fa", {"code": _code(secret, -1)}).status_code == 401


def test_the_half_signed_in_state_expires(client, users, clock):
    email = users["reviewer"].email
    login(client, email)
    secret = enrol(client)
    submit(client, "/", {}, action="/logout")
    _password_step(client, email)
    clock.advance(minutes=5, seconds=1)
    response = client.get("/login/2fa")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/login/2fa").status_code == 302
    del secret


def test_second_step_without_a_password_step_goes_back_to_sign_in(client, users):
    assert client.get("/login/2fa").headers["Location"] == "/login"


def test_wrong_codes_are_throttled(app, client, users):
    email = users["reviewer"].email
    login(client, email)
    secret = enrol(client)
    submit(client, "/", {}, action="/logout")
    _password_step(client, email)
    for _ in range(5):
        assert submit(client, "/login/2fa", {"code": "000001"}).status_code == 401
    response = submit(client, "/login/2fa", {"code": _code(secret, 1)})
    assert response.status_code == 429
    assert "Too many attempts; wait a minute and try again" in response.get_data(as_text=True)
    assert _actions(app)[-1] == "login.throttled"


def test_disable_needs_a_code(app, client, users):
    login(client, users["reviewer"].email)
    secret = enrol(client)
    wrong = submit(client, "/account/2fa", {"code": "999999x"}, action="/account/2fa/disable")
    assert wrong.status_code == 422
    assert _actions(app)[-1] == "login.2fa_failure"
    done = submit(client, "/account/2fa", {"code": _code(secret, 1)}, action="/account/2fa/disable")
    assert done.status_code == 302
    assert _actions(app)[-1] == "2fa.disable"
    with app.app_context():
        user = db.session.get(User, users["reviewer"].id)
        assert user.totp_secret is None and user.totp_last_step is None
    submit(client, "/", {}, action="/logout")
    login(client, users["reviewer"].email)  # straight in again


def test_admins_must_enrol_when_required(another_app, users):
    app = another_app(REQUIRE_ADMIN_2FA=True)
    client = app.test_client()
    response = login(client, users["admin"].email)
    assert response.headers["Location"] == "/account/2fa"
    for page in ("/", "/admin/users", "/account/password", "/queue"):
        blocked = client.get(page)
        assert blocked.status_code == 302, page
        assert blocked.headers["Location"] == "/account/2fa", page
    assert client.get("/", headers={"Accept": "application/json"}).status_code == 403
    page = client.get("/account/2fa").get_data(as_text=True)
    assert "Admins must use two-factor sign-in" in page
    secret = SECRET_RE.search(page).group(1)
    assert submit(client, "/account/2fa", {"code": _code(secret)}).status_code == 302
    assert client.get("/admin/users").status_code == 200
    refused = submit(
        client, "/account/2fa", {"code": _code(secret, 1)}, action="/account/2fa/disable"
    )
    assert refused.status_code == 422
    assert "admins must keep two-factor sign-in on" in refused.get_data(as_text=True)
    # Other roles are not held back.
    editor = app.test_client()
    login(editor, users["editor"].email)
    assert editor.get("/").status_code == 200


def test_admin_requirement_reads_the_environment(monkeypatch, another_app):
    monkeypatch.setenv("FACTCHECK_REQUIRE_ADMIN_2FA", "true")
    assert another_app().config["REQUIRE_ADMIN_2FA"] is True
    monkeypatch.delenv("FACTCHECK_REQUIRE_ADMIN_2FA")
    assert another_app().config["REQUIRE_ADMIN_2FA"] is False


def test_secret_key_file_is_created_once_outside_testing(tmp_path, another_app):
    app = another_app(TESTING=False, SESSION_COOKIE_SECURE=False)
    app.instance_path = str(tmp_path)
    with app.app_context():
        token = totp.encrypt_secret("JBSWY3DPEHPK3PXP")
        key_file = tmp_path / "totp_key"
        assert key_file.is_file() and oct(key_file.stat().st_mode & 0o777) == "0o600"
        assert totp.decrypt_secret(token) == "JBSWY3DPEHPK3PXP"
        first = key_file.read_text()
        totp.encrypt_secret("JBSWY3DPEHPK3PXP")
        assert key_file.read_text() == first
