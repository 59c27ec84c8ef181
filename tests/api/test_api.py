"""The REST API over real HTTP (the app's test client) on SQLite and PostgreSQL: the same
services, policies and workflow as the pages, every write attributed to the token's user."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus
from tests.api.conftest import bearer, make_token
from tests.articles.test_ingest import PAGE
from tests.conftest import make_app
from tests.dbutil import wipe
from tests.factories import default_rating, make_article, make_claim, people_of
from tests.fetching.servers import page, serve

TEXT = (
    "Le Pentagone estime que 10 000 soldats nord-coréens ont été envoyés dans la région de "
    "Koursk. Un rapport publié en juin montre que 23 des 32 membres de l'OTAN consacrent au "
    "moins 2 % de leur PIB à la défense."
)


def _new_claims(app, users, n=1):
    with app.app_context():
        people = people_of(users)
        default_rating()
        article = make_article()
        passages = article.body.split(". ")
        ids = [
            make_claim(article, passages[i % 2].rstrip(".") + ".", people["editor"]).id
            for i in range(min(n, 2))
        ]
        for i in range(2, n):
            body = f"Le ministre affirme que {i} écoles ont fermé en {2000 + i}."
            other = make_article(body=body, title=f"Article {i}")
            ids.append(make_claim(other, body, people["editor"]).id)
        db.session.commit()
        return ids


def _events(app, **where):
    with app.app_context():
        query = sa.select(AuditEvent).order_by(AuditEvent.seq)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(db.session.scalars(query))


def test_an_article_sent_as_text_is_stored_once_with_its_claims(app, client, token_for):
    editor = token_for("editor", "read", "ingest")
    response = client.post(
        "/api/v1/articles", json={"text": TEXT, "language": "fr"}, headers=editor
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    article = response.get_json()["article"]
    assert response.headers["Location"].endswith(f"/api/v1/articles/{article['id']}")
    assert article["language"] == "fr" and article["claims"], article
    again = client.post("/api/v1/articles", json={"text": TEXT, "language": "fr"}, headers=editor)
    assert again.status_code == 200 and again.get_json()["created"] is False
    assert again.get_json()["article"]["id"] == article["id"]
    shown = client.get(f"/api/v1/articles/{article['id']}", headers=editor).get_json()
    assert [c["id"] for c in shown["claims"]] == [c["id"] for c in article["claims"]]
    listed = client.get("/api/v1/articles", headers=editor).get_json()
    assert [a["id"] for a in listed["articles"]] == [article["id"]]
    claims = client.get(f"/api/v1/claims?article_id={article['id']}", headers=editor).get_json()
    assert "claims" in claims, claims
    assert {c["id"] for c in claims["claims"]} == {c["id"] for c in article["claims"]}
    (ingest,) = _events(app, action="article.ingest")
    body = json.loads(ingest.body)
    assert ingest.actor == "editor@example.org" and body["data"]["api_token_id"]


def test_neither_text_nor_url_or_both_is_422(client, token_for):
    editor = token_for("editor", "ingest")
    for body in ({}, {"text": "  "}, {"text": TEXT, "url": "https://example.org/a"}):
        response = client.post("/api/v1/articles", json=body, headers=editor)
        assert response.status_code == 422 and response.get_json()["field"] == "text"


@pytest.fixture
def intranet_app(backend):
    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2", FETCH_DEADLINE=3.0)
    yield app
    wipe(app)


def test_an_article_sent_as_a_url_is_fetched_by_the_ingest_job(intranet_app, backend):
    from tests.factories import make_users

    users = make_users(intranet_app)
    client = intranet_app.test_client()
    headers = bearer(make_token(intranet_app, users["editor"].email, ["read", "ingest"]))
    with serve("127.0.0.2", {"/a.html": page(PAGE)}) as site:
        response = client.post(
            "/api/v1/articles", json={"url": f"{site.url}/a.html"}, headers=headers
        )
        assert response.status_code == 202, response.get_data(as_text=True)
        job = response.get_json()["job"]
        assert job["kind"] == "articles.ingest_url"
        assert response.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
        polled = client.get(f"/api/v1/jobs/{job['id']}", headers=headers).get_json()
        assert polled["state"] == "done" and polled["article_id"]
        again = client.post("/api/v1/articles", json={"url": f"{site.url}/a.html"}, headers=headers)
        assert again.status_code == 200
        assert again.get_json()["article"]["id"] == polled["article_id"]
    with serve("127.0.0.1", {"/a.html": page(PAGE)}) as private:
        refused = client.post(
            "/api/v1/articles", json={"url": f"{private.url}/a.html"}, headers=headers
        )
        assert refused.status_code == 422 and refused.get_json()["field"] == "url"
    with intranet_app.app_context():
        submits = list(
            db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "job.submit"))
        )
        assert len(submits) == 1 and submits[0].actor == users["editor"].email


def test_a_claim_goes_through_the_whole_workflow_over_the_api(app, client, users, token_for):
    (claim_id,) = _new_claims(app, users)
    editor, editor2 = token_for("editor"), token_for("editor2")
    reviewer = token_for("reviewer", "read", "review")
    url = f"/api/v1/claims/{claim_id}"
    assert client.post(f"{url}/accept", headers=reviewer).status_code == 403
    accepted = client.post(f"{url}/accept", headers=editor)
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "queued"
    taken = client.post(f"{url}/take", headers=reviewer)
    assert taken.get_json()["status"] == "in_review"
    # Someone else's claim is not the second reviewer's to change.
    other = token_for("reviewer2", "read", "review")
    stranger = client.post(
        f"{url}/sources",
        json={"url": "https://www.nato.int/r.pdf", "title": "Report", "stance": "supports"},
        headers=other,
    )
    assert stranger.status_code == 403 and "assigned reviewer" in stranger.get_json()["message"]
    source = client.post(
        f"{url}/sources",
        json={
            "url": "https://www.nato.int/report.pdf",
            "title": "Defence expenditure",
            "publisher": "NATO",
            "date_published": "2024-06-17",
            "stance": "supports",
        },
        headers=reviewer,
    )
    assert source.status_code == 201, source.get_data(as_text=True)
    assert source.get_json()["date_published"] == "2024-06-17"
    scales = client.get("/api/v1/rating-scales", headers=reviewer).get_json()["scales"]
    vrai = next(
        v for sc in scales if sc["language"] == "fr" for v in sc["values"] if v["label"] == "Vrai"
    )
    saved = client.put(
        f"{url}/verdict",
        json={
            "rating_id": vrai["id"],
            "summary": "Le Pentagone l'a bien estimé.",
            "explanation": "…",
        },
        headers=reviewer,
    )
    assert saved.status_code == 200, saved.get_data(as_text=True)
    detail = client.get(url, headers=reviewer)
    assert detail.headers["ETag"] == f'"claim-{claim_id}-v{detail.get_json()["version"]}"'
    draft = next(v for v in detail.get_json()["verdicts"] if v["state"] == "draft")
    # The reviewer's token may review but not publish: proposing works, approving needs both.
    proposed = client.post(
        f"{url}/propose",
        json={"version": draft["version"], "digest": draft["digest"]},
        headers=reviewer,
    )
    assert proposed.status_code == 200, proposed.get_json()
    assert proposed.get_json()["status"] == "awaiting_approval"
    version = proposed.get_json()["version"]
    no_scope = client.post(f"{url}/approve", json={"version": version}, headers=reviewer)
    assert no_scope.status_code == 403 and "publish" in no_scope.get_json()["message"]
    assert no_scope.get_json()["field"] == "scope:publish"
    approved = client.post(f"{url}/approve", json={"version": version}, headers=editor2)
    assert approved.status_code == 200, approved.get_data(as_text=True)
    assert approved.get_json()["status"] == "published"
    listed = client.get("/api/v1/fact-checks", headers=reviewer).get_json()["fact_checks"]
    assert [f["id"] for f in listed] == [claim_id]
    fact_check = client.get(f"/api/v1/fact-checks/{listed[0]['slug']}", headers=reviewer).get_json()
    review = fact_check["claim_review"]
    assert review["@type"] == "ClaimReview" and review["reviewRating"]["alternateName"] == "Vrai"
    assert review["url"] == fact_check["url"]
    assert fact_check["url"].startswith("https://factcheck.example.org/fact-checks/")
    # Every write is the token's user's, and names the token.
    for action, email in (
        ("claim.accept", "editor@example.org"),
        ("claim.take", "reviewer@example.org"),
        ("source.add", "reviewer@example.org"),
        ("verdict.propose", "reviewer@example.org"),
        ("verdict.approve", "editor2@example.org"),
    ):
        (event,) = _events(app, action=action)
        assert event.actor == email
        assert json.loads(event.body)["data"]["api_token_id"]
    denied = _events(app, action="api_v1.accept.denied")
    assert denied and denied[0].actor == "reviewer@example.org"


def test_the_two_person_rule_and_states_are_enforced_as_in_the_browser(
    app, client, users, token_for
):
    (claim_id,) = _new_claims(app, users)
    editor = token_for("editor")
    url = f"/api/v1/claims/{claim_id}"
    assert client.post(f"{url}/take", headers=editor).status_code == 409  # not queued yet
    client.post(f"{url}/accept", headers=editor)
    again = client.post(f"{url}/accept", headers=editor)
    assert again.status_code == 409 and again.get_json()["error"] == "conflict"
    dismissed = client.post(f"{url}/dismiss", json={"reason": ""}, headers=editor)
    assert dismissed.status_code in (409, 422)
    taken = client.post(f"{url}/take", headers=editor)
    assert taken.status_code == 200
    handed = client.post(f"{url}/hand-back", headers=editor)
    assert handed.get_json()["status"] == "queued"
    assign = client.post(
        f"{url}/assign", json={"assignee_id": users["reviewer"].id}, headers=editor
    )
    assert assign.status_code == 200 and assign.get_json()["status"] == "in_review"
    nobody = client.post(f"{url}/assign", json={"assignee_id": 999999}, headers=editor)
    assert nobody.status_code in (409, 422)
    with app.app_context():
        assert db.session.get(Claim, claim_id).assignee_id == users["reviewer"].id


def test_optimistic_locking_with_version_and_if_match(app, client, users, token_for):
    (claim_id,) = _new_claims(app, users)
    editor = token_for("editor")
    url = f"/api/v1/claims/{claim_id}"
    first = client.get(url, headers=editor)
    etag, version = first.headers["ETag"], first.get_json()["version"]
    saved = client.patch(
        url, json={"claim_reviewed": "10 000 soldats", "version": version}, headers=editor
    )
    assert saved.status_code == 200 and saved.get_json()["claim_reviewed"] == "10 000 soldats"
    assert saved.headers["ETag"] != etag
    stale = client.patch(url, json={"claim_reviewed": "Autre", "version": version}, headers=editor)
    assert stale.status_code == 409 and "changed by someone else" in stale.get_json()["message"]
    stale_etag = client.patch(url, json={"priority": 2}, headers={**editor, "If-Match": etag})
    assert stale_etag.status_code == 409
    fresh = client.patch(
        url, json={"priority": 2}, headers={**editor, "If-Match": saved.headers["ETag"]}
    )
    assert fresh.status_code == 200 and fresh.get_json()["priority"] == 2
    bad = client.patch(url, json={"priority": 1}, headers={**editor, "If-Match": "*"})
    assert bad.status_code == 422 and bad.get_json()["field"] == "If-Match"
    missing = client.patch(url, json={"priority": 1}, headers=editor)
    assert missing.status_code == 422 and missing.get_json()["field"] == "version"
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.claim_reviewed == "10 000 soldats" and claim.priority == 2


def test_the_claim_list_filters_and_pages_by_keyset(app, client, users, token_for):
    ids = _new_claims(app, users, n=5)
    reader = token_for("reviewer", "read")
    seen, cursor, pages = [], None, 0
    while True:
        query = "/api/v1/claims?limit=2&sort=oldest" + (f"&cursor={cursor}" if cursor else "")
        body = client.get(query, headers=reader).get_json()
        seen += [c["id"] for c in body["claims"]]
        pages += 1
        cursor = body["next"]
        if not cursor:
            break
    assert seen == sorted(ids) and pages == 3
    assert body["counts"]["new"] == 5 and sum(body["counts"].values()) == 5
    with app.app_context():
        editor = people_of(users)["editor"]
        from factcheck.claims import workflow

        workflow.accept(db.session, db.session.get(Claim, ids[0]), actor=editor)
        db.session.commit()
    queued = client.get("/api/v1/claims?status=queued", headers=reader).get_json()
    assert [c["id"] for c in queued["claims"]] == [ids[0]]
    assert queued["claims"][0]["status"] == ClaimStatus.QUEUED.value
    search = client.get("/api/v1/claims?q=ministre", headers=reader).get_json()
    assert len(search["claims"]) == 3


def test_the_audit_trail_is_for_editors_and_admins(app, client, users, token_for):
    (claim_id,) = _new_claims(app, users)
    editor = token_for("editor")
    client.post(f"/api/v1/claims/{claim_id}/accept", headers=editor)
    refused = client.get("/api/v1/audit/events", headers=token_for("reviewer", "read"))
    assert refused.status_code == 403 and "editors and admins" in refused.get_json()["message"]
    events = client.get("/api/v1/audit/events?action=claim.accept", headers=editor).get_json()
    (event,) = events["events"]
    assert event["actor"] == "editor@example.org" and event["entity_id"] == str(claim_id)
    assert event["data"]["api_token_id"] and len(event["hash"]) == 64
    page = client.get("/api/v1/audit/events?limit=1", headers=editor).get_json()
    older = client.get(f"/api/v1/audit/events?limit=1&before={page['next']}", headers=editor)
    assert older.get_json()["events"][0]["seq"] < page["events"][0]["seq"]


def test_the_organisation_and_read_only_tokens(app, client, users, token_for):
    reader = token_for("admin", "read")
    org = client.get("/api/v1/organisation", headers=reader).get_json()
    assert org["url"] == "https://factcheck.example.org/" and org["saved"] is False
    sent = client.post("/api/v1/articles", json={"text": TEXT}, headers=reader)
    assert sent.status_code == 403 and sent.get_json()["field"] == "scope:ingest"
    assert "ingest" in sent.get_json()["message"]
    writer = token_for("admin", "ingest")
    assert client.get("/api/v1/claims", headers=writer).status_code == 403


def test_sources_drafts_sending_back_and_corrections_over_the_api(app, client, users, token_for):
    from tests.factories import walk_claim

    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["reviewer"]), "sourced")
        db.session.commit()
        claim_id, faux = claim.id, default_rating("Faux").id
    editor, editor2 = token_for("editor"), token_for("editor2")
    reviewer = token_for("reviewer", "read", "review")
    url = f"/api/v1/claims/{claim_id}"
    sources = client.get(f"{url}/sources", headers=reviewer).get_json()["sources"]
    source = sources[0]
    edited = client.patch(
        f"{url}/sources/{source['id']}",
        json={**{k: source[k] for k in ("url", "title", "stance")}, "version": source["version"]},
        headers=reviewer,
    )
    assert edited.status_code == 200 and edited.get_json()["version"] == source["version"] + 1
    stale = client.patch(
        f"{url}/sources/{source['id']}",
        json={**{k: source[k] for k in ("url", "title", "stance")}, "version": source["version"]},
        headers=reviewer,
    )
    assert stale.status_code == 409
    extra = client.post(
        f"{url}/sources",
        json={"url": "https://example.org/b", "title": "B", "stance": "context"},
        headers=reviewer,
    ).get_json()
    assert client.delete(f"{url}/sources/{extra['id']}", headers=reviewer).status_code == 204
    assert client.delete(f"{url}/sources/{extra['id']}", headers=reviewer).status_code == 404
    # A second draft without its version is a conflict: someone started it already.
    no_version = client.put(f"{url}/verdict", json={"summary": "Autre"}, headers=reviewer)
    assert no_version.status_code == 409 and "send its version" in no_version.get_json()["message"]
    draft = next(v for v in client.get(url, headers=reviewer).get_json()["verdicts"])
    client.post(f"{url}/propose", json={"version": draft["version"]}, headers=reviewer)
    back = client.post(
        f"{url}/request-changes", json={"comment": "Une source de plus."}, headers=editor
    )
    assert back.status_code == 200 and back.get_json()["status"] == "in_review"
    draft = next(
        v for v in client.get(url, headers=reviewer).get_json()["verdicts"] if v["state"] == "draft"
    )
    proposed = client.post(
        f"{url}/propose",
        json={"version": draft["version"], "digest": draft["digest"]},
        headers=reviewer,
    )
    assert proposed.status_code == 200, proposed.get_json()
    approved = client.post(
        f"{url}/approve", json={"version": proposed.get_json()["version"]}, headers=editor
    )
    assert approved.get_json()["status"] == "published"
    drafted = client.post(
        f"{url}/correction",
        json={"rating_id": faux, "summary": "Corrigé.", "note": "Nouvelle source."},
        headers=editor,
    )
    assert drafted.status_code == 200, drafted.get_json()
    correction = next(
        v
        for v in client.get(url, headers=editor).get_json()["verdicts"]
        if v["corrects_id"] and v["state"] == "proposed"
    )
    same_editor = client.post(
        f"{url}/correction/approve", json={"version": correction["version"]}, headers=editor
    )
    assert same_editor.status_code == 403  # the two-person rule
    done = client.post(
        f"{url}/correction/approve", json={"version": correction["version"]}, headers=editor2
    )
    assert done.status_code == 200, done.get_json()
    slug = client.get(url, headers=editor).get_json()["slug"]
    review = client.get(f"/api/v1/fact-checks/{slug}", headers=editor).get_json()["claim_review"]
    assert review["reviewRating"]["alternateName"] == "Faux"
    assert "dateModified" in review


def test_take_next_gives_the_best_queued_claim_once(app, client, users, token_for):
    ids = _new_claims(app, users, n=2)
    editor = token_for("editor")
    for claim_id in ids:
        client.post(f"/api/v1/claims/{claim_id}/accept", headers=editor)
    first = client.post(
        "/api/v1/claims/take-next", json={}, headers=token_for("reviewer", "review")
    )
    second = client.post(
        "/api/v1/claims/take-next", json={}, headers=token_for("reviewer2", "review")
    )
    third = client.post(
        "/api/v1/claims/take-next", json={}, headers=token_for("reviewer2", "review")
    )
    taken = {first.get_json()["claim"]["id"], second.get_json()["claim"]["id"]}
    assert taken == set(ids) and third.get_json()["claim"] is None
