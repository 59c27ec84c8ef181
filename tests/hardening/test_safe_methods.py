"""CSRF on every unsafe route, and no GET or HEAD anywhere that changes a row."""

from __future__ import annotations

import pytest

from tests.hardening.conftest import (
    JSON,
    World,
    assert_unchanged,
    changes,
    routes,
    signed_in,
    snapshot,
    url_for_rule,
    valid_data,
)

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.mark.parametrize("who", ["anonymous", "admin", "reviewer"])
def test_every_unsafe_route_without_a_token_is_400_and_changes_nothing(app, users, world, who):
    client = app.test_client() if who == "anonymous" else signed_in(app, users[who].email)
    walked = 0
    for rule, method in routes(app, UNSAFE):
        url = url_for_rule(app, world, rule)
        data = valid_data(app, world, rule.endpoint)
        before = snapshot(app)
        page = client.open(url, method=method, data=data)
        assert page.status_code == 400, (who, method, url, page.status_code)
        assert "CSRF" in page.get_data(as_text=True) or "form expired" in page.get_data(
            as_text=True
        )
        api = client.open(url, method=method, data=data, headers=JSON)
        assert api.status_code == 400, (who, method, url)
        assert api.get_json()["error"] == "bad_request"
        # A token that is not this session's is no better than none.
        forged = client.open(url, method=method, data={**data, "csrf_token": "x" * 91})
        assert forged.status_code == 400, (who, method, url)
        assert_unchanged(before, snapshot(app), f"{who} {method} {url} without a token")
        walked += 1
    assert walked >= 30


@pytest.mark.parametrize("who", ["admin", "reviewer", "editor"])
def test_no_get_or_head_changes_anything(app, users, world: World, who):
    client = signed_in(app, users[who].email)
    walked = 0
    for rule, method in routes(app, {"GET", "HEAD"}):
        url = url_for_rule(app, world, rule)
        before = snapshot(app)
        response = client.open(url, method=method)
        assert response.status_code < 500, (who, method, url)
        response.close()
        after = snapshot(app)
        assert before == after, f"{who} {method} {url} changed {changes(before, after)}"
        walked += 1
    # Query strings too: filters and paging on the list pages are reads.
    for url in (
        "/queue?q=Pentagone&status=queued&sort=score&min_score=0.5&assignee=me",
        "/audit?actor=editor&action=claim.accept&since=2020-01-01",
        "/fact-checks?page=1",
        "/claimreview.json?since=2020-01-01",
        "/login?next=/queue",
    ):
        before = snapshot(app)
        client.get(url).close()
        after = snapshot(app)
        assert before == after, f"{who} GET {url} changed {changes(before, after)}"
    assert walked >= 25
