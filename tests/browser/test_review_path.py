"""The whole review path in Chromium, on the seed article's Pentagon claim."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import SCREENSHOTS, pentagon_claim
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(browser: Any, base: str, email: str) -> Any:
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/my-work$"))  # the landing page after sign-in (issue 17)
    return page


def add_source(page: Any, **values: str) -> None:
    form = page.locator('form[action$="/sources"]')
    if not form.is_visible():
        page.locator("details.add-source > summary").click()
    for name, value in values.items():
        if name == "stance":
            form.locator(f'input[name="stance"][value="{value}"]').check()
        else:
            form.locator(f'[name="{name}"]').fill(value)
    form.get_by_role("button", name="Add the source").click()
    page.wait_for_load_state()


def test_editor_accepts_reviewer_proposes_second_editor_approves(live_app, browser):
    from factcheck.extensions import db
    from factcheck.models import Claim, ClaimStatus

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    claim_id = pentagon_claim(app)

    # An editor finds the claim in the queue and accepts it.
    editor = sign_in(browser, base, users["editor"].email)
    editor.goto("/queue")
    editor.screenshot(path=str(SCREENSHOTS / "queue.png"), full_page=True)
    editor.get_by_label("Search").fill("pentagone")
    editor.get_by_role("button", name="Apply filters").click()
    rows = editor.locator("table.queue tbody tr")
    assert rows.count() == 1
    editor.screenshot(path=str(SCREENSHOTS / "queue-search.png"), full_page=True)
    rows.first.locator("td.claim-cell a").click()
    # The claim's address carries the queue's filters (?back=…) for its breadcrumb (issue 17).
    editor.wait_for_url(re.compile(rf"/claims/{claim_id}\?back="))
    assert (
        editor.locator("blockquote.context mark.claim")
        .inner_text()
        .startswith("Le Pentagone estime")
    )
    editor.get_by_role("button", name="Accept into the queue").click()
    assert "Accepted into the queue." in editor.locator(".flashes").inner_text()

    # A reviewer takes it, adds two sources and proposes a verdict.
    reviewer = sign_in(browser, base, users["reviewer"].email)
    reviewer.goto(f"/claims/{claim_id}")
    assert reviewer.get_by_role("button", name="Accept into the queue").count() == 0
    reviewer.get_by_role("button", name="Take this claim").click()
    assert "The claim is yours now." in reviewer.locator(".flashes").inner_text()
    add_source(
        reviewer,
        url="https://www.defense.gov/News/Transcripts/briefing-2024-11-04/",
        title="Pentagon press briefing on North Korean troops in Russia",
        publisher="US Department of Defense",
        date_published="2024-11-04",
        date_accessed="2024-11-10",
        excerpt="We estimate that about 10,000 North Korean soldiers have been sent to Russia.",
        stance="supports",
    )
    assert "Source added." in reviewer.locator(".flashes").inner_text()
    add_source(
        reviewer,
        url="https://www.nato.int/cps/en/natohq/news_230217.htm",
        title="NATO Secretary General on the deployment of North Korean troops",
        publisher="NATO",
        stance="context",
        archive_url="https://web.archive.org/web/2024/https://www.nato.int/",
    )
    assert reviewer.locator("ol.sources > li").count() == 2
    reviewer.locator("#verdict").get_by_text("Plutôt vrai", exact=True).click()
    reviewer.get_by_label("Summary (public)").fill(
        "Le Pentagone a bien avancé ce chiffre d’environ 10 000 soldats, le 4 novembre 2024."
    )
    reviewer.get_by_label("Explanation").fill(
        "Le chiffre est une estimation du Pentagone, reprise par l’OTAN; il n’est pas vérifié "
        "de façon indépendante."
    )
    reviewer.get_by_role("button", name="Save the draft").click()
    assert "Verdict draft saved." in reviewer.locator(".flashes").inner_text()
    reviewer.locator("#claim").scroll_into_view_if_needed()
    reviewer.screenshot(path=str(SCREENSHOTS / "claim-desk.png"), full_page=True)
    reviewer.get_by_role("button", name="Propose this verdict for approval").click()
    assert "Verdict proposed" in reviewer.locator(".flashes").inner_text()

    # The same reviewer cannot approve: no button, and a forged POST is refused.
    assert reviewer.get_by_role("button", name="Approve and publish").count() == 0
    token = reviewer.locator('input[name="csrf_token"]').first.get_attribute("value")
    forged = reviewer.request.post(
        f"/claims/{claim_id}/approve", form={"csrf_token": token, "version": "99"}
    )
    assert forged.status == 403
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.status is ClaimStatus.AWAITING_APPROVAL

    # A second editor approves; the desk shows the verdict as published.
    editor2 = sign_in(browser, base, users["editor2"].email)
    editor2.goto(f"/claims/{claim_id}")
    editor2.screenshot(path=str(SCREENSHOTS / "claim-desk-awaiting-approval.png"), full_page=True)
    editor2.get_by_role("button", name="Approve and publish").click()
    assert "Approved and published." in editor2.locator(".flashes").inner_text()
    verdict = editor2.locator(".verdict-published")
    assert "Plutôt vrai" in verdict.inner_text() and "published" in verdict.inner_text()
    editor2.screenshot(path=str(SCREENSHOTS / "claim-desk-published.png"), full_page=True)
    with app.app_context():
        db.session.expire_all()
        assert db.session.get(Claim, claim_id).status is ClaimStatus.PUBLISHED
        slug = db.session.get(Claim, claim_id).slug

    # A correction: the first editor drafts it; the public page does not change until the
    # second editor approves it, and then it shows the new rating and the earlier one.
    editor.goto(f"/claims/{claim_id}")
    editor.locator("details.correction > summary").click()
    correction = editor.locator(f'form[action$="/claims/{claim_id}/correct"]')
    correction.get_by_text("Vrai", exact=True).click()
    correction.get_by_label("Summary (public)").fill(
        "Le Pentagone a confirmé le chiffre de 10 000 soldats le 12 novembre 2024."
    )
    correction.get_by_label("Public correction note").fill(
        "Le Pentagone a confirmé son estimation : la note passe de Plutôt vrai à Vrai."
    )
    correction.get_by_role("button", name="Draft the correction").click()
    assert "another editor must approve it" in editor.locator(".flashes").inner_text()
    assert editor.get_by_role("button", name="Approve and publish the correction").count() == 0
    assert "two-person rule" in editor.locator("#correction-draft").inner_text()
    public = editor.context.new_page()
    public.goto(f"/fact-checks/{slug}")
    assert public.locator(".fc-verdict .rating-label").inner_text() == "Plutôt vrai"
    editor2.goto(f"/claims/{claim_id}")
    editor2.screenshot(path=str(SCREENSHOTS / "claim-desk-correction-draft.png"), full_page=True)
    editor2.get_by_role("button", name="Approve and publish the correction").click()
    assert "Correction approved and published." in editor2.locator(".flashes").inner_text()
    public.goto(f"/fact-checks/{slug}")
    assert public.locator(".fc-verdict .rating-label").inner_text() == "Vrai"
    assert public.locator(".earlier-rating").inner_text() == "Plutôt vrai"
    assert "la note passe de Plutôt vrai à Vrai" in public.locator(".fc-corrections").inner_text()
    for page in (editor, reviewer, editor2):
        page.context.close()


def test_claim_counter_updates_live_and_works_without_javascript(live_app, browser):
    from factcheck.extensions import db
    from factcheck.models import Claim, ClaimStatus

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    with app.app_context():
        claim_id = db.session.scalar(
            sa.select(Claim.id).where(Claim.status == ClaimStatus.NEW).order_by(Claim.id)
        )
    editor = sign_in(browser, base, users["editor"].email)
    editor.goto(f"/claims/{claim_id}")
    area = editor.locator("textarea[name=claim_reviewed]")
    area.fill("x" * 80)
    counter = editor.locator("#claim_reviewed-count")
    assert "80 characters" in counter.inner_text() and "5 too many" in counter.inner_text()
    area.fill("Court")
    assert "5 characters" in counter.inner_text() and "too many" not in counter.inner_text()
    editor.context.close()
