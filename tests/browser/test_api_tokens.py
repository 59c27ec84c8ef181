"""API tokens in Chromium: a user makes one on the account page, copies it once and uses it; the
API's documentation page renders the OpenAPI description under the app's CSP."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_path import sign_in

pytestmark = pytest.mark.browser


def _api(base: str, path: str, secret: str) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {secret}"}
    request = urllib.request.Request(base + path, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_a_reviewer_creates_a_token_on_the_account_page_and_uses_it(live_app, browser):
    base, users = live_app["base"], live_app["users"]
    page = sign_in(browser, base, users["reviewer"].email)
    page.goto("/account/password")
    page.get_by_role("link", name="API tokens").click()
    page.wait_for_load_state()
    assert "No tokens yet" in page.content()
    page.get_by_label("Name").fill("Newsroom CMS")
    page.get_by_label("read", exact=False).first.check()
    page.get_by_label("ingest", exact=False).check()
    page.get_by_role("button", name="Create token").click()
    page.wait_for_load_state()
    secret = page.locator("#new-token-secret").inner_text().strip()
    assert secret.startswith("fct_")
    assert "shown only this once" in page.content()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "account-api-tokens.png"), full_page=True)
    row = page.locator("table.api-tokens tbody tr").first
    assert "Newsroom CMS" in row.inner_text() and "ingest read" in row.inner_text()

    status, body = _api(base, "/api/v1/claims?limit=1", secret)
    assert status == 200 and "claims" in body
    page.goto("/account/tokens")
    assert secret not in page.content()  # shown once only

    page.get_by_role("button", name="Revoke").first.click()
    page.wait_for_load_state()
    assert "stops working at once" in page.content()
    status, body = _api(base, "/api/v1/claims?limit=1", secret)
    assert status == 401 and "revoked" in body["message"]
    page.context.close()


def test_the_api_documentation_renders_under_the_csp(live_app, browser):
    context = browser.new_context(base_url=live_app["base"])
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    text = page.locator("#swagger-ui").inner_text()
    assert "/api/v1/claims/{claim_id}/approve" in text
    assert "OAS 3.1" in text
    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "api-docs.png"))
    context.close()
