"""Personal access tokens: made once (only a hash kept), listed, revoked, expired, audited;
from the CLI, the account page and the admin page; a deactivated user's tokens stop at once."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from factcheck.auth.services import set_active
from factcheck.extensions import db
from factcheck.models import ApiToken, AuditEvent, User
from tests.api.conftest import bearer, make_token
from tests.helpers import csrf_token, login


def _events(app, action):
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_only_the_hash_and_a_prefix_are_stored_and_the_token_works(app, client, users):
    secret = make_token(app, users["reviewer"].email, ["read"], name="CMS")
    assert secret.startswith("fct_") and len(secret) > 40
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken))
        assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret.startswith(token.prefix) and len(token.prefix) == 12
        raw_row = db.session.execute(sa.text("SELECT * FROM api_tokens")).one()
        assert secret not in [str(v) for v in raw_row]
        assert token.scopes == "read" and token.name == "CMS"
    response = client.get("/api/v1/organisation", headers=bearer(secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    created = _events(app, "api_token.create")
    assert len(created) == 1 and created[0].actor == users["reviewer"].email
    used = _events(app, "api_token.use")
    assert len(used) == 1 and '"path":"/api/v1/organisation"' in used[0].body
    # A second call within the hour records no second use (writes carry the token id instead).
    assert client.get("/api/v1/organisation", headers=bearer(secret)).status_code == 200
    assert len(_events(app, "api_token.use")) == 1
    with app.app_context():
        assert db.session.scalar(sa.select(ApiToken.last_used_at)) is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer fct_not-a-real-token-at-all-aaaaaaaaaaaaaaaaaaaaaaa",
        "Bearer something-else",
    ],
)
def test_a_missing_or_wrong_token_is_401_with_a_bearer_challenge(client, users, header):
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/claims", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="factcheck"')
    body = response.get_json()
    assert body["error"] == "unauthorized" and body["field"] == "Authorization"
    assert body["request_id"] == response.headers["X-Request-ID"]
    if header and header.startswith("Bearer "):
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_revoked_expired_and_deactivated_tokens_stop_at_once(app, client, users):
    revoked = make_token(app, users["reviewer"].email, ["read"])
    expiring = make_token(app, users["reviewer"].email, ["read"], expires=date.today())
    deactivated = make_token(app, users["reviewer2"].email, ["read"])
    for secret in (revoked, expiring, deactivated):
        assert client.get("/api/v1/claims", headers=bearer(secret)).status_code == 200
    with app.app_context():
        from factcheck.auth.tokens import revoke_token

        admin = db.session.get(User, users["admin"].id)
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == revoked[:12]))
        assert revoke_token(db.session, token, actor=admin) is True
        set_active(db.session, db.session.get(User, users["reviewer2"].id), False, actor=admin)
        db.session.commit()
        # Expiry: move the clock past it by moving the token's end into the past.
        late = db.session.scalar(sa.select(ApiToken).where(ApiToken.prefix == expiring[:12]))
        late.created_at = datetime.now(UTC) - timedelta(days=2)
        late.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    for secret, why in (
        (revoked, "revoked"),
        (expiring, "expired"),
        (deactivated, "deactivated"),
    ):
        response = client.get("/api/v1/claims", headers=bearer(secret))
        assert response.status_code == 401, why
        assert why in response.get_json()["message"]
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    revokes = _events(app, "api_token.revoke")
    assert len(revokes) == 1 and revokes[0].actor == users["admin"].email


def test_a_session_cookie_is_not_accepted_on_the_api(app, client, users):
    login(client, users["editor"].email)
    assert client.get("/queue", headers={"Accept": "application/json"}).status_code == 200
    response = client.get("/api/v1/claims")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers
    # Nor does a cookie plus the CSRF header make a write go through.
    token = csrf_token(client, "/articles/new")
    response = client.post(
        "/api/v1/articles", json={"text": "Un texte."}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 401


def test_the_cli_creates_lists_and_revokes_tokens(app, runner, client, users):
    result = runner.invoke(
        args=[
            "tokens",
            "create",
            users["editor"].email,
            "--name",
            "CMS",
            "--scope",
            "read",
            "--scope",
            "ingest",
            "--expires",
            "2099-01-31",
        ]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert secret.startswith("fct_")
    assert "scopes ingest read" in result.stdout and "2099-02-01" in result.stdout
    assert client.get("/api/v1/claims", headers=bearer(secret)).status_code == 200
    listed = runner.invoke(args=["tokens", "list"])
    assert listed.exit_code == 0 and secret[:12] in listed.output and secret not in listed.output
    assert "active" in listed.output and users["editor"].email in listed.output
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    revoked = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert client.get("/api/v1/claims", headers=bearer(secret)).status_code == 401
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    again = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert "already revoked" in again.output
    (event,) = _events(app, "api_token.revoke")
    assert event.actor == "system"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody@example.org", "--name", "x", "--scope", "read"], "no user nobody@example.org"),
        (["editor@example.org", "--name", "x", "--scope", "admin"], "Invalid value for '--scope'"),
        (["editor@example.org", "--name", "", "--scope", "read"], "name"),
        (
            ["editor@example.org", "--name", "x", "--scope", "read", "--expires", "2001-01-01"],
            "must be in the future",
        ),
        (
            ["editor@example.org", "--name", "x", "--scope", "read", "--expires", "tomorrow"],
            "Invalid value for '--expires'",
        ),
    ],
)
def test_the_cli_refuses_bad_input_and_stores_nothing(app, runner, users, args, message):
    result = runner.invoke(args=["tokens", "create", *args])
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_the_account_page_creates_a_token_shown_once_and_revokes_it(app, client, users):
    login(client, users["reviewer"].email)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "No tokens yet" in page.get_data(as_text=True)
    token = csrf_token(client, "/account/tokens")
    response = client.post(
        "/account/tokens",
        data={"name": "My script", "scopes": ["read", "review"], "csrf_token": token},
    )
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert "shown only this once" in html
    start = html.index('id="new-token-secret">') + len('id="new-token-secret">')
    secret = html[start : html.index("<", start)]
    assert secret.startswith("fct_")
    assert response.headers["Cache-Control"] == "no-store"
    # Shown once: the list shows only the prefix from now on.
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in listing and secret[:12] in listing and "read review" in listing
    api = app.test_client()
    assert api.get("/api/v1/claims", headers=bearer(secret)).status_code == 200
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    revoke = client.post(
        f"/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_token(client, "/account/tokens")},
    )
    assert revoke.status_code == 302
    assert api.get("/api/v1/claims", headers=bearer(secret)).status_code == 401


def test_the_account_page_refuses_a_bad_form_naming_the_field(app, client, users):
    login(client, users["reviewer"].email)
    token = csrf_token(client, "/account/tokens")
    no_scope = client.post("/account/tokens", data={"name": "x", "csrf_token": token})
    assert no_scope.status_code == 422
    assert "choose at least one scope" in no_scope.get_data(as_text=True)
    past = client.post(
        "/account/tokens",
        data={"name": "x", "scopes": ["read"], "expires": "2001-01-01", "csrf_token": token},
    )
    assert past.status_code == 422 and "must be in the future" in past.get_data(as_text=True)
    forged = client.post("/account/tokens", data={"name": "x", "scopes": ["read"]})
    assert forged.status_code == 400  # no CSRF token: the browser page keeps its CSRF check
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_users_cannot_revoke_each_others_tokens_but_admins_see_and_revoke_all(app, client, users):
    secret = make_token(app, users["reviewer"].email, ["read"], name="Rita's")
    with app.app_context():
        token_id = db.session.scalar(sa.select(ApiToken.id))
    login(client, users["reviewer2"].email)
    assert "Rita's" not in client.get("/account/tokens").get_data(as_text=True)
    other = client.post(
        f"/account/tokens/{token_id}/revoke",
        data={"csrf_token": csrf_token(client, "/account/tokens")},
    )
    assert other.status_code == 404
    assert client.get("/admin/tokens").status_code == 403
    admin = app.test_client()
    login(admin, users["admin"].email)
    page = admin.get("/admin/tokens").get_data(as_text=True)
    assert "Rita&#39;s" in page and users["reviewer"].email in page and secret not in page
    done = admin.post(
        f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf_token(admin, "/admin/tokens")}
    )
    assert done.status_code == 302
    assert client.get("/api/v1/claims", headers=bearer(secret)).status_code == 401


def test_every_api_route_needs_a_token_even_with_a_session_cookie(app, client, users):
    """The browser's access matrix leaves ``api_v1.*`` out (tests/hardening): this is its check."""
    login(client, users["admin"].email)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api_v1."):
            continue
        url = rule.rule.replace("<int:claim_id>", "1").replace("<int:source_id>", "1")
        url = url.replace("<int:article_id>", "1").replace("<int:job_id>", "1")
        url = url.replace("<string(maxlength=200):slug>", "a-slug")
        assert "<" not in url, url
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={} if method != "GET" else None)
            assert response.status_code == 401, (method, url, response.status_code)
            assert response.headers["WWW-Authenticate"].startswith("Bearer")
            assert "Set-Cookie" not in response.headers
            checked += 1
    assert checked >= 25
