"""One event per change, same transaction: refused requests and failed appends change nothing."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.audit import log
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, Note, UserSession
from tests.factories import make_claim
from tests.helpers import PASSWORD, csrf_token, login, submit


def snapshot(app):
    """Everything a change could touch: events, claims, notes, sessions."""
    with app.app_context():
        count = lambda model: db.session.scalar(  # noqa: E731
            sa.select(sa.func.count()).select_from(model)
        )
        claims = [
            (c.id, c.status, c.version)
            for c in db.session.scalars(sa.select(Claim).order_by(Claim.id))
        ]
        return count(AuditEvent), count(Note), count(UserSession), claims


def refusals(app):
    """How many refused actions are on the record (``….denied``, each its own transaction)."""
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count()).where(AuditEvent.action.like("%.denied"))
        )


@pytest.fixture
def claim_id(app, users):
    with app.app_context():
        claim = make_claim()
        db.session.commit()
        return claim.id


def break_the_append(monkeypatch, app):
    """Make the next append collide with event 1's hash: a real database error inside record()."""
    with app.app_context():
        taken = db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.seq == 1))
    monkeypatch.setattr(log, "chain_hash", lambda prev, body: taken)


def test_each_change_writes_exactly_one_event(app, editor_client, claim_id):
    before = snapshot(app)[0]
    response = submit(
        editor_client,
        f"/claims/{claim_id}",
        {"body": "Check the Pentagon figure."},
        action=f"/claims/{claim_id}/notes",
    )
    assert response.status_code in (302, 303)
    with app.app_context():
        new = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.seq > before)))
        assert [e.action for e in new] == ["note.add"]


def test_a_failed_append_rolls_back_the_change(app, editor_client, claim_id, monkeypatch):
    before = snapshot(app)
    token = csrf_token(editor_client, f"/claims/{claim_id}")
    break_the_append(monkeypatch, app)
    for path, data in (
        (f"/claims/{claim_id}/notes", {"body": "A note that must vanish."}),
        (f"/claims/{claim_id}/accept", {}),
    ):
        response = editor_client.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 500, path
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.get(Claim, claim_id).status is ClaimStatus.NEW


def test_a_failed_append_rolls_back_a_sign_in(app, client, users, monkeypatch):
    before = snapshot(app)
    token = csrf_token(client, "/login")
    break_the_append(monkeypatch, app)
    response = client.post(
        "/login", data={"email": users["editor"].email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 500
    assert snapshot(app) == before
    assert client.get("/").status_code == 302  # not signed in


def test_a_failed_append_rolls_back_a_command(app, runner, users, monkeypatch):
    before = snapshot(app)
    break_the_append(monkeypatch, app)
    result = runner.invoke(
        args=["users", "create", "new@example.org", "--role", "reviewer"], input=PASSWORD + "\n"
    )
    assert result.exit_code != 0
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before[0]


@pytest.mark.parametrize(
    ("who", "path", "data", "with_token"),
    [
        ("editor", "/claims/{id}/notes", {"body": "no token"}, False),  # CSRF
        ("reviewer", "/claims/{id}/accept", {}, True),  # not allowed
        ("editor", "/claims/{id}/notes", {"body": ""}, True),  # invalid
        ("editor", "/claims/{id}/assign", {"assignee": "999999"}, True),  # no such user
        ("editor", "/audit/verify", {}, False),  # CSRF on the audit page itself
    ],
)
def test_refused_requests_change_nothing(app, client, users, claim_id, who, path, data, with_token):
    login(client, users[who].email)
    before, refused = snapshot(app), refusals(app)
    page = f"/claims/{claim_id}"
    token = {"csrf_token": csrf_token(client, page)} if with_token else {}
    response = client.post(path.format(id=claim_id), data={**data, **token})
    assert response.status_code in (302, 303, 400, 403, 404, 409, 422)
    # A refused desk action adds its one ``….denied`` event and nothing else; a request the
    # CSRF check stops before any desk rule runs adds nothing at all.
    recorded = 1 if response.status_code in (403, 409, 422) else 0
    assert refusals(app) == refused + recorded
    assert snapshot(app) == (before[0] + recorded, *before[1:])


def test_a_refused_command_changes_nothing(app, runner, users):
    before = snapshot(app)
    result = runner.invoke(
        args=["users", "create", users["editor"].email, "--role", "reviewer"], input=PASSWORD + "\n"
    )
    assert result.exit_code == 1 and "already exists" in result.output
    assert snapshot(app) == before
