"""Refused desk, workflow and admin actions are on the record: one ``….denied`` event each.

On both databases: a 403 or 409 on approve writes exactly one refusal event (actor, target, the
rule, field, status, request id), in its own transaction, and changes nothing else; requests
that are not desk actions (signed out, CSRF, reads, sign-in) record nothing; ``/audit`` filters
refusals.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import sqlalchemy as sa
from flask import Flask

from factcheck.audit.history import action_words, history_for
from factcheck.audit.store import verify_database
from factcheck.extensions import db
from factcheck.models import AuditEvent
from tests.hardening.conftest import changes, snapshot
from tests.helpers import csrf_token
from tests.workflow.test_http_desk import JSON, as_user, make_state, post


def events_after(app: Flask, seq: int) -> list[AuditEvent]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                sa.select(AuditEvent).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
            )
        )
        db.session.expunge_all()
        return rows


def head(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.max(AuditEvent.seq))) or 0)


def only_the_refusal(app: Flask, before: dict[str, Any], seq: int) -> dict[str, Any]:
    """Exactly one new row anywhere, a ``….denied`` event; return its body."""
    diff = changes(before, snapshot(app))
    assert set(diff) <= {"audit_events", "audit_chain_head"}, diff
    new = events_after(app, seq)
    assert len(new) == 1, [e.action for e in new]
    assert new[0].action.endswith(".denied")
    body: dict[str, Any] = json.loads(new[0].body)
    return body


def test_a_403_on_approve_writes_one_denied_event_and_nothing_else(app, users):
    claim_id = make_state(app, users, "proposed")
    reviewer = as_user(app, users, "reviewer")
    before, seq = snapshot(app), head(app)
    response = post(reviewer, claim_id, "approve", {})
    assert response.status_code == 403
    body = only_the_refusal(app, before, seq)
    assert body["action"] == "verdict.approve.denied"
    assert body["actor"] == users["reviewer"].email and body["actor_id"] == users["reviewer"].id
    assert (body["entity_type"], body["entity_id"]) == ("claim", str(claim_id))
    assert "only an editor" in body["data"]["rule"]
    assert body["data"]["status"] == 403
    assert body["request_id"] == response.headers["X-Request-ID"]
    with app.app_context():
        assert verify_database(db.session).ok
        # The claim's own history lists changes; the refusal is on /audit.
        assert all(not e.action.endswith(".denied") for e in history_for("claim", claim_id))


def test_a_409_on_approve_writes_one_denied_event_and_nothing_else(app, users):
    claim_id = make_state(app, users, "in_review")
    editor = as_user(app, users, "editor")
    before, seq = snapshot(app), head(app)
    response = post(editor, claim_id, "approve", {}, headers=JSON)
    assert response.status_code == 409
    body = only_the_refusal(app, before, seq)
    assert body["action"] == "verdict.approve.denied"
    assert body["actor"] == users["editor"].email
    assert (body["entity_type"], body["entity_id"]) == ("claim", str(claim_id))
    assert body["data"]["rule"] == response.get_json()["message"]
    assert "not awaiting approval" in body["data"]["rule"]
    assert body["data"]["status"] == 409
    assert body["request_id"] == response.get_json()["request_id"]


def test_a_stale_approve_is_refused_and_recorded_after_the_rollback(app, users):
    claim_id = make_state(app, users, "proposed")
    first, second = as_user(app, users, "editor"), as_user(app, users, "editor2")
    page = first.get(f"/claims/{claim_id}", headers=JSON).get_json()
    version = str(page["claim"]["version"])
    assert post(first, claim_id, "approve", {"version": version}).status_code == 302
    before, seq = snapshot(app), head(app)
    stale = post(second, claim_id, "approve", {"version": version})
    assert stale.status_code == 409
    body = only_the_refusal(app, before, seq)
    assert body["actor"] == users["editor2"].email and body["data"]["status"] == 409


def test_a_422_names_the_field(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    before, seq = snapshot(app), head(app)
    source = {"url": "javascript:alert(1)", "title": "x", "stance": "supports"}
    response = post(reviewer, claim_id, "sources", source)
    assert response.status_code == 422
    body = only_the_refusal(app, before, seq)
    assert body["action"] == "source.add.denied"
    assert body["data"]["field"] == "url" and body["data"]["status"] == 422


def test_an_admin_page_refusal_is_recorded(app, users):
    client = as_user(app, users, "editor")
    before, seq = snapshot(app), head(app)
    token = csrf_token(client, "/")
    response = client.post(
        f"/admin/users/{users['reviewer'].id}/role", data={"role": "admin", "csrf_token": token}
    )
    assert response.status_code == 403
    body = only_the_refusal(app, before, seq)
    assert body["action"] == "user.role.denied"
    assert (body["entity_type"], body["entity_id"]) == ("user", str(users["reviewer"].id))


def test_what_is_not_a_desk_action_records_nothing(app, users):
    claim_id = make_state(app, users, "proposed")
    seq = head(app)
    anonymous = app.test_client()
    assert anonymous.post(f"/claims/{claim_id}/approve", headers=JSON).status_code in (400, 401)
    assert anonymous.get(f"/claims/{claim_id}", headers=JSON).status_code == 401
    reviewer = as_user(app, users, "reviewer")  # its sign-in is login.success
    seq = head(app)
    assert reviewer.post(f"/claims/{claim_id}/approve").status_code == 400  # no CSRF token
    assert reviewer.get("/queue?min_score=abc").status_code == 422  # a read
    assert reviewer.get("/audit").status_code == 403  # a read
    token = csrf_token(reviewer, "/account/password")
    wrong = reviewer.post(
        "/account/password",
        data={"current_password": "no", "new_password": "x", "confirm": "y", "csrf_token": token},
    )
    assert wrong.status_code in (200, 400, 403, 422)  # their own account, not a desk action
    assert events_after(app, seq) == []


def test_audit_page_filters_refusals(app, users):
    claim_id = make_state(app, users, "proposed")
    assert post(as_user(app, users, "reviewer"), claim_id, "approve", {}).status_code == 403
    editor = as_user(app, users, "editor")
    html = editor.get("/audit?outcome=refused").get_data(as_text=True)
    listed = [int(s) for s in re.findall(r'<td class="audit-seq">(\d+)</td>', html)]
    assert len(listed) == 1
    assert "<code>verdict.approve.denied</code>" in html and "only an editor" in html
    assert "Refusals only" in html
    done = editor.get("/audit?outcome=done").get_data(as_text=True)
    assert "<code>verdict.approve.denied</code>" not in done
    assert "<code>verdict.propose</code>" in done
    assert editor.get("/audit?outcome=nonsense").status_code == 400
    assert action_words("verdict.approve.denied") == "was refused: approved the verdict"


def test_refusals_do_not_depend_on_the_view_path(app, users):
    """Article triage, the queue and the organisation page refuse through their own views."""
    claim_id = make_state(app, users, "new")
    with app.app_context():
        from factcheck.models import Claim

        article_id = db.session.get(Claim, claim_id).article_id
    reviewer = as_user(app, users, "reviewer")
    seq = head(app)
    token = csrf_token(reviewer, "/")
    accepted = reviewer.post(
        f"/articles/{article_id}/claims/{claim_id}/accept", data={"csrf_token": token}
    )
    assert accepted.status_code == 403
    taken = reviewer.post(
        "/queue/take-next", data={"csrf_token": token, "language": "a\x01"}, headers=JSON
    )
    assert taken.status_code == 422
    org = reviewer.post("/admin/organisation", data={"csrf_token": token, "name": "x"})
    assert org.status_code == 403
    new = events_after(app, seq)
    assert [e.action for e in new] == [
        "claim.accept.denied",
        "claim.take.denied",
        "organisation.edit.denied",
    ]
    assert json.loads(new[1].body)["data"]["field"] == "language"


def test_the_loadtest_counts_refusals_apart_from_writes(app, users, monkeypatch):
    """bench/loadtest.py: audit events equal successful writes, refusals reported on their own."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "loadtest.py"
    spec = importlib.util.spec_from_file_location("factcheck_loadtest", path)
    assert spec is not None and spec.loader is not None
    loadtest = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, loadtest)  # its dataclasses look it up there
    spec.loader.exec_module(loadtest)
    claim_id = make_state(app, users, "proposed")
    reviewer = as_user(app, users, "reviewer")
    seq = head(app)
    assert post(reviewer, claim_id, "approve", {}).status_code == 403
    ok, lines = loadtest.audit_check(app, seq, {})
    assert ok, lines
    assert any("refusals recorded" in line and "verdict.approve.denied 1" in line for line in lines)


def test_a_json_refusal_made_outside_the_views_records_its_message(app, users):
    """The admin two-factor gate answers 403 itself: its message is the rule recorded."""
    admin = as_user(app, users, "admin")
    token = csrf_token(admin, "/")
    app.config["REQUIRE_ADMIN_2FA"] = True
    seq = head(app)
    response = admin.post(
        "/admin/users", json={"email": "x@example.org", "csrf_token": token}, headers=JSON
    )
    assert response.status_code == 403
    (event,) = events_after(app, seq)
    body = json.loads(event.body)
    assert body["action"] == "user.create.denied"
    assert body["data"]["rule"] == response.get_json()["message"]
    assert "two-factor" in body["data"]["rule"]
