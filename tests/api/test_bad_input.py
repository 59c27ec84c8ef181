"""Bad input to the API: each refused with its status and the field named, nothing written."""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim
from tests.factories import make_claim


@pytest.fixture
def claim_id(app, users):
    with app.app_context():
        claim = make_claim()
        db.session.commit()
        return claim.id


def _count(app, model):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


RAW = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ('{"text": "a"', "body", "not valid JSON"),
        ("[1, 2]", "body", "JSON object"),
        ('"just a string"', "body", "JSON object"),
        ('{"text": "a", "text": "b"}', "text", "twice"),
        ('{"text": "\\ud800"}', "text", "surrogate"),
        ('{"text": 5}', "text", "Not a valid string"),
        ('{"text": ["a"]}', "text", "Not a valid string"),
        ('{"text": {"nested": 1}}', "text", "must be a string"),
        ('{"text": "Un texte.", "colour": "red"}', "colour", "unknown field"),
        ('{"text": "Un texte.", "language": "de"}', "language", "Must be one of"),
        ("[" * 40 + "]" * 40, "body", "nested"),
        (b'{"text": "\xff"}', "body", "UTF-8"),
    ],
)
def test_malformed_bodies_are_422_naming_the_field(app, client, token_for, data, field, words):
    response = client.post("/api/v1/articles", data=data, headers={**RAW, **token_for("editor")})
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    assert body["field"] == field and words in body["message"], body
    assert body["error"] == "invalid" and body["request_id"]
    assert _count(app, Article) == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"version": "1", "priority": 1}, "version"),
        ({"version": True, "priority": 1}, "version"),
        ({"version": 1.5, "priority": 1}, "version"),
        ({"version": 1, "priority": "2"}, "priority"),
        ({"version": 1, "priority": 9}, "priority"),
        ({"version": 2**63, "priority": 1}, "version"),
        ({"version": 10**30, "priority": 1}, "version"),
        ({"version": 2**40, "priority": 1}, "version"),
        ({"version": 1, "claim_date": "yesterday"}, "claim_date"),
        ({"version": 1, "claimant_type": "Robot"}, "claimant_type"),
        ({"version": 1, "status": "published"}, "status"),
        ({"version": 1, "claim_reviewed": "x" * 501}, "claim_reviewed"),
        ({"version": 1, "appearance_url": "javascript:alert(1)"}, "appearance_url"),
        ({"version": 1, "claim_reviewed": "a\u0000b"}, "claim_reviewed"),
    ],
)
def test_wrong_types_and_values_are_422_and_change_nothing(
    app, client, token_for, claim_id, payload, field
):
    editor = token_for("editor")
    with app.app_context():
        before = db.session.get(Claim, claim_id).version
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.seq)))
    response = client.patch(f"/api/v1/claims/{claim_id}", json=payload, headers=editor)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["field"] == field
    with app.app_context():
        assert db.session.get(Claim, claim_id).version == before
        actions = list(
            db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.seq > events))
        )
        assert all(a.endswith(".denied") or a == "api_token.use" for a in actions), actions


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/claims/{2**63}",
        f"/api/v1/claims/{10**30}",
        f"/api/v1/articles/{2**64}",
        "/api/v1/claims/999999",
        "/api/v1/claims/-1",
        "/api/v1/fact-checks/no-such-slug",
        "/api/v1/jobs/9223372036854775807",
        f"/api/v1/claims/{2**31}",
        f"/api/v1/claims/{2**40}/verdicts",
        "/api/v1/nothing-here",
    ],
)
def test_unknown_and_overflowing_ids_are_404_not_500(client, token_for, path):
    response = client.get(path, headers=token_for("editor"))
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "article_id=99999999999999999999",
        f"article_id={2**31}",
        "article_id=abc",
        "limit=0",
        "limit=1000",
        "status=nope",
        "sort=random",
        "min_score=2",
        "colour=red",
    ],
)
def test_bad_query_parameters_are_422_naming_them(client, token_for, query):
    response = client.get(f"/api/v1/claims?{query}", headers=token_for("editor"))
    assert response.status_code == 422
    assert response.get_json()["field"] == query.split("=")[0]


def _cursor(value):
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "%%%",
        _cursor(["oldest", ["2026-01-01T00:00:00", 1]]),  # another sort's cursor
        _cursor(["priority", [1, 2]]),  # too few values
        _cursor(["priority", ["x", 0.5, "2026-01-01T00:00:00", 1]]),
        _cursor(["priority", [1, 0.5, "not a date", 1]]),
        _cursor({"sort": "priority"}),
    ],
)
def test_a_tampered_cursor_is_422(client, token_for, claim_id, cursor):
    response = client.get(
        "/api/v1/claims", query_string={"cursor": cursor}, headers=token_for("editor")
    )
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["field"] == "cursor"


def test_missing_scope_is_403_naming_it_and_is_recorded_as_refused(
    app, client, token_for, claim_id
):
    reader = token_for("editor", "read")
    response = client.post(f"/api/v1/claims/{claim_id}/accept", headers=reader)
    assert response.status_code == 403
    body = response.get_json()
    assert body["field"] == "scope:review" and "review scope" in body["message"]
    with app.app_context():
        denied = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action.like("%.denied")))
        assert denied is not None and denied.actor == "editor@example.org"
        assert "review scope" in denied.body and "api_token_id" in denied.body
        assert db.session.get(Claim, claim_id).status.value == "new"


def test_a_body_over_the_size_limit_is_413_in_the_api_shape(app, client, token_for):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = client.post(
        "/api/v1/articles", json={"text": "x" * 2000}, headers=token_for("editor")
    )
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
