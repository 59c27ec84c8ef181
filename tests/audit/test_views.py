"""The /audit page, the Verify now button and the history timeline on article and claim pages."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from factcheck.audit.history import action_words, history_for, show_value
from factcheck.extensions import db
from factcheck.models import AuditEvent
from tests.audit.chains import triggers_lifted
from tests.factories import make_claim
from tests.helpers import login, submit


def seqs(html: str) -> list[int]:
    return [int(s) for s in re.findall(r'<td class="audit-seq">(\d+)</td>', html)]


def test_only_editors_and_admins_see_the_trail(client, users):
    assert client.get("/audit").status_code == 302  # sign in first
    login(client, users["reviewer"].email)
    assert client.get("/audit").status_code == 403
    assert client.post("/audit/verify").status_code in (400, 403)


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_events_are_listed_newest_first(client, users, who):
    login(client, users[who].email)
    response = client.get("/audit")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    listed = seqs(html)
    assert listed == sorted(listed, reverse=True) and listed[0] == 6  # 5 users + this sign-in
    assert "Verify now" in html and 'name="csrf_token"' in html
    assert ">Audit<" in html  # in the navigation


def test_filters(app, editor_client, users):
    with app.app_context():
        make_claim()
        db.session.commit()
    page = lambda q: seqs(editor_client.get("/audit" + q).get_data(as_text=True))  # noqa: E731
    with app.app_context():
        creates = [
            e.seq
            for e in db.session.scalars(
                sa.select(AuditEvent)
                .where(AuditEvent.action == "user.create")
                .order_by(AuditEvent.seq.desc())
            )
        ]
    assert page("?action=user.create") == creates
    assert page("?entity_type=claim") and all(s not in creates for s in page("?entity_type=claim"))
    assert page("?entity_type=user&entity_id=" + str(users["editor2"].id)) == [3]
    assert page("?actor=editor%40example") == [6]  # the editor's own sign-in
    assert page("?since=2000-01-01&until=2000-01-02") == []
    assert len(page("?since=2000-01-01")) == len(page(""))
    bad = editor_client.get("/audit?since=not-a-date")
    assert bad.status_code == 400 and "Not a valid date" in bad.get_data(as_text=True)


def test_pages(app, editor_client):
    app.config["PAGE_SIZE"] = 2
    html = editor_client.get("/audit").get_data(as_text=True)
    assert seqs(html) == [6, 5]
    older = re.search(r'href="(/audit\?before=\d+[^"]*)"', html).group(1)
    html = editor_client.get(older.replace("&amp;", "&")).get_data(as_text=True)
    assert seqs(html) == [4, 3]
    newer = re.search(r'href="(/audit\?after=\d+[^"]*)"', html).group(1)
    assert seqs(editor_client.get(newer.replace("&amp;", "&")).get_data(as_text=True)) == [6, 5]
    filtered = editor_client.get("/audit?action=user.create").get_data(as_text=True)
    assert "action=user.create" in re.search(r'href="(/audit\?before=[^"]*)"', filtered).group(1)


def test_verify_now_shows_the_result(app, editor_client):
    response = submit(editor_client, "/audit", {}, action="/audit/verify", follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "OK: 6 events verified" in html
    with triggers_lifted(app) as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq = 2")
    response = submit(editor_client, "/audit", {}, action="/audit/verify", follow_redirects=True)
    assert "FAILED at seq 2: event 2 is missing" in response.get_data(as_text=True)


def test_article_and_claim_pages_show_the_timeline(app, editor_client, users):
    with app.app_context():
        claim = make_claim()
        db.session.commit()
        article_id, claim_id = claim.article_id, claim.id
    submit(editor_client, f"/claims/{claim_id}", {}, action=f"/claims/{claim_id}/accept")
    html = editor_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert 'class="timeline-list"' in html and "ingested the article" in html
    html = editor_client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "created the claim" in html
    assert "accepted the claim into the queue" in html
    # Before and after are said in words (issue 17: real text, not an aria-label on del/ins).
    assert re.search(
        r'status</span>:\s*<span class="visually-hidden">before</span> <del>new</del>'
        r' <span aria-hidden="true">→</span>\s*<span class="visually-hidden">after</span>'
        r" <ins>queued</ins>",
        html,
    )


def test_history_for_in_words(app, users):
    with app.app_context():
        claim = make_claim()
        db.session.commit()
        entries = history_for("claim", claim.id)
        assert [e.action for e in entries] == ["claim.create"]
        created = entries[0]
        assert created.created and created.words == "created the claim"
        assert {c.field for c in created.changes} >= {"text", "status"}
        assert all(c.after != "—" for c in created.changes)  # null fields are left out
        assert history_for("claim", 999999) == []
    assert action_words("source.add") == "added a source"
    assert action_words("widget.frobnicate_all") == "frobnicate all (widget)"
    assert show_value(None) == "—" and show_value(["a"]) == '["a"]'
    assert show_value("x" * 500).endswith("…") and len(show_value("x" * 500)) == 160


def test_the_timeline_names_the_same_whether_its_rows_were_read_or_not(app, users):
    """history_for takes the names of users, ratings and articles this transaction has read
    (no statement for them) and reads the others: the timeline is the same either way, and a
    name changed and committed since is read anew in the next transaction."""
    from factcheck.models import Claim, User
    from tests.factories import people_of, walk_claim

    def shown(claim_id: int) -> list[tuple[str, list[tuple[str, str, str]]]]:
        return [
            (e.actor, [(c.field, c.before, c.after) for c in e.changes])
            for e in history_for("claim", claim_id)
        ]

    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["reviewer"]), "in_review")
        db.session.commit()
        claim_id, editor_id = claim.id, people["editor"].id
        db.session.remove()
        cold = shown(claim_id)  # nothing read yet: every name from the statement
        db.session.remove()
        claim = db.session.get(Claim, claim_id)
        for user in users.values():
            db.session.get(User, user.id)
        claim.article.title  # noqa: B018 - read in this transaction
        warm = shown(claim_id)  # every name from the rows already read
        assert warm == cold
        assert any(who == people["editor"].display_name for who, _ in cold)
        db.session.remove()
        with app.app_context():  # renamed elsewhere
            db.session.get(User, editor_id).display_name = "Renamed Editor"
            db.session.commit()
        assert any(who == "Renamed Editor" for who, _ in shown(claim_id))
        db.session.rollback()
