"""Notifications in the app: written with the change that causes them, listed, marked read."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from factcheck.auth.services import set_active
from factcheck.claims import workflow
from factcheck.extensions import db
from factcheck.inbox.mentions import mentions, resolve
from factcheck.models import AuditEvent, Notification, NotificationKind, Role, User
from factcheck.review import services as review
from tests.factories import default_rating, make_claim, make_user, people_of, walk_claim
from tests.helpers import login, submit

K = NotificationKind
JSON = {"Accept": "application/json"}


def _notes(app, user_id: int) -> list[Notification]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return list(rows)


def _queued(app, users) -> int:
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["editor"]), "queued")
        db.session.commit()
        return claim.id


def test_assigning_notifies_the_assignee_in_the_same_transaction(app, client, users):
    claim_id = _queued(app, users)
    login(client, users["editor"].email)
    done = submit(
        client,
        f"/claims/{claim_id}",
        {"assignee": str(users["reviewer"].id)},
        action=f"/claims/{claim_id}/assign",
    )
    assert done.status_code == 302
    [note] = _notes(app, users["reviewer"].id)
    assert note.kind is K.ASSIGNED and note.claim_id == claim_id and note.read_at is None
    assert "Eddie Editor assigned you claim" in note.message
    assert note.actor_id == users["editor"].id
    with app.app_context():
        event = db.session.get(AuditEvent, note.event_seq)
        assert event.action == "claim.assign" and event.entity_id == str(claim_id)
    assert _notes(app, users["editor"].id) == []  # never the actor


def test_taking_a_claim_yourself_notifies_nobody(app, users):
    claim_id = _queued(app, users)
    with app.app_context():
        people = people_of(users)
        from factcheck.models import Claim

        workflow.take(db.session, db.session.get(Claim, claim_id), actor=people["reviewer"])
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0


def test_the_review_path_notifies_reviewer_and_editors(app, users):
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["editor"]), "proposed")
        review.request_changes(db.session, claim, "Cite the report itself.", actor=people["editor"])
        review.propose(db.session, claim, actor=people["reviewer"])
        review.approve(db.session, claim, actor=people["editor2"])
        db.session.commit()
        claim_id = claim.id
    reviewer = _notes(app, users["reviewer"].id)
    assert [n.kind for n in reviewer] == [K.CHANGES_REQUESTED, K.PUBLISHED]
    assert "Cite the report itself." in reviewer[0].message
    assert "Edna Editor approved and published" in reviewer[1].message
    # A correction drafted by one editor: every other editor and admin is told, not the drafter.
    with app.app_context():
        people = people_of(users)
        from factcheck.models import Claim

        claim = db.session.get(Claim, claim_id)
        review.draft_correction(
            db.session,
            claim,
            actor=people["editor"],
            rating_value_id=default_rating("Faux").id,
            summary="Corrigé.",
            explanation="",
            note="Le chiffre était faux.",
        )
        db.session.commit()
    for role in ("editor2", "admin"):
        assert [n.kind for n in _notes(app, users[role].id)][-1] is K.CORRECTION_PROPOSED
    assert _notes(app, users["editor"].id) == []
    with app.app_context():
        people = people_of(users)
        review.approve_correction(
            db.session, db.session.get(Claim, claim_id), actor=people["editor2"]
        )
        db.session.commit()
    [approved] = _notes(app, users["editor"].id)
    assert approved.kind is K.PUBLISHED and "approved your correction" in approved.message


def test_a_refused_change_leaves_no_notification(app, client, users):
    """Approval refused by the two-person rule: rolled back, and its notifications with it."""
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["editor"]), "proposed")
        db.session.commit()
        claim_id = claim.id
    login(client, users["reviewer"].email)
    refused = submit(client, f"/claims/{claim_id}", {}, action=f"/claims/{claim_id}/approve")
    assert refused.status_code == 403
    assert _notes(app, users["reviewer"].id) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@rita please check", ["rita"]),
        ("Ask @RitaReviewer, then @rita.reviewer.", ["ritareviewer", "rita.reviewer"]),
        ("mail rita@example.org about it", []),
        ("@@rita and @-x", []),
        ("(@edna) ok", ["edna"]),
    ],
)
def test_mentions_are_tokens_after_an_at_sign(text, expected):
    assert mentions(text) == expected


def test_mentions_name_one_active_user_or_nobody(app, users):
    with app.app_context():
        make_user("rita@other.example", Role.REVIEWER, "Rita Other")
        make_user("rita@third.example", Role.REVIEWER, "Rita Third")  # "@rita": two people
        db.session.commit()
        everyone = db.session.scalars(sa.select(User)).all()
        found = resolve(["rita", "ritareviewer", "rita_reviewer", "edna", "nobody"], everyone)
        assert {k: u.email for k, u in found.items()} == {
            "ritareviewer": "reviewer@example.org",
            "rita_reviewer": "reviewer@example.org",
        }
        assert "rita" not in found  # ambiguous: nobody
        # "edna" is the local part of no one's address and no one's whole name: nobody.
        assert "edna" not in found


def test_a_note_notifies_the_people_it_mentions(app, client, users):
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["editor"]), "in_review")
        set_active(db.session, people["reviewer2"], False, actor=people["admin"])
        db.session.commit()
        claim_id = claim.id
    login(client, users["editor"].email)
    body = "@reviewer see the table; @EdnaEditor agrees; @reviewer2 is away; @eddie.editor me"
    done = submit(client, f"/claims/{claim_id}", {"body": body}, action=f"/claims/{claim_id}/notes")
    assert done.status_code == 302
    assert [n.kind for n in _notes(app, users["reviewer"].id)] == [K.MENTIONED]
    assert [n.kind for n in _notes(app, users["editor2"].id)] == [K.MENTIONED]
    assert _notes(app, users["reviewer2"].id) == []  # deactivated
    assert _notes(app, users["editor"].id) == []  # mentioning yourself tells nobody


def test_listing_and_marking_read(app, client, users):
    claim_id = _queued(app, users)
    login(client, users["editor"].email)
    submit(
        client,
        f"/claims/{claim_id}",
        {"assignee": str(users["reviewer"].id)},
        action=f"/claims/{claim_id}/assign",
    )
    client.post("/logout", data={"csrf_token": _token(client, "/notifications")})
    with app.app_context():
        people = people_of(users)
        from factcheck.models import Claim

        article = db.session.get(Claim, claim_id).article
        second = make_claim(
            article,
            "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB.",
            people["editor"],
        )
        note_claim = walk_claim(people, second, "queued")
        review.add_note(db.session, note_claim, "@rita_reviewer regarde", actor=people["editor"])
        db.session.commit()
    login(client, users["reviewer"].email)
    page = client.get("/notifications").get_data(as_text=True)
    assert page.count('class="notification unread"') == 2
    assert re.search(r'data-count="unread">2<', page)
    listed = client.get("/notifications", headers=JSON).get_json()["notifications"]
    assert [n["kind"] for n in listed] == ["mentioned", "assigned"]
    first = listed[1]["id"]
    done = submit(client, "/notifications", {"id": str(first)}, action="/notifications/read")
    assert done.status_code == 303
    unread = client.get("/notifications?show=unread", headers=JSON).get_json()["notifications"]
    assert [n["id"] for n in unread] == [listed[0]["id"]]
    assert re.search(r'data-count="unread">1<', client.get("/queue").get_data(as_text=True))
    all_read = submit(client, "/notifications", {}, action="/notifications/read-all")
    assert all_read.status_code == 303
    assert client.get("/notifications?show=unread", headers=JSON).get_json()["notifications"] == []
    assert 'data-count="unread"' not in client.get("/queue").get_data(as_text=True)
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "notification.read")
        ).all()
        assert len(events) == 2


def _token(client, page: str) -> str:
    html = client.get(page).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_someone_elses_notification_is_404_and_stays_unread(app, client, users):
    claim_id = _queued(app, users)
    with app.app_context():
        people = people_of(users)
        from factcheck.models import Claim

        workflow.assign(
            db.session, db.session.get(Claim, claim_id), people["reviewer"], actor=people["editor"]
        )
        db.session.commit()
    [theirs] = _notes(app, users["reviewer"].id)
    login(client, users["reviewer2"].email)
    refused = submit(client, "/notifications", {"id": str(theirs.id)}, action="/notifications/read")
    assert refused.status_code == 404
    assert _notes(app, users["reviewer"].id)[0].read_at is None


@pytest.mark.parametrize("bad", ["", "abc", "-1", "9" * 40, "1 OR 1=1"])
def test_a_malformed_id_is_422_naming_the_field(app, client, users, bad):
    login(client, users["reviewer"].email)
    token = _token(client, "/notifications")
    response = client.post(
        "/notifications/read", data={"id": bad, "csrf_token": token}, headers=JSON
    )
    assert response.status_code == 422
    assert response.get_json()["field"] == "id"
