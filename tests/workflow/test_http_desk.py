"""The claim desk over HTTP, CSRF on: every refusal answers the right status and changes nothing."""

from __future__ import annotations

import itertools
import re
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from factcheck.claims import workflow
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, Source, User, Verdict
from factcheck.review import services as review
from tests.factories import default_rating, make_article, make_claim, people_of, walk_claim
from tests.helpers import login, submit

SOURCE = {
    "url": "https://www.defense.gov/News/briefing",
    "title": "Pentagon briefing",
    "publisher": "US Department of Defense",
    "date_published": "2024-11-04",
    "date_accessed": "2024-11-10",
    "excerpt": "About 10,000 North Korean soldiers are in Kursk.",
    "stance": "supports",
    "archive_url": "",
}
JSON = {"Accept": "application/json"}
_N = itertools.count()


def as_user(app: Flask, users: dict[str, Any], who: str) -> FlaskClient:
    client = app.test_client()
    login(client, users[who].email)
    return client


def make_state(app: Flask, users: dict[str, Any], state: str) -> int:
    """A claim walked by the services up to ``state``; the reviewer is its assignee."""
    with app.app_context():
        people = people_of(users)
        article = make_article(
            "Le Pentagone estime que 10 000 soldats ont été envoyés. "
            f"Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. Dépêche {next(_N)}."
        )
        claim = make_claim(article, actor=people["reviewer"])
        default_rating()  # the shipped scales
        walk_claim(
            people,
            claim,
            state,
            sources=[{**SOURCE, "date_published": None, "date_accessed": None}],
        )
        db.session.commit()
        return claim.id


def snapshot(app: Flask, claim_id: int) -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    with app.app_context():
        db.session.expire_all()
        claim = db.session.get(Claim, claim_id)
        assert claim is not None
        return {
            "claim": (
                claim.status,
                claim.version,
                claim.assignee_id,
                claim.claim_reviewed,
                claim.claimant_same_as,
                claim.dismiss_reason,
            ),
            "sources": [(s.id, s.url, s.title, s.version) for s in claim.sources],
            "verdicts": [(v.id, v.state, v.version, v.summary) for v in claim.verdicts],
            "notes": len(claim.notes),
            # A refusal appends its own ``….denied`` event and nothing else (tests/audit/
            # test_refusals.py counts those); every other event is a change.
            "audit": db.session.scalar(
                sa.select(sa.func.max(AuditEvent.seq)).where(AuditEvent.action.not_like("%.denied"))
            ),
        }


def post(client: FlaskClient, claim_id: int, action: str, data: dict[str, Any], **kw: Any) -> Any:
    """Submit like the browser: CSRF token from the desk, then POST to the action."""
    return submit(client, f"/claims/{claim_id}", data, action=f"/claims/{claim_id}/{action}", **kw)


def _flash(response: Any) -> str:
    return " ".join(re.findall(r'class="flash[^"]*">([^<]*)<', response.get_data(as_text=True)))


def _user_id(users: dict[str, Any], who: str) -> int:
    return int(users[who].id)


