"""The desk fits the hand, the phone and assistive technology (issue 17, items 5, 6, 7 and 9).

axe-core comes from the npm registry, installed by ``make axe`` (``npm ci`` in tests/browser/axe,
from its package-lock.json) and read from node_modules: no CDN. It runs on every HTML page of the
URL map, as each role, at 1280 and 390 px wide; no page may have a critical or serious violation
or scroll sideways (``document.scrollingElement.scrollWidth <= innerWidth``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {"wide": (1280, 900), "phone": (390, 844)}
ROLES = ("reviewer", "editor", "admin")
# Routes that are not HTML pages (scripts, feeds, files, health) or need a state the walk
# does not make (the second sign-in step answers a redirect without a pending sign-in).
NOT_PAGES = frozenset(
    {
        "static",
        "claims.desk_script",
        "publishing.feed",
        "health.healthz",
        "outlets.snapshot_warc",
        "auth.login_2fa",
        # downloads and machine-readable answers, not pages
        "dashboard.queue_csv",
        "dashboard.table_csv",
        "badges.badge_svg",
        "api_docs.openapi_json",
        "api_docs.docs_script",
        "api_docs.docs_asset",
        # Swagger UI's own interface (flask-swagger-ui): axe finds its method badges' contrast,
        # its nested controls and its unlabelled server select; ours are every other page. The
        # README says so; the API is described by /api/v1/openapi.json.
        "api_docs.docs",
    }
)
NOT_PAGE_PREFIXES = ("api_v1.",)  # the REST API: JSON for bearer tokens (tests/api)
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return {
    engine: result.testEngine.name,
    rules: result.passes.length + result.violations.length + result.incomplete.length,
    violations: result.violations
      .filter(v => v.impact === "critical" || v.impact === "serious")
      .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 4)
        .map(n => n.target.join(" ") + " :: " + n.failureSummary)})),
  };
}"""
NO_SIDEWAYS = "() => [document.scrollingElement.scrollWidth, window.innerWidth]"


@pytest.fixture(scope="module")
def world(live_app: dict[str, Any]) -> dict[str, Any]:
    """Something in every state the pages show: a published claim, one being reviewed with a
    source, candidates, an outlet, a failed job; and the ids the URL map needs."""
    from factcheck.extensions import db
    from factcheck.models import Job, JobState, RatingScale, utcnow
    from factcheck.outlets.services import add_outlet
    from tests.factories import make_article, make_claim, people_of, walk_claim

    app, users = live_app["app"], live_app["users"]
    with app.app_context():
        people = people_of(users)
        published = walk_claim(people, make_claim(actor=people["reviewer"]), "published")
        article = make_article(
            "Le gouvernement affirme que le chômage a baissé de 3 % en un an. "
            "Les exportations ont augmenté de 12 % selon les douanes, a déclaré la ministre "
            "devant l'Assemblée nationale mardi.",
            title="Chômage et exportations",
        )
        reviewing = walk_claim(people, make_claim(article, actor=people["reviewer"]), "sourced")
        outlet = add_outlet(
            db.session,
            {"url": "https://news.example.org/feed.xml", "kind": "rss", "language": "fr"},
            actor=people["editor"],
        )
        job = Job(
            kind="articles.ingest_url",
            key="url:browser-walk",
            state=JobState.FAILED,
            payload={"url": "https://example.org/gone"},
            attempts=1,
            max_attempts=4,
            error="https://example.org/gone answered HTTP 404",
            created_by_id=people["editor"].id,
            finished_at=utcnow(),
        )
        db.session.add(job)
        db.session.commit()
        scale = db.session.scalars(sa.select(RatingScale).order_by(RatingScale.id)).first()
        assert scale is not None and scale.values
        return {
            "claim_id": reviewing.id,
            "published_id": published.id,
            "article_id": reviewing.article_id,
            "slug": published.slug,
            "outlet_id": outlet.id,
            "job_id": job.id,
            "user_id": people["reviewer2"].id,
            "scale_id": scale.id,
            "value_id": scale.values[0].id,
        }


