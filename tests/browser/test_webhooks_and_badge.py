"""In Chromium: an admin registers a webhook endpoint; another site embeds the badge.

The embedding page is served from another origin (127.0.0.2), as a newsroom's CMS would be: the
badge's HTML loads in its ``<iframe>`` and its SVG in an ``<img>``, while the fact-check page
itself, framed the same way, is refused by its ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from factcheck.extensions import db
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_review_path import sign_in
from tests.factories import published_claim

pytestmark = pytest.mark.browser


@contextmanager
def cms_page(html: str) -> Iterator[str]:
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.2:{server.server_address[1]}/story.html"
    finally:
        server.shutdown()
        server.server_close()


def test_admin_registers_an_endpoint_and_sees_its_secret(live_app, browser):
    base, users = live_app["base"], live_app["users"]
    admin = sign_in(browser, base, users["admin"].email)
    admin.goto("/admin/webhooks")
    admin.get_by_label("Endpoint URL").fill("http://10.0.0.9/hook")
    admin.get_by_label("claim.published").check()
    admin.get_by_role("button", name="Add endpoint").click()
    admin.wait_for_load_state()
    assert "private or local address" in admin.locator("#url-error").inner_text()
    admin.get_by_label("Endpoint URL").fill("https://cms.example.org/hook")
    admin.get_by_role("button", name="Add endpoint").click()
    admin.wait_for_load_state()
    assert "Endpoint registered" in admin.locator(".flashes").inner_text()
    secret = admin.locator("code.webhook-secret")
    assert not secret.is_visible()
    admin.get_by_text("Show the secret").click()
    assert secret.inner_text().startswith("whsec_")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SCREENSHOTS / "admin-webhook.png"), full_page=True)
    admin.context.close()


def test_another_site_embeds_the_badge_but_not_the_page(live_app, browser):
    base, app = live_app["base"], live_app["app"]
    with app.app_context():
        claim = published_claim(live_app["users"])
        db.session.commit()
        slug = claim.slug
    html = (
        "<!doctype html><html><body><p>A story.</p>"
        f'<iframe id="badge" src="{base}/fact-checks/{slug}/badge.html" width="420" height="40">'
        "</iframe>"
        f'<img id="svg" src="{base}/fact-checks/{slug}/badge.svg" alt="badge">'
        f'<iframe id="page" src="{base}/fact-checks/{slug}" width="420" height="200"></iframe>'
        "</body></html>"
    )
    with cms_page(html) as story:
        page: Any = browser.new_context().new_page()
        page.goto(story)
        page.wait_for_load_state("load")
        badge = page.frame_locator("#badge").locator("a")
        assert badge.inner_text().replace("\n", " ").startswith("Vérifié par Factcheck Newsroom")
        assert "Vrai" in badge.inner_text()
        assert page.evaluate("document.getElementById('svg').naturalWidth") > 50
        # The fact-check page refuses to be framed: its frame never shows the article.
        assert page.frame_locator("#page").locator("article.fact-check").count() == 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "badge-embedded.png"), full_page=True)
        page.context.close()