REFUSALS = [
    # who, state, action, data, status, message
    ("reviewer", "new", "accept", {}, 403, "only editors can accept"),
    ("reviewer", "new", "dismiss", {"reason": "opinion"}, 403, "only editors can dismiss"),
    ("reviewer", "new", "dismiss", {}, 403, "only editors can dismiss"),
    ("editor", "new", "dismiss", {"reason": "  "}, 422, "give a reason"),
    ("editor", "new", "dismiss", {"reason": "dup", "duplicate_of": "999999"}, 422, "duplicate_of"),
    ("reviewer", "queued", "reopen", {}, 403, "only editors can reopen"),
    # Who may is 403; a move the claim's state does not allow is 409, whoever asks.
    ("editor", "queued", "accept", {}, 409, "is queued; it cannot move to queued"),
    ("editor", "queued", "dismiss", {"reason": "opinion"}, 409, "cannot move to dismissed"),
    ("editor", "queued", "reopen", {}, 409, "is queued; it cannot move to new"),
    ("editor", "queued", "hand-back", {}, 409, "is queued; it cannot move to queued"),
    ("editor", "published", "assign", {"assignee": "reviewer2"}, 409, "only queued or in-review"),
    ("reviewer", "new", "take", {}, 409, "not queued"),
    ("reviewer2", "in_review", "take", {}, 409, "not queued"),
    ("reviewer2", "in_review", "sources", SOURCE, 403, "only the assigned reviewer"),
    ("reviewer2", "in_review", "hand-back", {}, 403, "only the assignee or an editor"),
    ("reviewer", "in_review", "assign", {"assignee": "reviewer2"}, 403, "only editors"),
    ("reviewer", "in_review", "sources", {**SOURCE, "url": "javascript:alert(1)"}, 422, "http"),
    ("reviewer", "in_review", "sources", {**SOURCE, "url": "data:text/html,hi"}, 422, "http"),
    ("reviewer", "in_review", "sources", {**SOURCE, "url": "ftp://x.org/a"}, 422, "http"),
    ("reviewer", "in_review", "sources", {**SOURCE, "archive_url": "javascript:x"}, 422, "http"),
    ("reviewer", "in_review", "sources", {**SOURCE, "title": ""}, 422, "give a title"),
    ("reviewer", "in_review", "sources", {**SOURCE, "title": "a\x01b"}, 422, "control char"),
    ("reviewer", "in_review", "sources", {**SOURCE, "stance": "maybe"}, 422, "stance"),
    ("reviewer", "in_review", "sources", {**SOURCE, "date_published": "yesterday"}, 422, "date"),
    (
        "reviewer",
        "in_review",
        "sources",
        {**SOURCE, "date_published": "2024-12-01", "date_accessed": "2024-11-01"},
        422,
        "before the date published",
    ),
    ("reviewer", "in_review", "propose", {"version": "0"}, 422, "at least one source"),
    ("reviewer", "sourced", "propose", {}, 422, "the form has no version"),
    ("reviewer", "sourced", "propose", {"version": "999"}, 409, "the verdict was changed since"),
    (
        "reviewer",
        "sourced",
        "propose",
        {"version": "DRAFT", "digest": "claim:0;sources:0;verdict:0;rating:0"},
        409,
        "changed since you opened the page",
    ),
    ("reviewer", "in_review", "verdict", {"rating": "999999", "version": "0"}, 422, "no rating"),
    ("reviewer", "in_review", "verdict", {"rating": "x", "version": "0"}, 422, "Rating"),
    ("reviewer2", "sourced", "propose", {}, 403, "only the assigned reviewer"),
    ("reviewer", "proposed", "approve", {}, 403, "only an editor"),
    ("reviewer2", "proposed", "approve", {}, 403, "only an editor"),
    ("editor", "sourced", "approve", {}, 409, "not awaiting approval (it is in review now)"),
    ("editor", "sourced", "request-changes", {"comment": "x"}, 409, "not awaiting approval"),
    ("editor", "published", "approve", {}, 409, "not awaiting approval (it is published now)"),
    ("reviewer", "proposed", "request-changes", {"comment": "no"}, 403, "only an editor"),
    ("editor", "proposed", "request-changes", {"comment": ""}, 422, "say what needs to change"),
    ("reviewer", "published", "correct", {"note": "x"}, 403, "only an editor"),
    (
        "editor",
        "published",
        "correct",
        {"rating": "RATING", "summary": "Nouveau résumé.", "note": ""},
        422,
        "say publicly what was corrected",
    ),
    ("reviewer", "published", "notes", {"body": ""}, 422, "write something"),
    (
        "reviewer",
        "in_review",
        "edit",
        {"claim_reviewed": "x", "claimant_same_as": "javascript:alert(1)", "version": "VERSION"},
        422,
        "http",
    ),
    ("reviewer", "in_review", "edit", {"claim_reviewed": "", "version": "VERSION"}, 422, "say"),
    ("reviewer", "in_review", "edit", {"claim_reviewed": "x"}, 422, "version"),
    (
        "editor",
        "published",
        "edit",
        {"claim_reviewed": "x", "version": "VERSION"},
        409,
        "is published, so it cannot be changed: an editor can publish a correction instead",
    ),
    (
        "reviewer2",
        "in_review",
        "edit",
        {"claim_reviewed": "x", "version": "VERSION"},
        403,
        "only the assigned reviewer, or an editor",
    ),
    ("reviewer", "proposed", "sources", SOURCE, 409, "an editor must approve it or send it back"),
    ("reviewer", "proposed", "verdict", {"rating": "RATING", "version": "0"}, 409, "awaiting"),
    ("reviewer2", "published", "sources", SOURCE, 403, "only the assigned reviewer, or an editor"),
]


