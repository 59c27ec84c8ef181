"""The whole review path once in French, in Chromium: each person switches the interface to
French with the header's switcher, then the editor accepts the seed article's Pentagon claim,
the reviewer takes it, adds a source and proposes a verdict, a second editor approves it, and
the public page appears. French text is asserted at each step; screenshots go to artifacts/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import SCREENSHOTS, pentagon_claim
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

NNBSP = "\u202f"


def sign_in_in_french(browser: Any, base: str, email: str) -> Any:
    """Sign in (the sign-in page is not this test's), then choose Français in the header."""
    context = browser.new_context(
        base_url=base, viewport={"width": 1280, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.goto("/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(PASSWORD)
    page.locator('main form button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/my-work$"))
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator('.language-switcher button[lang="fr"]').click()
    page.wait_for_url(re.compile(r"/my-work$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Mon travail"
    assert page.locator(".skip-link").inner_text() == "Aller au contenu"
    return page


def flash(page: Any) -> str:
    return str(page.locator(".flashes").inner_text())


def test_the_review_path_in_french(live_app, browser):
    from factcheck.extensions import db
    from factcheck.models import Claim, ClaimStatus, User

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    claim_id = pentagon_claim(app)

    # The editor, in French, finds the claim in the queue and accepts it.
    editor = sign_in_in_french(browser, base, users["editor"].email)
    with app.app_context():  # the switcher kept the choice on the account
        assert db.session.get(User, users["editor"].id).interface_language == "fr"
    editor.goto("/queue")
    assert editor.locator("h1").inner_text() == "File d’attente des affirmations"
    assert "correspondent aux filtres." in editor.locator("#queue-count").inner_text()
    editor.get_by_label("Recherche").fill("pentagone")
    editor.get_by_role("button", name="Appliquer les filtres").click()
    rows = editor.locator("table.queue tbody tr")
    assert rows.count() == 1
    assert rows.first.locator(".cell-status").text_content() == "nouvelle"
    assert re.fullmatch(r"0,\d\d", rows.first.locator(".score").inner_text())
    editor.screenshot(path=str(SCREENSHOTS / "fr-queue.png"), full_page=True)
    rows.first.locator("td.claim-cell a").click()
    editor.wait_for_url(re.compile(rf"/claims/{claim_id}\?back="))
    assert editor.locator("#workflow-heading").inner_text() == "Flux de travail"
    editor.get_by_role("button", name="Accepter dans la file d’attente").click()
    assert "Acceptée dans la file d’attente." in flash(editor)

    # The reviewer, in French, takes it, adds a source and proposes a verdict.
    reviewer = sign_in_in_french(browser, base, users["reviewer"].email)
    reviewer.goto(f"/claims/{claim_id}")
    assert reviewer.locator(".desk-title .status").text_content() == "en file d’attente"
    reviewer.get_by_role("button", name="Prendre cette affirmation").click()
    assert "L’affirmation est maintenant à vous." in flash(reviewer)
    form = reviewer.locator('form[action$="/sources"]')
    if not form.is_visible():
        reviewer.locator("details.add-source > summary").click()
    form.get_by_label("URL", exact=True).fill(
        "https://www.defense.gov/News/Transcripts/briefing-2024-11-04/"
    )
    form.get_by_label("Titre").fill("Pentagon press briefing on North Korean troops in Russia")
    form.get_by_label("Publié par").fill("US Department of Defense")
    form.get_by_label("Confirme l’affirmation").check()
    form.get_by_role("button", name="Ajouter la source").click()
    assert "Source ajoutée." in flash(reviewer)
    assert reviewer.locator("ol.sources .stance").first.text_content() == "confirme"
    reviewer.locator("#verdict").get_by_text("Plutôt vrai", exact=True).click()
    reviewer.get_by_label("Résumé (public)").fill(
        "Le Pentagone a bien avancé ce chiffre d’environ 10 000 soldats, le 4 novembre 2024."
    )
    reviewer.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Brouillon du verdict enregistré." in flash(reviewer)
    counter = reviewer.locator("#claim_reviewed-count")
    reviewer.locator("textarea[name=claim_reviewed]").press("End")
    reviewer.locator("textarea[name=claim_reviewed]").type(" ")
    assert "recommandés" in counter.inner_text()  # the live counter speaks French too
    reviewer.screenshot(path=str(SCREENSHOTS / "fr-claim-desk.png"), full_page=True)
    reviewer.goto(f"/claims/{claim_id}")
    reviewer.get_by_role("button", name="Proposer ce verdict pour approbation").click()
    assert "Verdict proposé" + NNBSP + ": un éditeur va l’examiner." in flash(reviewer)
    assert reviewer.locator(".verdict-proposed .status").text_content() == (
        "en attente d’approbation"
    )

    # A second editor, in French, approves it.
    editor2 = sign_in_in_french(browser, base, users["editor2"].email)
    assert "En attente de votre approbation" in editor2.locator("main").inner_text()
    editor2.goto(f"/claims/{claim_id}")
    assert "Proposé par" in editor2.locator(".verdict-proposed").inner_text()
    editor2.screenshot(
        path=str(SCREENSHOTS / "fr-claim-desk-awaiting-approval.png"), full_page=True
    )
    editor2.get_by_role("button", name="Approuver et publier").click()
    assert "Approuvé et publié." in flash(editor2)
    verdict = editor2.locator(".verdict-published")
    assert "Plutôt vrai" in verdict.inner_text() and "publiée" in verdict.inner_text()
    assert "Verrouillé" in verdict.inner_text()
    editor2.screenshot(path=str(SCREENSHOTS / "fr-claim-desk-published.png"), full_page=True)
    with app.app_context():
        db.session.expire_all()
        claim = db.session.get(Claim, claim_id)
        assert claim.status is ClaimStatus.PUBLISHED
        slug = claim.slug

    # The public page appears, in the fact-check's language.
    public = editor2.context.new_page()
    response = public.goto(f"/fact-checks/{slug}")
    assert response is not None and response.status == 200
    assert public.locator("html").get_attribute("lang") == "fr"
    assert "Plutôt vrai" in public.locator(".fc-verdict").inner_text()
    public.screenshot(path=str(SCREENSHOTS / "fr-public-fact-check.png"), full_page=True)

    # The dashboard, in French, counts it.
    editor.goto("/dashboard")
    assert editor.locator("h1").inner_text() == "Tableau de bord"
    assert editor.locator("#ttp-heading").inner_text() == (
        "Délai entre la file d’attente et la publication"
    )
    editor.screenshot(path=str(SCREENSHOTS / "fr-dashboard.png"), full_page=True)
    for page in (editor, reviewer, editor2):
        page.context.close()