def pages(app: Any, ids: dict[str, Any]) -> list[tuple[str, str]]:
    """(endpoint, URL) of every GET page of the URL map, its parameters filled from ``ids``."""
    from flask import url_for

    found = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in (rule.methods or ()) or rule.endpoint in NOT_PAGES:
                continue
            if rule.endpoint.startswith(NOT_PAGE_PREFIXES):
                continue
            if any(arg not in ids for arg in rule.arguments):
                continue
            found.append(
                (rule.endpoint, url_for(rule.endpoint, **{a: ids[a] for a in rule.arguments}))
            )
    return found


def new_page(browser: Any, base: str, email: str | None, width: str = "wide") -> Any:
    w, h = WIDTHS[width]
    # Only so that the test can add axe's script tag: the pages' own CSP is tested elsewhere.
    context = browser.new_context(
        base_url=base, viewport={"width": w, "height": h}, bypass_csp=True
    )
    page = context.new_page()
    if email is not None:
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r"/$|/articles|/my-work"))
    return page


def audit_page(page: Any, url: str) -> list[str]:
    """axe's critical and serious violations, and sideways scrolling, of the page at ``url``."""
    response = page.goto(url)
    assert response is not None
    if response.status != 200 or "text/html" not in (response.headers.get("content-type") or ""):
        return []
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(AXE_RUN)
    assert result["engine"] == "axe-core" and result["rules"] >= 10, (url, result)
    problems = [
        f"{url} [{v['impact']}] {v['id']}: {v['help']} — {'; '.join(v['nodes'])}"
        for v in result["violations"]
    ]
    scroll_width, inner_width = page.evaluate(NO_SIDEWAYS)
    if scroll_width > inner_width:
        problems.append(f"{url} scrolls sideways: {scroll_width} px in {inner_width} px")
    return problems