@pytest.mark.parametrize(
    ("who", "state", "action", "data", "status", "message"),
    REFUSALS,
    ids=[f"{r[0]}-{r[1]}-{r[2]}-{r[4]}-{i}" for i, r in enumerate(REFUSALS)],
)
def test_refusals_answer_the_right_status_and_change_nothing(
    app, users, who, state, action, data, status, message
):
    claim_id = make_state(app, users, state)
    client = as_user(app, users, who)
    before = snapshot(app, claim_id)
    data = dict(data)
    if data.get("assignee") in users:
        data["assignee"] = str(_user_id(users, data["assignee"]))
    if data.get("version") == "VERSION":
        data["version"] = str(before["claim"][1])
    if data.get("version") == "DRAFT":
        data["version"] = str(before["verdicts"][-1][2])
    if data.get("rating") == "RATING":
        with app.app_context():
            data["rating"] = str(default_rating("Faux").id)
    response = post(client, claim_id, action, data)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:3000]
    assert message.lower() in html.lower()
    assert snapshot(app, claim_id) == before
    # HTML refusals show the desk again, with the message in the live region.
    assert 'role="status"' in html and "flash-error" in html
    # The same request as JSON gets {"error", "message", "field"}.
    response = post(client, claim_id, action, data, headers=JSON)
    body = response.get_json()
    assert response.status_code == status
    assert set(body) >= {"error", "message", "field"}
    assert body["error"] == {403: "forbidden", 409: "conflict", 422: "invalid"}[status]
    assert snapshot(app, claim_id) == before


def test_not_found_and_missing_csrf(app, users):
    client = as_user(app, users, "editor")
    assert client.get("/claims/999999").status_code == 404
    assert post(client, 999999, "accept", {}).status_code == 404
    claim_id = make_state(app, users, "new")
    before = snapshot(app, claim_id)
    assert client.post(f"/claims/{claim_id}/accept").status_code == 400  # no CSRF token
    assert snapshot(app, claim_id) == before


