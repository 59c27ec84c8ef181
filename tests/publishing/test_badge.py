"""The public badge of a published fact-check: SVG and HTML, in its language, cacheable, inert.

Every request goes through the test client on SQLite and PostgreSQL; the fact-checks are
published through the real workflow (``tests.factories``).
"""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any

import lxml.html

from factcheck.extensions import db
from tests.factories import (
    published_claim,
    published_english,
)
from tests.publishing.test_public_pages import correct

SVG = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def publish_fr(app: Any, users: dict[str, Any]) -> str:
    with app.app_context():
        claim = published_claim(users)
        db.session.commit()
        return str(claim.slug)


def publish_en(app: Any, users: dict[str, Any]) -> str:
    with app.app_context():
        return published_english(users)


def svg_texts(body: bytes) -> tuple[ET.Element, list[str]]:
    root = ET.fromstring(body)  # noqa: S314 (our own output, parsed to check it)
    assert root.tag == f"{SVG}svg"
    assert not [el for el in root.iter() if el.tag.lower().endswith("script")]
    assert not [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    return root, [el.text or "" for el in root.iter(f"{SVG}text")]


def test_svg_badge_speaks_french_for_a_french_fact_check(app, client, users):
    slug = publish_fr(app, users)
    answer = client.get(f"/fact-checks/{slug}/badge.svg")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    root, texts = svg_texts(answer.data)
    assert texts == ["Vérifié par Factcheck Newsroom", "Vrai"]
    assert root.attrib[XML_LANG] == "fr"
    assert "public" in answer.headers["Cache-Control"]
    assert answer.headers["ETag"] and answer.headers["Last-Modified"]
    assert answer.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_svg_badge_speaks_english_for_an_english_fact_check(app, client, users):
    slug = publish_en(app, users)
    root, texts = svg_texts(client.get(f"/fact-checks/{slug}/badge.svg").data)
    assert texts == ["Checked by Factcheck Newsroom", "True"]
    assert root.attrib[XML_LANG] == "en"
    page = client.get(f"/fact-checks/{slug}/badge.html").get_data(as_text=True)
    assert '<html lang="en">' in page and "Checked by Factcheck Newsroom" in page


def test_badges_answer_304_to_their_validators(app, client, users):
    slug = publish_fr(app, users)
    for kind in ("svg", "html"):
        first = client.get(f"/fact-checks/{slug}/badge.{kind}")
        again = client.get(
            f"/fact-checks/{slug}/badge.{kind}",
            headers={"If-None-Match": first.headers["ETag"]},
        )
        assert again.status_code == 304 and again.data == b""
        since = client.get(
            f"/fact-checks/{slug}/badge.{kind}",
            headers={"If-Modified-Since": first.headers["Last-Modified"]},
        )
        assert since.status_code == 304


def test_a_published_correction_changes_the_badge_and_its_validators(app, client, users):
    slug = publish_fr(app, users)
    before = client.get(f"/fact-checks/{slug}/badge.svg")
    html_before = client.get(f"/fact-checks/{slug}/badge.html")
    with app.app_context():
        correct(users, slug, rating="Plutôt vrai")
    after = client.get(
        f"/fact-checks/{slug}/badge.svg", headers={"If-None-Match": before.headers["ETag"]}
    )
    assert after.status_code == 200  # the old ETag no longer matches
    assert after.headers["ETag"] != before.headers["ETag"]
    assert parsedate_to_datetime(after.headers["Last-Modified"]) >= parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    assert svg_texts(after.data)[1] == ["Vérifié par Factcheck Newsroom", "Plutôt vrai"]
    html_after = client.get(
        f"/fact-checks/{slug}/badge.html", headers={"If-None-Match": html_before.headers["ETag"]}
    )
    assert html_after.status_code == 200 and "Plutôt vrai" in html_after.get_data(as_text=True)


def test_html_badge_may_be_framed_anywhere_and_runs_nothing(app, client, users):
    slug = publish_fr(app, users)
    answer = client.get(f"/fact-checks/{slug}/badge.html")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in policy and "default-src 'none'" in policy
    assert "script-src" not in policy  # falls back to default-src 'none': no script at all
    assert "X-Frame-Options" not in answer.headers
    page = answer.get_data(as_text=True)
    [style] = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in policy  # the one inline style, pinned by its hash
    doc = lxml.html.document_fromstring(page)
    assert doc.get("lang") == "fr"
    assert not doc.xpath("//script") and not doc.xpath("//@*[starts-with(name(), 'on')]")
    [link] = doc.xpath("//a")
    assert link.get("href") == f"https://factcheck.example.org/fact-checks/{slug}"
    assert link.get("target") == "_blank" and "noopener" in link.get("rel")
    assert " ".join(link.text_content().split()) == "Vérifié par Factcheck NewsroomVrai"
    # Every other page still refuses to be framed.
    other = client.get(f"/fact-checks/{slug}")
    assert other.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in other.headers["Content-Security-Policy"]


def test_badge_text_is_escaped(app, client, users):
    app.config["ORG_NAME"] = '<script>alert(1)</script> "Q" & Co'
    slug = publish_fr(app, users)
    svg = client.get(f"/fact-checks/{slug}/badge.svg")
    assert b"<script" not in svg.data
    _root, texts = svg_texts(svg.data)
    assert texts[0] == 'Vérifié par <script>alert(1)</script> "Q" & Co'
    page = client.get(f"/fact-checks/{slug}/badge.html").get_data(as_text=True)
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    doc = lxml.html.document_fromstring(page)
    assert not doc.xpath("//script")


def test_unknown_fact_checks_have_no_badge(app, client, users):
    assert client.get("/fact-checks/nothing-here/badge.svg").status_code == 404
    assert client.get("/fact-checks/nothing-here/badge.html").status_code == 404
