"""Login throttling: 5 failures a minute per account and per address, counted in the database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.auth.throttle import THROTTLED_MESSAGE
from factcheck.extensions import db
from factcheck.models import AuditEvent
from factcheck.models.user import LoginAttempt
from tests.helpers import PASSWORD, submit

WRONG = "wrong password here"


def _attempt(client, email, password=WRONG, addr="10.0.0.1"):
    return submit(
        client,
        "/login",
        {"email": email, "password": password},
        environ_base={"REMOTE_ADDR": addr},
    )


def _actions(app):
    with app.app_context():
        return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)).all()


def test_sixth_attempt_in_a_minute_is_refused_without_checking_the_password(
    app, client, users, monkeypatch
):
    email = users["editor"].email
    for _ in range(5):
        assert _attempt(client, email).status_code == 401

    def must_not_run(*_args):
        raise AssertionError("a throttled attempt must not check the password")

    monkeypatch.setattr("factcheck.auth.services.verify_password", must_not_run)
    response = _attempt(client, email, PASSWORD)  # even the right password
    assert response.status_code == 429
    assert THROTTLED_MESSAGE in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    actions = _actions(app)
    assert actions.count("login.failure") == 5
    assert actions[-1] == "login.throttled"


def test_other_users_elsewhere_are_unaffected(client, users):
    for _ in range(5):
        _attempt(client, users["editor"].email)
    other = _attempt(client, users["reviewer"].email, PASSWORD, addr="10.0.0.2")
    assert other.status_code == 302


def test_limit_per_address_across_accounts(client, users):
    for n in range(5):
        assert _attempt(client, f"nobody{n}@example.org", addr="10.9.9.9").status_code == 401
    response = _attempt(client, users["reviewer"].email, PASSWORD, addr="10.9.9.9")
    assert response.status_code == 429
    # The same account from another address is fine: it has no failures of its own.
    assert _attempt(client, users["reviewer"].email, PASSWORD, addr="10.1.1.1").status_code == 302


def test_limit_lifts_after_a_minute_and_refusals_do_not_extend_it(client, users, clock):
    email = users["editor"].email
    for _ in range(5):
        _attempt(client, email)
    clock.advance(seconds=30)
    assert _attempt(client, email, PASSWORD).status_code == 429
    clock.advance(seconds=31)  # 61 s after the failures; the refusal 31 s ago did not count
    assert _attempt(client, email, PASSWORD).status_code == 302


def test_workers_share_one_count(another_app, users):
    """Two app processes (here: two apps on one database) enforce a single limit."""
    first, second = another_app().test_client(), another_app().test_client()
    email = users["editor"].email
    for client in (first, second, first, second, first):
        assert _attempt(client, email).status_code == 401
    assert _attempt(second, email, PASSWORD).status_code == 429


def test_throttled_attempt_is_audited_with_the_address(app, client, users):
    for _ in range(6):
        _attempt(client, users["editor"].email, addr="192.0.2.7")
    with app.app_context():
        event = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "login.throttled")
        ).one()
        assert event.actor == users["editor"].email
        assert event.client_addr == "192.0.2.7"
        assert '"limit":5' in event.body


def test_old_attempts_are_pruned(app, client, users, clock):
    _attempt(client, users["editor"].email)
    clock.advance(days=1, minutes=1)
    _attempt(client, users["editor"].email)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginAttempt)) == 1


@pytest.mark.parametrize("limit", [2])
def test_limit_is_configurable(another_app, users, limit):
    client = another_app(LOGIN_MAX_FAILURES=limit).test_client()
    for _ in range(limit):
        assert _attempt(client, users["editor"].email).status_code == 401
    assert _attempt(client, users["editor"].email).status_code == 429


def test_password_is_checked_with_no_write_lock_held(app, client, users, monkeypatch):
    """On SQLite other writers go on while argon2id works on a sign-in."""
    import sqlite3

    from factcheck.auth import services

    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL writers do not share one lock")
    real = services.verify_password
    seen = []

    def verify(password_hash, password):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0)
        other.execute("BEGIN IMMEDIATE")  # fails at once if the sign-in held the write lock
        other.rollback()
        other.close()
        seen.append(True)
        return real(password_hash, password)

    monkeypatch.setattr(services, "verify_password", verify)
    _attempt(client, users["editor"].email, PASSWORD)
    assert seen == [True]


def test_attempts_that_raced_past_the_first_check_are_refused(app, users):
    from factcheck.auth import services
    from factcheck.auth.throttle import LoginThrottled
    from factcheck.database import write_intent

    email = users["editor"].email
    with app.app_context(), write_intent():
        for _ in range(4):
            services.authenticate(db.session, email, WRONG, client_addr="10.0.0.9")
        db.session.commit()
        first = services.begin_sign_in(db.session, email, client_addr="10.0.0.9")
        second = services.begin_sign_in(db.session, email, client_addr="10.0.0.9")
        assert not first.throttled and not second.throttled
        assert services.finish_sign_in(db.session, first, False, client_addr="10.0.0.9") is None
        with pytest.raises(LoginThrottled):  # the right password, but the limit was reached
            services.finish_sign_in(db.session, second, True, client_addr="10.0.0.9")
        db.session.rollback()