def test_signed_out_users_are_sent_to_sign_in(app, users):
    claim_id = make_state(app, users, "new")
    response = app.test_client().get(f"/claims/{claim_id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_editor_who_proposed_cannot_approve_two_person_rule(app, users):
    with app.app_context():
        editor = db.session.get(User, users["editor"].id)
        claim = make_claim(actor=editor)
        workflow.accept(db.session, claim, actor=editor)
        workflow.assign(db.session, claim, editor, actor=editor)
        review.add_source(
            db.session,
            claim,
            {**SOURCE, "date_published": None, "date_accessed": None},
            actor=editor,
        )
        review.save_verdict(
            db.session,
            claim,
            actor=editor,
            rating_value_id=default_rating("Vrai").id,
            summary="Oui.",
            explanation="",
        )
        review.propose(db.session, claim, actor=editor)
        db.session.commit()
        claim_id = claim.id
    client = as_user(app, users, "editor")
    html = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Approve and publish" not in html
    assert "two-person rule" in html
    before = snapshot(app, claim_id)
    response = post(client, claim_id, "approve", {})
    assert response.status_code == 403
    assert "two-person rule" in response.get_data(as_text=True)
    assert snapshot(app, claim_id) == before
    response = post(as_user(app, users, "editor2"), claim_id, "approve", {})
    assert response.status_code == 302
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.PUBLISHED


def test_two_editors_approving_at_once_one_publishes_the_other_gets_409(app, users):
    claim_id = make_state(app, users, "proposed")
    version = str(snapshot(app, claim_id)["claim"][1])
    first, second = as_user(app, users, "editor"), as_user(app, users, "editor2")
    assert post(first, claim_id, "approve", {"version": version}).status_code == 302
    published = snapshot(app, claim_id)
    assert published["claim"][0] is ClaimStatus.PUBLISHED
    stale = post(second, claim_id, "approve", {"version": version})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "was changed by someone else since you opened it" in _flash(stale)
    assert f"Request id: <code>{stale.headers['X-Request-ID']}</code>" in html
    late = post(second, claim_id, "approve", {}, headers=JSON)  # no version: the state speaks
    assert late.status_code == 409
    assert "not awaiting approval (it is published now)" in late.get_json()["message"]
    assert snapshot(app, claim_id) == published


def test_a_script_reviews_a_claim_with_json_alone(app, users):
    claim_id = make_state(app, users, "in_review")
    client = as_user(app, users, "reviewer")
    desk = client.get(f"/claims/{claim_id}", headers=JSON).get_json()
    assert desk["claim"]["status"] == "in_review" and desk["claim"]["sources"] == []
    token = desk["csrf_token"]

    def send(action: str, data: dict[str, Any]) -> Any:
        return client.post(
            f"/claims/{claim_id}/{action}", data={**data, "csrf_token": token}, headers=JSON
        )

    assert send("sources", SOURCE).status_code == 200
    with app.app_context():
        rating = default_rating("Vrai")
        rating_id, label = rating.id, rating.label
    verdict = {"rating": rating_id, "summary": "Confirmé.", "explanation": "", "version": 0}
    assert send("verdict", verdict).status_code == 200
    stale = send("verdict", {**verdict, "summary": "Autre."})  # made from version 0 again
    assert stale.status_code == 409 and stale.get_json()["error"] == "conflict"
    assert send("propose", {}).status_code == 422  # the form must say which draft it proposes
    (draft,) = client.get(f"/claims/{claim_id}", headers=JSON).get_json()["claim"]["verdicts"]
    proposed = send("propose", {"version": draft["version"], "digest": draft["digest"]})
    assert proposed.status_code == 200 and proposed.get_json()["status"] == "awaiting_approval"
    desk = client.get(f"/claims/{claim_id}", headers=JSON).get_json()["claim"]
    (source,) = desk["sources"]
    assert source["url"] == SOURCE["url"] and source["date_published"] == "2024-11-04"
    (mine,) = desk["verdicts"]
    assert (mine["state"], mine["rating"], mine["summary"]) == ("proposed", label, "Confirmé.")


def test_buttons_appear_only_to_those_who_may_use_them(app, users):
    new = make_state(app, users, "new")
    reviewer, editor = as_user(app, users, "reviewer"), as_user(app, users, "editor")
    assert "Accept into the queue" not in reviewer.get(f"/claims/{new}").get_data(as_text=True)
    html = editor.get(f"/claims/{new}").get_data(as_text=True)
    assert "Accept into the queue" in html and "Dismiss the claim" in html
    queued = make_state(app, users, "queued")
    html = reviewer.get(f"/claims/{queued}").get_data(as_text=True)
    assert "Take this claim" in html and 'name="assignee"' not in html
    assert 'name="assignee"' in editor.get(f"/claims/{queued}").get_data(as_text=True)
    in_review = make_state(app, users, "in_review")
    other = as_user(app, users, "reviewer2").get(f"/claims/{in_review}").get_data(as_text=True)
    assert "Add the source" not in other and "Hand back" not in other
    mine = reviewer.get(f"/claims/{in_review}").get_data(as_text=True)
    assert "Add the source" in mine and "Hand back to the queue" in mine
    proposed = make_state(app, users, "proposed")
    assert "Approve and publish" not in reviewer.get(f"/claims/{proposed}").get_data(as_text=True)
    assert "Approve and publish" in editor.get(f"/claims/{proposed}").get_data(as_text=True)
    published = make_state(app, users, "published")
    assert "Draft a correction" in editor.get(f"/claims/{published}").get_data(as_text=True)
    assert "Draft a correction" not in reviewer.get(f"/claims/{published}").get_data(as_text=True)


def test_the_whole_path_over_http(app, users):
    claim_id = make_state(app, users, "new")
    editor, reviewer = as_user(app, users, "editor"), as_user(app, users, "reviewer")
    assert post(editor, claim_id, "accept", {}).status_code == 302
    assert post(reviewer, claim_id, "take", {}).status_code == 302
    for url in ("https://www.defense.gov/a", "https://www.nato.int/b"):
        response = post(reviewer, claim_id, "sources", {**SOURCE, "url": url})
        assert response.status_code == 302, _flash(response)
    with app.app_context():
        rating = default_rating("Vrai").id
    response = post(
        reviewer,
        claim_id,
        "verdict",
        {"rating": rating, "summary": "Confirmé.", "explanation": "Deux sources.", "version": 0},
    )
    assert response.status_code == 302, _flash(response)
    assert post(reviewer, claim_id, "propose", propose_form(reviewer, claim_id)).status_code == 302
    assert post(reviewer, claim_id, "approve", {}).status_code == 403
    response = post(as_user(app, users, "editor2"), claim_id, "approve", {})
    assert response.status_code == 302
    html = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Vrai" in html and "published" in html and "Confirmé." in html
    with app.app_context():
        actions = list(
            db.session.scalars(
                sa.select(AuditEvent.action)
                .where(AuditEvent.action.like("claim.%") | AuditEvent.action.like("verdict.%"))
                .order_by(AuditEvent.seq)
            )
        )
    # The reviewer's refused approve is on the record as a refusal, between the changes.
    assert actions[-8:] == [
        "claim.accept",
        "claim.take",
        "verdict.draft",
        "verdict.propose",
        "claim.propose",
        "verdict.approve.denied",
        "verdict.approve",
        "claim.publish",
    ]


def test_requested_changes_reach_the_reviewer(app, users):
    claim_id = make_state(app, users, "proposed")
    response = post(
        as_user(app, users, "editor"), claim_id, "request-changes", {"comment": "Cite the DoD."}
    )
    assert response.status_code == 302
    html = as_user(app, users, "reviewer").get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Changes requested by the editor" in html and "Cite the DoD." in html
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.IN_REVIEW


def test_dismiss_and_reopen(app, users):
    claim_id = make_state(app, users, "new")
    editor = as_user(app, users, "editor")
    assert post(editor, claim_id, "dismiss", {"reason": "opinion"}).status_code == 302
    html = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Dismissed:" in html and "opinion" in html and "Reopen" in html
    assert post(editor, claim_id, "reopen", {}).status_code == 302
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.NEW


def test_assign_reassign_and_hand_back(app, users):
    claim_id = make_state(app, users, "queued")
    editor = as_user(app, users, "editor")
    reviewer2 = _user_id(users, "reviewer2")
    assert post(editor, claim_id, "assign", {"assignee": reviewer2}).status_code == 302
    assert snapshot(app, claim_id)["claim"][2] == reviewer2
    reviewer = _user_id(users, "reviewer")
    assert post(editor, claim_id, "assign", {"assignee": reviewer}).status_code == 302
    with app.app_context():
        db.session.get(User, reviewer2).active = False
        db.session.commit()
    before = snapshot(app, claim_id)
    response = post(editor, claim_id, "assign", {"assignee": reviewer2})
    assert response.status_code == 422  # deactivated users are not offered, nor accepted
    assert snapshot(app, claim_id) == before
    assert post(as_user(app, users, "reviewer"), claim_id, "hand-back", {}).status_code == 302
    assert snapshot(app, claim_id)["claim"][:3] == (
        ClaimStatus.QUEUED,
        before["claim"][1] + 1,
        None,
    )


def propose_form(client: FlaskClient, claim_id: int) -> dict[str, str]:
    """The propose form's hidden fields as the desk shows them: the draft's version and digest."""
    html = client.get(f"/claims/{claim_id}").get_data(as_text=True)
    form = html.split(f'action="/claims/{claim_id}/propose"')[1].split("</form>")[0]
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    digest = re.search(r'name="digest" type="hidden" value="([^"]+)"', form)
    assert version and digest, form[:500]
    return {"version": version.group(1), "digest": digest.group(1)}


def _version_in(html: str, form_action: str) -> str:
    form = html.split(f'action="{form_action}"')[1].split("</form>")[0]
    match = re.search(r'name="(?:[\w-]+-)?version" type="hidden" value="(\d+)"', form)
    assert match, form[:500]
    return match.group(1)


def test_stale_claim_edit_is_409_with_both_versions_and_nothing_lost(app, users):
    claim_id = make_state(app, users, "queued")
    mine, theirs = as_user(app, users, "editor"), as_user(app, users, "editor2")
    desk = mine.get(f"/claims/{claim_id}").get_data(as_text=True)
    version = _version_in(desk, f"/claims/{claim_id}/edit")
    fields = {"claimant_name": "Pentagone", "claimant_type": "Organization", "priority": "1"}
    response = post(
        theirs,
        claim_id,
        "edit",
        {**fields, "claim_reviewed": "Their wording of the claim", "version": version},
    )
    assert response.status_code == 302
    before = snapshot(app, claim_id)
    response = post(
        mine, claim_id, "edit", {**fields, "claim_reviewed": "My wording", "version": version}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved a change first" in html
    assert "My wording" in html.split('id="conflict-heading"')[1].split("</section>")[0]
    assert "Their wording of the claim" in html  # the current version, shown beside mine
    assert "My wording</textarea>" in html  # nothing lost: my text is still in the form
    assert snapshot(app, claim_id) == before
    # Saving again from the re-rendered form (now based on the current version) works.
    new_version = _version_in(html, f"/claims/{claim_id}/edit")
    assert new_version == str(before["claim"][1])
    response = post(
        mine, claim_id, "edit", {**fields, "claim_reviewed": "My wording", "version": new_version}
    )
    assert response.status_code == 302
    assert snapshot(app, claim_id)["claim"][3] == "My wording"


def test_stale_source_and_verdict_edits_are_409(app, users):
    claim_id = make_state(app, users, "sourced")
    reviewer, editor = as_user(app, users, "reviewer"), as_user(app, users, "editor")
    with app.app_context():
        source = db.session.scalar(sa.select(Source).where(Source.claim_id == claim_id))
        verdict = db.session.scalar(sa.select(Verdict).where(Verdict.claim_id == claim_id))
        source_id, source_version, verdict_version = source.id, source.version, verdict.version
        rating = default_rating("Faux").id
    prefix = f"source-{source_id}-"
    edit = {prefix + k: v for k, v in SOURCE.items()} | {prefix + "version": source_version}
    action = f"sources/{source_id}/edit"
    assert (
        post(editor, claim_id, action, {**edit, prefix + "title": "Editor’s title"}).status_code
        == 302
    )
    before = snapshot(app, claim_id)
    response = post(reviewer, claim_id, action, {**edit, prefix + "title": "Reviewer’s title"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Editor’s title" in html and "Reviewer’s title" in html
    assert snapshot(app, claim_id) == before

    verdict = {"rating": rating, "summary": "S", "explanation": "E", "version": verdict_version}
    assert post(editor, claim_id, "verdict", {**verdict, "summary": "Editor"}).status_code == 302
    before = snapshot(app, claim_id)
    response = post(reviewer, claim_id, "verdict", {**verdict, "summary": "Reviewer"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and "Reviewer</textarea>" in html and "Editor" in html
    assert snapshot(app, claim_id) == before
    # A form made before any draft existed (version 0) cannot overwrite a draft made since.
    response = post(reviewer, claim_id, "verdict", {**verdict, "version": 0})
    assert response.status_code == 409
    assert snapshot(app, claim_id) == before


def test_sources_can_be_edited_and_removed(app, users):
    claim_id = make_state(app, users, "sourced")
    reviewer = as_user(app, users, "reviewer")
    with app.app_context():
        source = db.session.scalar(sa.select(Source).where(Source.claim_id == claim_id))
        source_id, version = source.id, source.version
    prefix = f"source-{source_id}-"
    edit = {prefix + k: v for k, v in SOURCE.items()} | {prefix + "version": version}
    edit[prefix + "stance"] = "refutes"
    response = post(reviewer, claim_id, f"sources/{source_id}/edit", edit)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Source, source_id).stance.value == "refutes"
    response = post(reviewer, claim_id, f"sources/{source_id}/remove", {})
    assert response.status_code == 302
    assert snapshot(app, claim_id)["sources"] == []
    assert post(reviewer, claim_id, f"sources/{source_id}/remove", {}).status_code == 404


def test_corrections_are_listed_with_earlier_versions(app, users):
    """A correction is drafted by one editor and published only when a second one approves it."""
    claim_id = make_state(app, users, "published")
    editor, editor2 = as_user(app, users, "editor"), as_user(app, users, "editor2")
    with app.app_context():
        rating = default_rating("Plutôt vrai").id
    response = post(
        editor,
        claim_id,
        "correct",
        {
            "rating": rating,
            "summary": "Estimation révisée.",
            "explanation": "",
            "note": "Le chiffre a été précisé.",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    html = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Correction awaiting approval" in html and "Le chiffre a été précisé." in html
    assert "you drafted this correction" in html.lower()
    assert "Approve and publish the correction" not in html
    html = editor2.get(f"/claims/{claim_id}").get_data(as_text=True)
    version = _version_in(html, f"/claims/{claim_id}/correction/approve")
    before = snapshot(app, claim_id)
    response = post(editor, claim_id, "correction/approve", {"version": version})
    assert response.status_code == 403
    assert "two-person rule: you proposed this correction" in _flash(response)
    response = post(editor2, claim_id, "correction/approve", {}, headers=JSON)
    assert response.status_code == 422 and response.get_json()["field"] == "version"
    assert snapshot(app, claim_id) == before
    response = post(editor2, claim_id, "correction/approve", {"version": version})
    assert response.status_code == 302, _flash(response)
    html = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Corrections" in html and "Le chiffre a été précisé." in html
    assert "Earlier versions" in html and "Le Pentagone l&#39;a bien estimé." in html
    assert "Plutôt vrai" in html and "Correction awaiting approval" not in html


def test_notes_thread(app, users):
    claim_id = make_state(app, users, "in_review")
    response = post(as_user(app, users, "reviewer2"), claim_id, "notes", {"body": "Voir l'AFP."})
    assert response.status_code == 302
    html = as_user(app, users, "editor").get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Voir l&#39;AFP." in html and "Rob Reviewer" in html


def test_desk_shows_context_counter_and_wording_warning(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    html = reviewer.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert '<mark class="claim">Le Pentagone estime' in html
    assert "characters · under 75 recommended" in html
    long = "Le Pentagone estime que 10 000 soldats nord-coréens ont été envoyés dans la région"
    version = snapshot(app, claim_id)["claim"][1]
    response = post(
        reviewer, claim_id, "edit", {"claim_reviewed": long, "priority": 0, "version": version}
    )
    assert response.status_code == 302
    html = reviewer.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert f"{len(long) - 75} too many" in html
    response = post(
        reviewer,
        claim_id,
        "edit",
        {"claim_reviewed": "C'est faux : 10 000 soldats", "priority": 0, "version": version + 1},
    )
    assert response.status_code == 302
    html = reviewer.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "The wording contains the rating “Faux”" in html


def test_claim_fields_are_saved(app, users):
    claim_id = make_state(app, users, "new")
    editor = as_user(app, users, "editor")
    version = snapshot(app, claim_id)["claim"][1]
    response = post(
        editor,
        claim_id,
        "edit",
        {
            "claim_reviewed": "10 000 soldats nord-coréens envoyés à Koursk",
            "claimant_name": "Pentagone",
            "claimant_type": "Organization",
            "claimant_same_as": "https://www.wikidata.org/wiki/Q11208",
            "claim_date": "2024-11-04",
            "appearance_url": "https://example.org/article",
            "appearance_headline": "Rutte",
            "priority": "2",
            "version": version,
        },
    )
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.claim_date == date(2024, 11, 4)
        assert claim.priority == 2 and claim.claimant_type.value == "Organization"


def test_a_stale_propose_is_409_and_nothing_is_published(app, users):
    """The reviewer rates “Faux”; an editor turns the draft into “Vrai”; the reviewer proposes
    from the stale page; the same editor approves. Nothing may be published."""
    claim_id = make_state(app, users, "in_review")
    reviewer, editor = as_user(app, users, "reviewer"), as_user(app, users, "editor")
    with app.app_context():
        faux, vrai = default_rating("Faux").id, default_rating("Vrai").id
    post(reviewer, claim_id, "sources", SOURCE)
    text = {"summary": "Le rapport dit le contraire.", "explanation": ""}
    response = post(reviewer, claim_id, "verdict", {**text, "rating": faux, "version": 0})
    assert response.status_code == 302, _flash(response)
    stale_page = propose_form(reviewer, claim_id)  # the reviewer's page, Faux

    editor_page = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    version = _version_in(editor_page, f"/claims/{claim_id}/verdict")
    response = post(editor, claim_id, "verdict", {**text, "rating": vrai, "version": version})
    assert response.status_code == 302, _flash(response)

    before = snapshot(app, claim_id)
    response = post(reviewer, claim_id, "propose", stale_page)
    assert response.status_code == 409
    assert "the verdict was changed since you opened the page" in _flash(response)
    assert "last edited by Eddie Editor" in _flash(response)
    response = post(reviewer, claim_id, "propose", stale_page, headers=JSON)
    assert response.status_code == 409 and response.get_json()["field"] == "verdict"
    assert snapshot(app, claim_id) == before

    response = post(editor, claim_id, "approve", {"version": str(before["claim"][1])})
    assert response.status_code == 409
    assert "not awaiting approval (it is in review now)" in _flash(response)
    assert snapshot(app, claim_id) == before
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.status is ClaimStatus.IN_REVIEW and claim.published_verdict_id is None
        assert all(v.state.value in ("draft", "proposed") for v in claim.verdicts)
    assert app.test_client().get("/claimreview.json").get_json()["dataFeedElement"] == []

    # Proposing again from a fresh page works; the editor who wrote “Vrai” still cannot approve.
    response = post(reviewer, claim_id, "propose", propose_form(reviewer, claim_id))
    assert response.status_code == 302, _flash(response)
    html = editor.get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "Approve and publish" not in html and "You wrote this verdict" in html
    version = str(snapshot(app, claim_id)["claim"][1])
    response = post(editor, claim_id, "approve", {"version": version})
    assert response.status_code == 403
    assert "two-person rule: you wrote this verdict" in _flash(response)
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.AWAITING_APPROVAL
    response = post(as_user(app, users, "editor2"), claim_id, "approve", {"version": version})
    assert response.status_code == 302
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.PUBLISHED


def test_an_edit_after_proposing_makes_approval_409_naming_it(app, users):
    """A rating relabelled by an admin after the proposal: the proposal is no longer what it was."""
    claim_id = make_state(app, users, "proposed")
    admin = as_user(app, users, "admin")
    with app.app_context():
        rating = default_rating("Vrai")
        scale_id, value_id = rating.scale_id, rating.id
    response = submit(
        admin,
        f"/admin/scales/{scale_id}/values/{value_id}",
        {"label": "Exact", "value": "5", "definition": "Tout est exact."},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    editor2 = as_user(app, users, "editor2")
    before = snapshot(app, claim_id)
    response = post(editor2, claim_id, "approve", {"version": before["claim"][1]})
    assert response.status_code == 409
    assert "the rating on its scale" in _flash(response)
    assert "send it back to be checked and proposed again" in _flash(response)
    assert snapshot(app, claim_id) == before


def test_the_desk_reads_the_claims_collections_as_its_lazy_loads_would(app, users):
    """claims.desk.load_collections: the same rows in the same order, read in the request's
    transaction (what another session committed meanwhile included)."""
    from factcheck.claims.desk import load_claim, load_collections
    from factcheck.models import SnapshotStatus, SourceSnapshot
    from tests.factories import NATO_SOURCE

    with app.app_context():
        people = people_of(users)
        claim = make_claim(make_article(), actor=people["reviewer"])
        second = {**NATO_SOURCE, "url": NATO_SOURCE["url"] + "?2"}
        walk_claim(people, claim, "sourced", sources=[NATO_SOURCE, second])
        review.add_note(db.session, claim, "first", actor=people["reviewer"])
        first = claim.sources[0]
        for n in range(2):  # the second source keeps what adding it gave it
            db.session.add(
                SourceSnapshot(
                    source=first, url=first.url, status=SnapshotStatus.FAILED, error=str(n)
                )
            )
        db.session.commit()
        claim_id = claim.id
        db.session.remove()

        fresh = db.session.get(Claim, claim_id)
        lazily = (
            [s.id for s in fresh.sources],
            [v.id for v in fresh.verdicts],
            [n.id for n in fresh.notes],
            [[snapshot.id for snapshot in s.snapshots] for s in fresh.sources],
        )
        assert len(lazily[3][0]) >= 2
        db.session.remove()
        with app.app_context():  # another session adds a note and commits
            review.add_note(
                db.session,
                db.session.get(Claim, claim_id),
                "second",
                actor=people_of(users)["reviewer"],
            )
            db.session.commit()
        claim = db.session.get(Claim, claim_id)
        load_collections(claim)
        assert [s.id for s in claim.sources] == lazily[0] and len(lazily[0]) == 2
        assert [v.id for v in claim.verdicts] == lazily[1] and lazily[1]
        assert [n.body for n in claim.notes] == ["first", "second"]
        assert claim.notes[0].id == lazily[2][0]
        assert [[snapshot.id for snapshot in s.snapshots] for s in claim.sources] == lazily[3]

        db.session.remove()

        claim = load_claim(claim_id, page=True)  # the page's claim, its notes and verdicts joined
        assert not {"notes", "verdicts"} & sa.inspect(claim).unloaded
        assert [n.body for n in claim.notes] == ["first", "second"]
        assert [v.id for v in claim.verdicts] == lazily[1]
        db.session.rollback()
