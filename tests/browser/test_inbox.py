"""My work and notifications in Chromium: the editor assigns, the reviewer is told and reads it."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import SCREENSHOTS
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(browser: Any, base: str, email: str) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/my-work$"))
    return page


def test_assigned_reviewer_sees_it_in_my_work_and_reads_the_notification(live_app, browser):
    from factcheck.claims import workflow
    from factcheck.extensions import db
    from factcheck.models import Claim, ClaimStatus, User

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        claim = db.session.scalar(
            sa.select(Claim).where(Claim.status == ClaimStatus.NEW).order_by(Claim.id.desc())
        )
        assert claim is not None
        claim_id = claim.id
        editor = db.session.get(User, users["editor"].id)
        workflow.accept(db.session, claim, actor=editor)
        db.session.commit()

    # The editor assigns the claim from its desk.
    desk = sign_in(browser, base, users["editor"].email)
    desk.goto(f"/claims/{claim_id}")
    desk.get_by_label("Assign to").select_option(str(users["reviewer"].id))
    desk.locator("form.assign").get_by_role("button", name="Assign").click()
    desk.wait_for_url(f"**/claims/{claim_id}")

    # The reviewer lands on My work: the claim is held, the header counts it and the notice.
    page = sign_in(browser, base, users["reviewer"].email)
    held = page.locator(
        "section", has=page.get_by_role("heading", name=re.compile("Claims you hold"))
    )
    assert held.get_by_role("link", name=re.compile(f"#{claim_id}")).is_visible()
    nav = page.get_by_role("navigation", name="Main")
    unread = nav.locator('[data-count="unread"]')
    assert unread.inner_text().startswith("1")
    page.screenshot(path=str(SCREENSHOTS / "my-work.png"), full_page=True)

    # The notification says who assigned what; marking it read clears the count.
    nav.get_by_role("link", name=re.compile("^Notifications")).click()
    page.wait_for_url("**/notifications")
    item = page.locator("li.notification.unread")
    assert item.count() == 1
    assert "Eddie Editor assigned you claim" in item.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "notifications.png"), full_page=True)
    item.get_by_role("button", name="Mark as read").click()
    page.wait_for_url("**/notifications")
    assert page.locator("li.notification.unread").count() == 0
    assert page.locator('[data-count="unread"]').count() == 0

    # From the notification to the claim.
    page.get_by_role("link", name=f"Open claim #{claim_id}").click()
    page.wait_for_url(f"**/claims/{claim_id}")

    # Editors also reach the dashboard, drawn without script.
    desk.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    desk.wait_for_url("**/dashboard")
    assert desk.locator("svg[role=img]").count() == 4
    desk.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
