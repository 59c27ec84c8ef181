"""My work: what needs me now, the landing page after sign-in, and the counts in the header."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import g

from factcheck.claims import workflow
from factcheck.extensions import db
from factcheck.inbox import services
from factcheck.models import AuditEvent, Claim, User
from factcheck.review import services as review
from tests.factories import default_rating, make_article, make_claim, people_of, walk_claim
from tests.helpers import login, submit
from tests.inbox.sqlcount import statements


def _count_badge(html: str, name: str) -> int:
    match = re.search(rf'data-count="{name}">(\d+)<', html)
    return int(match.group(1)) if match else 0


def test_signing_in_lands_on_my_work(client, users):
    response = login(client, users["reviewer"].email)
    assert response.headers["Location"] == "/my-work"
    page = client.get("/my-work")
    assert page.status_code == 200
    assert "<h1>My work</h1>" in page.get_data(as_text=True)


def test_a_next_target_still_wins_over_the_landing_page(client, users):
    response = submit(
        client,
        "/login?next=/queue",
        {
            "email": users["editor"].email,
            "password": "correct horse battery staple",
            "next": "/queue",
        },
        action="/login",
    )
    assert response.headers["Location"] == "/queue"


def _setup(app, users):
    """Claims in every section: held, changes requested, proposals (approvable or not), new."""
    with app.app_context():
        people = people_of(users)
        article = make_article(
            "Le Pentagone estime que 10 000 soldats ont été envoyés. "
            "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. "
            "La France a dépensé 50 milliards en 2024. "
            "Le chômage a baissé de 3 % en un an. "
            "Le déficit atteint 5 % du PIB selon l'Insee."
        )
        sentences = [s.strip() + "." for s in article.body.split(".") if s.strip()]
        held = walk_claim(people, make_claim(article, sentences[0], people["editor"]), "in_review")
        sent_back = walk_claim(
            people, make_claim(article, sentences[1], people["editor"]), "proposed"
        )
        review.request_changes(db.session, sent_back, "Add the NATO table.", actor=people["editor"])
        proposed = walk_claim(
            people, make_claim(article, sentences[2], people["editor"]), "proposed"
        )
        # The editor rewrote this draft before it was proposed: the two-person rule keeps it
        # off the editor's list (but on editor2's).
        written = walk_claim(people, make_claim(article, sentences[3], people["editor"]), "sourced")
        review.save_verdict(
            db.session,
            written,
            actor=people["editor"],
            rating_value_id=default_rating("Faux").id,
            summary="Réécrit par l'éditeur.",
            explanation="",
        )
        review.propose(db.session, written, actor=people["reviewer"])
        fresh = make_claim(article, sentences[4], people["editor"])
        db.session.commit()
        return {
            "held": held.id,
            "sent_back": sent_back.id,
            "proposed": proposed.id,
            "written": written.id,
            "fresh": fresh.id,
        }


def test_my_work_lists_what_needs_the_reviewer(app, client, users):
    ids = _setup(app, users)
    login(client, users["reviewer"].email)
    data = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert data["changes_requested"] == [ids["sent_back"]]
    assert set(data["held"]) == {ids["held"], ids["proposed"], ids["written"]}
    assert data["to_approve"] == []  # reviewers approve nothing
    assert ids["fresh"] in data["new"]
    assert data["counts"]["held"] == 4 and data["counts"]["changes_requested"] == 1
    html = client.get("/my-work").get_data(as_text=True)
    assert "Add the NATO table." in html
    assert "Awaiting your approval" not in html


def test_proposals_awaiting_approval_respect_the_two_person_rule(app, client, users):
    ids = _setup(app, users)
    login(client, users["editor"].email)
    mine = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert [row["claim_id"] for row in mine["to_approve"]] == [ids["proposed"]]
    assert mine["counts"]["to_approve"] == 1
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, users["editor2"].email)
    theirs = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert {row["claim_id"] for row in theirs["to_approve"]} == {ids["proposed"], ids["written"]}
    assert theirs["counts"]["to_approve"] == 2
    # The list and the count agree with the policy predicate the approve button asks.
    with app.app_context():
        from factcheck.claims import policy

        editor = db.session.get(User, users["editor"].id)
        for claim_id in (ids["proposed"], ids["written"]):
            claim = db.session.get(Claim, claim_id)
            listed = claim_id in [row["claim_id"] for row in mine["to_approve"]]
            assert policy.can_decide(editor, claim) is listed


def _token(client) -> str:
    html = client.get("/my-work").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def test_the_header_counts_come_from_one_query(app, client, users):
    ids = _setup(app, users)
    with app.app_context():
        for role, expected in (("reviewer", 4), ("editor2", 2)):
            user = db.session.get(User, users[role].id)
            with statements(db.engine) as seen:
                counts = services.counts(db.session, user)
            assert len(seen) == 1, seen
            if role == "reviewer":
                assert counts.held == expected
            else:
                assert counts.to_approve == expected
    login(client, users["editor2"].email)
    html = client.get("/articles").get_data(as_text=True)
    with app.app_context():
        editor2 = db.session.get(User, users["editor2"].id)
        counts = services.counts(db.session, editor2)
    assert _count_badge(html, "my-work") == counts.my_work == counts.to_approve + counts.new
    assert counts.new >= 1 and ids["fresh"]


def test_new_since_i_last_looked_follows_the_marker(app, client, users):
    with app.app_context():
        first = make_claim(actor=db.session.get(User, users["editor"].id))
        db.session.commit()
        first_id = first.id
    login(client, users["reviewer"].email)
    before = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert first_id in before["new"]
    # Looking changes nothing: only the button moves the marker.
    again = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert again["new"] == before["new"]
    done = submit(client, "/my-work", {}, action="/my-work/seen")
    assert done.status_code == 303
    after = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert after["new"] == [] and after["counts"]["new"] == 0
    with app.app_context():
        article = make_article(
            "Un autre article dit que 40 % des votants ont voté. Fin", title="Autre"
        )
        second = make_claim(article, actor=db.session.get(User, users["editor"].id))
        db.session.commit()
        second_id = second.id
        seen_event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.action == "inbox.seen")
        )
        assert seen_event is not None and seen_event.actor_id == users["reviewer"].id
    later = client.get("/my-work", headers={"Accept": "application/json"}).get_json()
    assert later["new"] == [second_id]
    # Other people's markers are their own.
    with app.app_context():
        editor = db.session.get(User, users["editor"].id)
        assert editor.claims_seen_at is None
        assert services.counts(db.session, editor).new == 2


def test_taken_claims_leave_new(app, users):
    with app.app_context():
        people = people_of(users)
        claim = make_claim(actor=people["editor"])
        workflow.accept(db.session, claim, actor=people["editor"])
        db.session.commit()
        assert services.counts(db.session, people["reviewer"]).new == 1
        workflow.take(db.session, claim, actor=people["reviewer"])
        db.session.commit()
        counts = services.counts(db.session, people["reviewer"])
        assert counts.new == 0 and counts.held == 1


def test_new_for_someone_who_never_looked_is_fresh_within_the_transaction(app, users):
    """The count of a user who never looked comes from the kept counts per status: a change is
    seen by the next count of the same transaction, before any commit, and agrees with a count
    of the claims themselves."""
    with app.app_context():
        people = people_of(users)
        claim = make_claim(actor=people["editor"])
        workflow.accept(db.session, claim, actor=people["editor"])
        db.session.flush()
        reviewer = people["reviewer"]
        assert reviewer.claims_seen_at is None

        def counted() -> int:
            return db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Claim)
                .where(Claim.status.in_(services.FRESH))
            )

        before = services.counts(db.session, reviewer).new
        assert before == counted() >= 1
        workflow.take(db.session, claim, actor=reviewer)
        db.session.flush()
        assert services.counts(db.session, reviewer).new == counted() == before - 1
        db.session.rollback()


def test_held_is_fresh_within_the_transaction_whoever_writes(app, users):
    """ "Held" (in review or awaiting approval, assigned to me) comes from the counts kept per
    assignee and status: taking, a bulk ``UPDATE`` that hands the claim to someone else and a
    rollback are each seen by the next count, and it agrees with a count of the claims."""
    with app.app_context():
        people = people_of(users)
        reviewer = people["reviewer"]

        def counted(user: User) -> int:
            return db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Claim)
                .where(Claim.assignee_id == user.id, Claim.status.in_(services.HELD))
            )

        claim = make_claim(actor=people["editor"])
        workflow.accept(db.session, claim, actor=people["editor"])
        db.session.commit()
        assert services.counts(db.session, reviewer).held == counted(reviewer) == 0
        workflow.take(db.session, claim, actor=reviewer)
        db.session.flush()
        assert services.counts(db.session, reviewer).held == counted(reviewer) == 1
        db.session.execute(
            sa.update(Claim).where(Claim.id == claim.id).values(assignee_id=people["editor"].id)
        )
        assert services.counts(db.session, reviewer).held == counted(reviewer) == 0
        assert services.counts(db.session, people["editor"]).held == counted(people["editor"]) == 1
        db.session.rollback()
        assert services.counts(db.session, reviewer).held == counted(reviewer) == 0
        assert services.counts(db.session, people["editor"]).held == 0


def test_the_desk_reads_the_header_counts_with_the_memorys_stamp(app, client, users):
    """The claim desk reads the header's counts and the fact-check memory's stamp in one
    statement (claims.desk.page_counts): the same counts as services.counts, for an editor and
    a reviewer, and the same stamp as the memory reads on its own."""
    from factcheck.claims.desk import page_counts
    from factcheck.memory import index

    ids = _setup(app, users)
    with app.app_context():  # a published claim: the stamp's latest change is a time
        walk_claim(people_of(users), make_claim(actor=people_of(users)["editor"]), "published")
        db.session.commit()
    for role in ("reviewer", "editor2"):
        client = app.test_client()
        login(client, users[role].email)
        html = client.get(f"/claims/{ids['held']}").get_data(as_text=True)
        with app.test_request_context():
            me = db.session.get(User, users[role].id)
            expected = services.counts(db.session, me)
            with statements(db.engine) as seen:
                stamp = page_counts(me)
            assert len(seen) == 1, seen
            assert g.inbox_counts == expected
            assert index._stamp(db.session, stamp) == index._stamp(db.session)
            assert stamp[3] is not None
        assert _count_badge(html, "my-work") == expected.my_work > 0