@pytest.fixture(scope="module")
def axe_source() -> Iterator[Path]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make axe` (npm ci in tests/browser/axe)")
    yield AXE


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_page_as_every_role_passes_axe_and_fits(live_app, browser, world, axe_source, width):
    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    urls = pages(app, world)
    assert len(urls) >= 20, urls
    problems: list[str] = []
    visited = 0
    for role in (None, *ROLES):
        page = new_page(browser, base, users[role].email if role else None, width)
        for _endpoint, url in urls:
            found = audit_page(page, url)
            problems += [f"{role or 'anonymous'} {width}: {p}" for p in found]
            visited += 1
        page.context.close()
    assert visited >= 4 * 20
    assert not problems, "\n".join(problems)


def test_phone_and_wide_layouts(live_app, browser, world, tmp_path_factory):
    """At 390 px the queue is cards (status, score, claimant and age shown), the desk shows the
    claim, its status and its actions first, and the public page its verdict above the fold."""
    base, users = live_app["base"], live_app["users"]
    shots = tmp_path_factory.mktemp("screenshots")
    for width in ("phone", "wide"):
        page = new_page(browser, base, users["editor"].email, width)
        vw, vh = WIDTHS[width]
        for name, url in (
            ("queue", "/queue"),
            ("desk", f"/claims/{world['claim_id']}"),
            ("article", f"/articles/{world['article_id']}"),
            ("public", f"/fact-checks/{world['slug']}"),
        ):
            page.goto(url)
            page.screenshot(path=str(shots / f"{name}-{vw}.png"), full_page=True)
            scroll_width, inner = page.evaluate(NO_SIDEWAYS)
            assert scroll_width <= inner, (name, width, scroll_width, inner)
            assert (shots / f"{name}-{vw}.png").stat().st_size > 0
        page.goto("/queue")
        row = page.locator("table.queue tbody tr").first
        for cell in ("td.cell-status .status", "td.cell-score", "td.cell-claimant", "td.cell-age"):
            box = row.locator(cell).bounding_box()
            assert box is not None and box["width"] > 0, (width, cell)
            assert box["x"] >= 0 and box["x"] + box["width"] <= vw, (width, cell, box)
        if width == "phone":
            assert row.evaluate("r => getComputedStyle(r).display") == "grid"  # a card
            assert (
                not page.locator("table.queue thead").is_visible()
                or page.locator("table.queue thead").bounding_box()["height"] <= 1
            )
        page.goto(f"/claims/{world['claim_id']}")
        heading = page.locator(".desk-head h1").bounding_box()
        workflow = page.locator("section.workflow").bounding_box()
        sources = page.locator("#sources").bounding_box()
        assert heading and workflow and sources
        if width == "phone":
            assert heading["y"] < workflow["y"] < sources["y"]
            hand_back = page.get_by_role("button", name="Hand back to the queue")
            assert hand_back.bounding_box()["y"] < sources["y"]
        else:
            assert workflow["x"] > sources["x"]  # the right-hand column
        page.goto(f"/fact-checks/{world['slug']}")
        verdict = page.locator(".fc-verdict .rating-label").bounding_box()
        assert verdict is not None and verdict["y"] + verdict["height"] <= vh, (width, verdict)
        page.context.close()


def test_focus_ring_is_the_same_on_links_summaries_and_date_inputs(live_app, browser, world):
    base, users = live_app["base"], live_app["users"]
    page = new_page(browser, base, users["reviewer"].email)
    page.goto(f"/claims/{world['claim_id']}")
    styles = []
    for selector in (
        "a.brand",
        "details.add-source > summary",
        'input[type="date"]',
        "button.primary",
    ):
        target = page.locator(selector).first
        target.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")
        assert target.evaluate("e => e === document.activeElement"), selector
        styles.append(
            target.evaluate(
                "e => { const s = getComputedStyle(e); "
                "return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]; }"
            )
        )
    assert all(s == styles[0] for s in styles), styles
    assert styles[0][0] == "solid" and styles[0][1] == "3px" and "rgb(20, 33, 61)" in styles[0][3]
    page.context.close()


def test_queue_shortcuts_and_bulk_accept_in_the_browser(live_app, browser, world):
    from factcheck.extensions import db
    from factcheck.models import Claim, ClaimStatus

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    page = new_page(browser, base, users["editor"].email)
    page.goto("/queue?status=new&sort=oldest")
    page.keyboard.press("?")
    dialog = page.locator("dialog#shortcuts")
    assert dialog.is_visible()
    assert "take the next claim" in dialog.inner_text()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    page.get_by_role("button", name="Keyboard shortcuts").click()  # reachable without "?"
    assert dialog.is_visible()
    dialog.get_by_role("button", name="Close").click()
    rows = page.locator("tr.queue-row")
    assert rows.count() >= 2
    first, second = (int(rows.nth(i).get_attribute("data-claim") or 0) for i in (0, 1))
    page.keyboard.press("j")
    assert "current" in (rows.nth(0).get_attribute("class") or "")
    page.keyboard.press("x")
    page.keyboard.press("j")
    page.keyboard.press("x")
    assert page.locator('input[name="claims"]:checked').count() == 2
    with page.expect_navigation():  # the page that answers, scripts and all, before the next key
        page.keyboard.press("a")
    assert "2 claims accepted into the queue." in page.locator(".flashes").inner_text()
    assert page.url.endswith("/queue?status=new&sort=oldest")
    with app.app_context():
        assert db.session.get(Claim, first).status is ClaimStatus.QUEUED
        assert db.session.get(Claim, second).status is ClaimStatus.QUEUED
    # The filters survive a visit to a claim: its breadcrumb leads back to the same list.
    with page.expect_navigation():
        page.locator("tr.queue-row a.claim-open").first.click()
    with page.expect_navigation():  # loaded, queue.js and all, before the keys below
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Queue").click()
    assert page.url.endswith("/queue?status=new&sort=oldest")
    # d: the current candidate is selected and the reason field takes the focus; Enter dismisses.
    third = int(rows.nth(0).get_attribute("data-claim") or 0)
    page.keyboard.press("j")
    page.keyboard.press("d")
    assert page.evaluate("() => document.activeElement.id") == "bulk-reason"
    page.keyboard.type("Opinion, not a fact")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "1 claim dismissed." in page.locator(".flashes").inner_text()
    with app.app_context():
        dismissed = db.session.get(Claim, third)
        assert dismissed.status is ClaimStatus.DISMISSED
        assert dismissed.dismiss_reason == "Opinion, not a fact"
    # t: take the next queued claim (the one accepted above, first by priority and score).
    page.keyboard.press("t")
    page.wait_for_url(re.compile(r"/claims/\d+$"))
    assert "is yours now" in page.locator(".flashes").inner_text()
    page.context.close()


def test_add_as_claim_by_selection(live_app, browser, world):
    from factcheck.extensions import db
    from factcheck.models import Claim

    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    page = new_page(browser, base, users["reviewer"].email)
    page.goto(f"/articles/{world['article_id']}")
    bar = page.locator(".selection-bar")
    assert not bar.is_visible()

    def select(start_text: str, length: int) -> None:
        page.evaluate(
            """([needle, length]) => {
                const body = document.getElementById("article-body");
                const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
                let node;
                while ((node = walker.nextNode())) {
                    const at = node.data.indexOf(needle);
                    if (at >= 0) {
                        const range = document.createRange();
                        range.setStart(node, at);
                        range.setEnd(node, at + length);
                        const sel = window.getSelection();
                        sel.removeAllRanges();
                        sel.addRange(range);
                        body.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                        return;
                    }
                }
                throw new Error("not found: " + needle);
            }""",
            [start_text, length],
        )
        page.wait_for_timeout(50)

    # One word (cut inside): snapped to the whole word, and too short to be a claim.
    select("portations", 4)
    assert bar.is_visible()
    assert page.evaluate("() => window.getSelection().toString()") == "exportations"
    button = page.get_by_role("button", name="Add as claim")
    assert button.is_disabled()
    assert "at least a clause" in bar.inner_text()
    # A clause cut inside its first and last words: snapped, sent, and marked where it sits.
    select("xportations ont augmenté de 12 % selon les doua", 47)
    assert page.evaluate("() => window.getSelection().toString()") == (
        "exportations ont augmenté de 12 % selon les douanes"
    )
    box, frame = bar.bounding_box(), page.locator("#article-body").bounding_box()
    assert box and frame and frame["y"] <= box["y"] <= frame["y"] + frame["height"]
    button.click()
    page.wait_for_url(re.compile(r"#claim-\d+$"))
    claim_id = int(page.url.rsplit("-", 1)[1])
    mark = page.locator(f"mark#claim-{claim_id}")
    assert mark.inner_text() == "exportations ont augmenté de 12 % selon les douanes"
    assert mark.evaluate("m => m.matches(':target')")
    top = mark.bounding_box()
    assert top is not None and 0 <= top["y"] <= WIDTHS["wide"][1]  # scrolled into view
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None and claim.text == mark.inner_text()
    page.context.close()


def test_every_page_in_french_passes_axe_fits_a_phone_and_says_its_language(
    live_app, browser, world, axe_source
):
    """The same walk with the interface in French (the switcher's cookie): longer words must
    still fit a phone, screen-reader labels are French, and ``<html lang>`` says ``fr`` (a
    published fact-check's page says its own language)."""
    base, users, app = live_app["base"], live_app["users"], live_app["app"]
    urls = pages(app, world)
    problems: list[str] = []
    for role in (None, *ROLES):
        page = new_page(browser, base, users[role].email if role else None, "phone")
        page.context.add_cookies([{"name": "lang", "value": "fr", "url": base}])
        for endpoint, url in urls:
            problems += [f"{role or 'anonymous'} fr: {p}" for p in audit_page(page, url)]
            lang = page.evaluate("document.documentElement.lang")
            if page.url.endswith(url) and endpoint != "publishing.fact_check" and lang != "fr":
                problems.append(f"{role or 'anonymous'} fr: {url} has <html lang={lang!r}>")
        page.context.close()
    assert not problems, "\n".join(problems)
