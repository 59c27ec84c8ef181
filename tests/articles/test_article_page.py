"""The article page: highlighted claims, accept / dismiss for editors, claims added by hand."""

from __future__ import annotations

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus
from tests.factories import make_article, make_claim
from tests.helpers import submit


def _setup(app):
    with app.app_context():
        article = make_article()
        claim = make_claim(article)
        db.session.commit()
        return article.id, claim.id


def test_editor_accepts_and_dismisses_from_the_article_page(app, editor_client, users):
    article_id, claim_id = _setup(app)
    page = f"/articles/{article_id}"
    html = editor_client.get(page).get_data(as_text=True)
    assert "Accept into queue" in html and f'id="claim-{claim_id}"' in html
    response = submit(editor_client, page, {}, action=f"{page}/claims/{claim_id}/accept")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Claim, claim_id).status is ClaimStatus.QUEUED
    # A second accept is a move outside the workflow: a conflict with the state, nothing changes.
    response = submit(editor_client, page, {}, action=f"{page}/claims/{claim_id}/accept")
    assert response.status_code == 409
    assert "is queued; it cannot move to queued" in response.get_data(as_text=True)


def test_dismiss_needs_a_reason(app, editor_client):
    article_id, claim_id = _setup(app)
    page = f"/articles/{article_id}"
    response = submit(
        editor_client, page, {"reason": " "}, action=f"{page}/claims/{claim_id}/dismiss"
    )
    assert response.status_code == 422
    assert "reason is required" in response.get_data(as_text=True)
    response = submit(
        editor_client,
        page,
        {"reason": "Opinion, not a fact"},
        action=f"{page}/claims/{claim_id}/dismiss",
    )
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert (
            claim.status is ClaimStatus.DISMISSED and claim.dismiss_reason == "Opinion, not a fact"
        )


def _counts() -> tuple[int, int]:
    """(changes, refusals) recorded in the audit trail so far."""
    denied = AuditEvent.action.like("%.denied")
    total = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)))
    refusals = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)).where(denied))
    return int(total or 0) - int(refusals or 0), int(refusals or 0)


def test_reviewer_sees_no_triage_buttons_and_is_refused(app, reviewer_client):
    article_id, claim_id = _setup(app)
    page = f"/articles/{article_id}"
    assert "Accept into queue" not in reviewer_client.get(page).get_data(as_text=True)
    with app.app_context():
        events = _counts()
    response = submit(reviewer_client, page, {}, action=f"{page}/claims/{claim_id}/accept")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Claim, claim_id).status is ClaimStatus.NEW
        # No change recorded; the refusal is, once.
        assert _counts() == (events[0], events[1] + 1)


def test_any_user_adds_a_claim_by_pasting_a_passage(app, reviewer_client):
    article_id, _ = _setup(app)
    page = f"/articles/{article_id}"
    passage = "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB."
    response = submit(reviewer_client, page, {"text": passage}, action=f"{page}/claims")
    assert response.status_code == 302
    with app.app_context():
        claim = db.session.scalar(sa.select(Claim).where(Claim.text == passage))
        assert claim.article.body[claim.start_offset : claim.end_offset] == passage
        assert claim.status is ClaimStatus.NEW
    response = submit(
        reviewer_client, page, {"text": "Pas dans l'article."}, action=f"{page}/claims"
    )
    assert response.status_code == 422
    assert "does not appear in the article" in response.get_data(as_text=True)


def test_unknown_claim_or_article_is_404(app, editor_client):
    article_id, _claim_id = _setup(app)
    assert editor_client.get("/articles/999").status_code == 404
    response = submit(
        editor_client,
        f"/articles/{article_id}",
        {},
        action=f"/articles/{article_id}/claims/999/accept",
    )
    assert response.status_code == 404


def test_api_clients_add_a_claim_and_get_json_back(app, reviewer_client):
    article_id, _ = _setup(app)
    page = f"/articles/{article_id}"
    json_only = {"Accept": "application/json"}
    passage = "Un rapport montre que 23 des 32 membres dépensent 2 % du PIB."
    response = submit(
        reviewer_client, page, {"text": passage}, action=f"{page}/claims", headers=json_only
    )
    assert response.status_code == 201
    claim = response.get_json()["claim"]
    assert claim["claim_reviewed"] == passage and claim["article_id"] == article_id
    assert claim["status"] == "new"
    with app.app_context():
        events = _counts()
    accepted = submit(
        reviewer_client, page, {}, action=f"{page}/claims/{claim['id']}/accept", headers=json_only
    )
    assert accepted.status_code == 403 and accepted.get_json()["error"] == "forbidden"
    for text, message in (("Pas dans l'article.", "does not appear in the article"), ("", "")):
        refused = submit(
            reviewer_client, page, {"text": text}, action=f"{page}/claims", headers=json_only
        )
        assert refused.status_code == 422 and refused.is_json
        body = refused.get_json()
        assert body["field"] == "text" and message in body["message"]
        assert body["request_id"] == refused.headers["X-Request-ID"]
    with app.app_context():
        assert _counts() == (events[0], events[1] + 3)  # three refusals, no change


def test_a_refused_passage_keeps_what_was_typed_and_shows_the_request_id(app, reviewer_client):
    article_id, _ = _setup(app)
    page = f"/articles/{article_id}"
    response = submit(
        reviewer_client, page, {"text": "Pas dans l'article."}, action=f"{page}/claims"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Pas dans l&#39;article." in html
    assert f"Request id: <code>{response.headers['X-Request-ID']}</code>" in html


def test_editors_triage_from_scripts_with_json(app, editor_client):
    article_id, claim_id = _setup(app)
    page = f"/articles/{article_id}"
    json_only = {"Accept": "application/json"}
    accept = f"{page}/claims/{claim_id}/accept"
    response = submit(editor_client, page, {}, action=accept, headers=json_only)
    assert response.status_code == 200
    assert response.get_json()["claim"]["status"] == "queued"
    again = submit(editor_client, page, {}, action=accept, headers=json_only)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"


def test_claims_sort_and_filter_by_score(app, reviewer_client):
    with app.app_context():
        article = make_article(
            body="Un premier fait: 10 000 soldats. Un deuxième fait: 2 % du PIB. "
            "Un troisième fait: 23 des 32 membres."
        )
        first = make_claim(article, "Un premier fait: 10 000 soldats.")
        second = make_claim(article, "Un deuxième fait: 2 % du PIB.")
        by_hand = make_claim(article, "Un troisième fait: 23 des 32 membres.")
        first.score, second.score = 0.41, 0.87
        db.session.commit()
        ids = (first.id, second.id, by_hand.id)
        page = f"/articles/{article.id}"

    def cards(query: str) -> list[int]:
        html = reviewer_client.get(page + query).get_data(as_text=True)
        return [
            i
            for _, i in sorted(
                (html.index(f'id="card-{i}"'), i) for i in ids if f'id="card-{i}"' in html
            )
        ]

    # Highest score first; the claim added by hand (no score) after the scored ones.
    assert cards("") == [ids[1], ids[0], ids[2]]
    assert cards("?sort=position") == [ids[0], ids[1], ids[2]]
    assert cards("?min_score=0.5") == [ids[1]]
    assert cards("?sort=position&min_score=0.4") == [ids[0], ids[1]]
    response = reviewer_client.get(page + "?min_score=2")
    assert response.status_code == 200
    assert "min_score must be a number from 0 to 1" in response.get_data(as_text=True)
    assert "sort must be one of: score, position" in reviewer_client.get(
        page + "?sort=loud"
    ).get_data(as_text=True)
