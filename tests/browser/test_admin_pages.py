"""Admin pages in Chromium: the organisation settings, saved and seen on the public side."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_path import sign_in

pytestmark = pytest.mark.browser


def fill_organisation(page: Any, name: str, url: str) -> None:
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Public URL").fill(url)
    page.get_by_role("button", name="Save organisation settings").click()
    page.wait_for_load_state()


def test_admin_renames_the_organisation_and_readers_see_it(live_app, browser):
    base, users = live_app["base"], live_app["users"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin = sign_in(browser, base, users["admin"].email)
    admin.goto("/admin/organisation")
    assert "From the configuration" in admin.content()

    # A bad address is refused beside its field, with the request id to quote.
    fill_organisation(admin, "Le Desk Vérification", "ftp://desk.example.org/")
    field_error = admin.locator("#url-error")
    assert "url must be an http:// or https:// address" in field_error.inner_text()
    assert "Request id:" in admin.locator(".flashes").inner_text()

    fill_organisation(admin, "Le Desk Vérification", "https://desk.example.org")
    assert "Saved the organisation settings" in admin.locator(".flashes").inner_text()
    assert admin.get_by_label("Public URL").input_value() == "https://desk.example.org/"
    assert '"name": "Le Desk Vérification"' in admin.locator("pre").first.inner_text()
    admin.screenshot(path=str(SCREENSHOTS / "admin-organisation.png"), full_page=True)

    reader = browser.new_context(base_url=base).new_page()
    reader.goto("/fact-checks")
    assert "Le Desk Vérification" in reader.title() + reader.content()
    reader.context.close()
    admin.context.close()


def test_two_admins_saving_at_once_the_second_sees_both_versions(live_app, browser):
    base, users = live_app["base"], live_app["users"]
    first = sign_in(browser, base, users["admin"].email)
    second = sign_in(browser, base, users["admin"].email)
    for page in (first, second):
        page.goto("/admin/organisation")
    fill_organisation(first, "Rédaction A", "https://a.example.org/")
    fill_organisation(second, "Rédaction B", "https://b.example.org/")
    panel = second.locator("section.conflict")
    assert "Someone else saved a change first" in panel.inner_text()
    assert "Rédaction A" in panel.inner_text() and "Rédaction B" in panel.inner_text()
    assert second.get_by_label("Name", exact=True).input_value() == "Rédaction B"  # kept
    second.get_by_role("button", name="Save organisation settings").click()
    assert "Saved the organisation settings" in second.locator(".flashes").inner_text()
    first.reload()
    assert first.get_by_label("Name", exact=True).input_value() == "Rédaction B"
    for page in (first, second):
        page.context.close()
