"""Access control over the whole ``url_map``: deny by default, and a role × endpoint matrix.

A new route is public only when it is added to ``PUBLIC`` on purpose; every other route sends an
anonymous page request to sign in and answers an anonymous API request with 401. The matrix says,
for every signed-in role, which routes the design forbids; each refusal is a 403 (or 404) that
changes no row and adds no audit event beyond a recorded refusal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from tests.hardening.conftest import (
    JSON,
    World,
    assert_unchanged,
    build_world,
    claim_state,
    routes,
    rules,
    signed_in,
    snapshot,
    token,
    url_for_rule,
    valid_data,
)
from tests.helpers import csrf_token

PUBLIC = {
    "auth.login",
    "auth.login_2fa",
    "static",
    "health.healthz",
    "publishing.index",
    "publishing.fact_check",
    "publishing.feed",
    "badges.badge_svg",  # the embeddable badge of a published fact-check
    "badges.badge_html",
    # The API's description and documentation page (no data; the API itself needs a token).
    "api_docs.openapi_json",
    "api_docs.docs",
    "api_docs.docs_script",
    "api_docs.docs_asset",
    # The language switcher (POST, CSRF-checked): a cookie for anyone; for a signed-in user, their
    # own preference too. It reads and changes nothing else.
    "i18n.switch",
}
ALL_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REVIEWERS = {"reviewer", "reviewer2"}
NON_ADMINS = REVIEWERS | {"editor"}
# Who the design refuses, by endpoint. "reviewer2" acts on claims assigned to "reviewer".
EDITOR_ONLY = {
    "dashboard.index",
    "dashboard.table_csv",
    "claims.bulk",
    "audit.index",
    "audit.verify",
    "claims.accept",
    "claims.dismiss",
    "claims.reopen",
    "claims.assign",
    "articles.accept",
    "articles.dismiss",
    "review.approve",
    "review.request_changes",
    "review.correct",
    "review.approve_correction",
    "review.discard_correction",
    # Following outlets: editors and admins change them; everyone reads them.
    "outlets.add",
    "outlets.pause",
    "outlets.resume",
    "outlets.poll",
    "outlets.remove",
    "memory.duplicate_match",
}
ASSIGNEE_OR_EDITOR = {
    "memory.link_match",
    "claims.edit",
    "review.add_source",
    "review.edit_source",
    "review.remove_source",
    "review.save_verdict",
    "claims.hand_back",
}
ROLES = ("reviewer", "reviewer2", "editor", "admin")


def forbidden(endpoint: str) -> set[str]:
    """The roles the design refuses at ``endpoint`` (empty: every signed-in user may)."""
    if endpoint.startswith(("admin.", "tokens.admin_")):
        return NON_ADMINS
    if endpoint in EDITOR_ONLY:
        return REVIEWERS
    if endpoint in ASSIGNEE_OR_EDITOR:
        return {"reviewer2"}
    if endpoint == "review.propose":  # only the assigned reviewer proposes
        return {"reviewer2", "editor", "admin"}
    return set()


def public_endpoints(app: Flask) -> set[str]:
    return {
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint == "static" or getattr(view, "is_public", False)
    }


def test_the_public_allowlist_is_exactly_the_documented_one(app):
    assert public_endpoints(app) == PUBLIC, (
        "a route became public (or stopped being): add it to PUBLIC only on purpose"
    )


def test_every_endpoint_is_in_the_matrix_or_public(app):
    """No route escapes the matrix: each is public, or its refusals are stated above."""
    known = PUBLIC | EDITOR_ONLY | ASSIGNEE_OR_EDITOR | {"review.propose"}
    everyone = {
        "articles.index",
        "articles.new",
        "articles.show",
        "articles.ingest_job",
        "articles.add_claim",
        "claims.desk_script",
        "claims.show",
        "claims.queue",
        "claims.take_next",
        "claims.take",
        "review.add_note",
        "outlets.index",
        "outlets.show",
        "outlets.snapshot",
        "outlets.snapshot_warc",
        "auth.logout",
        "auth.password",
        "auth.two_factor",
        "auth.two_factor_disable",
        "inbox.my_work",
        "inbox.mark_seen",
        "inbox.notifications",
        "inbox.mark_read",
        "inbox.mark_all_read",
        "inbox.preferences",
        "dashboard.queue_csv",
        "tokens.index",
        "tokens.create",
        "tokens.revoke",
        "i18n.account",
    }
    unknown = {
        r.endpoint
        for r in rules(app)
        if r.endpoint not in known | everyone
        and not r.endpoint.startswith(("admin.", "tokens.admin_"))
    }
    assert not unknown, f"decide who may use {sorted(unknown)} and add them to the matrix"


def _next_of(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == "/login" and not parts.netloc, location
    return parse_qs(parts.query)["next"][0]


def test_anonymous_requests_to_every_other_route_go_to_sign_in(app, world: World):
    client = app.test_client()
    anonymous_token = csrf_token(client, "/login")
    before = snapshot(app)
    checked = 0
    for rule, method in routes(app, ALL_METHODS):
        if rule.endpoint in PUBLIC:
            continue
        url = url_for_rule(app, world, rule)
        data = {"csrf_token": anonymous_token} if method == "POST" else None
        page = client.open(url, method=method, data=data)
        assert page.status_code == 302, (method, url, page.status_code)
        assert _next_of(page.headers["Location"]) == url, (method, url)
        api = client.open(url, method=method, data=data, headers=JSON)
        assert api.status_code == 401, (method, url, api.status_code)
        if method != "HEAD":
            body = api.get_json()
            assert body["error"] == "unauthorized" and body["message"], (method, url)
        checked += 1
    assert checked >= 40
    assert_unchanged(before, snapshot(app), "anonymous requests")


def test_public_routes_answer_anonymous_visitors(app, world: World):
    client = app.test_client()
    for rule, _method in routes(app, {"GET"}):
        if rule.endpoint not in PUBLIC:
            continue
        url = url_for_rule(app, world, rule)
        response = client.get(url)
        if rule.endpoint == "auth.login_2fa":  # no password step yet: back to the first step
            assert response.status_code == 302 and response.headers["Location"] == "/login"
        else:
            assert response.status_code == 200, url
        response.close()


def _request(app: Flask, client: Any, w: World, rule: Any, method: str, csrf: str) -> Any:
    url = url_for_rule(app, w, rule)
    if method == "GET":
        return url, client.get(url)
    data = {**valid_data(app, w, rule.endpoint), "csrf_token": csrf}
    return url, client.post(url, data=data)


@pytest.mark.parametrize("role", ROLES)
def test_refused_requests_are_403_and_change_nothing(app, users, world: World, role):
    client = signed_in(app, users[role].email)
    csrf = token(client)
    refused = 0
    for rule, method in routes(app, {"GET", "POST"}):
        if role not in forbidden(rule.endpoint):
            continue
        before = snapshot(app)
        url, response = _request(app, client, world, rule, method, csrf)
        assert response.status_code in (403, 404), (role, method, url, response.status_code)
        assert_unchanged(before, snapshot(app), f"{role} {method} {url}")
        refused += 1
        # The same refusal for an API client: JSON with the error and a message.
        if method == "POST":
            data = {**valid_data(app, world, rule.endpoint), "csrf_token": csrf}
            api = client.post(url, data=data, headers=JSON)
            assert api.status_code in (403, 404), (role, url)
            assert (api.get_json() or {}).get("error") in ("forbidden", "not_found"), (role, url)
            assert_unchanged(before, snapshot(app), f"{role} {method} {url} (JSON)")
    assert refused >= {"admin": 1, "editor": 10}.get(role, 20)


@pytest.mark.parametrize("role", ROLES)
def test_allowed_pages_open_for_each_role(app, users, world: World, role):
    client = signed_in(app, users[role].email)
    for rule, _method in routes(app, {"GET"}):
        if rule.endpoint in PUBLIC or role in forbidden(rule.endpoint):
            continue
        url = url_for_rule(app, world, rule)
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


READ_ONLY = {"audit.index", "dashboard.index", "dashboard.table_csv"}  # editors' GET-only pages
ALLOWED_POSTS = {
    role: sorted(
        endpoint
        for endpoint in EDITOR_ONLY | ASSIGNEE_OR_EDITOR | {"review.propose", "review.add_note"}
        if role not in forbidden(endpoint) and endpoint not in READ_ONLY
    )
    + ["claims.take"]
    + (
        ["admin.user_role", "admin.add_value", "admin.value", "admin.organisation"]
        if role == "admin"
        else []
    )
    for role in ROLES
}


@pytest.mark.parametrize("role", ROLES)
def test_allowed_actions_are_not_refused(app, users, world: World, role):
    """The other side of the matrix: the permitted role gets through, each on a fresh claim."""
    client = signed_in(app, users[role].email)
    csrf = token(client)
    for endpoint in ALLOWED_POSTS[role]:
        w = build_world(app, users, (claim_state(endpoint),), base=world)
        rule = next(r for r in rules(app) if r.endpoint == endpoint and "POST" in (r.methods or ()))
        url, response = _request(app, client, w, rule, "POST", csrf)
        assert response.status_code in (200, 302, 303), (role, url, response.status_code)
