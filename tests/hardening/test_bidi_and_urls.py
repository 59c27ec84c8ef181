"""Bidirectional controls and URL characters: refused naming the field, or shown isolated.

User text holding U+202A–202E or U+2066–2069 is refused with a message naming the field; text
from outside (an article's body) that holds them is shown between FSI and PDI, so it cannot
reorder the page around it. URL fields take only what RFC 3986 allows: quotes, ``<``, ``>`` and
spaces are refused naming the field, letters beyond ASCII are percent-encoded, so every URL in
the JSON-LD is a valid IRI.
"""

from __future__ import annotations

import pytest

from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.models import Source
from factcheck.security import FSI, PDI, isolate_bidi
from factcheck.validation import BIDI_CONTROLS, clean_text, clean_url
from tests.factories import make_article
from tests.hardening.conftest import assert_unchanged, snapshot
from tests.workflow.test_http_desk import JSON, SOURCE, as_user, make_state, post

BIDI = sorted(BIDI_CONTROLS)


def test_the_bidi_controls_are_exactly_the_embeddings_overrides_and_isolates():
    assert [f"{ord(c):04X}" for c in BIDI] == [
        "202A",
        "202B",
        "202C",
        "202D",
        "202E",
        "2066",
        "2067",
        "2068",
        "2069",
    ]


@pytest.mark.parametrize("ch", BIDI, ids=[f"U+{ord(c):04X}" for c in BIDI])
def test_clean_text_refuses_bidi_controls_naming_the_field(ch):
    with pytest.raises(ValidationError) as info:
        clean_text(f"evil.example/{ch}gnp.exe", "title", max_length=100, multiline=True)
    assert info.value.field == "title"
    assert f"U+{ord(ch):04X}" in info.value.message and "bidirectional" in info.value.message
    # Marks that only hint a direction (LRM, RLM, ALM) are letters' business and stay.
    assert clean_text("a\u200eb\u200fc\u061cd", "title", max_length=100) == "a\u200eb\u200fc\u061cd"


def test_clean_text_refuses_lone_surrogates():
    with pytest.raises(ValidationError) as info:
        clean_text("a\ud800b", "summary", max_length=100)
    assert info.value.field == "summary" and "surrogate" in info.value.message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "Rapport \u202eedocx.exe"),
        ("publisher", "\u2067Ministère"),
        ("excerpt", "ok\u202a"),
    ],
)
def test_a_source_with_bidi_controls_is_refused_naming_the_field(app, users, field, value):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    before = snapshot(app)
    response = post(reviewer, claim_id, "sources", {**SOURCE, field: value}, headers=JSON)
    assert response.status_code == 422
    body = response.get_json()
    assert body["field"] == field and "bidirectional control" in body["message"]
    html = post(reviewer, claim_id, "sources", {**SOURCE, field: value})
    assert html.status_code == 422 and "bidirectional control" in html.get_data(as_text=True)
    assert_unchanged(before, snapshot(app), f"{field} with bidi")


def test_claim_and_note_fields_refuse_bidi_controls(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    desk = reviewer.get(f"/claims/{claim_id}", headers=JSON).get_json()["claim"]
    before = snapshot(app)
    response = post(
        reviewer,
        claim_id,
        "edit",
        {
            "claim_reviewed": desk["claim_reviewed"],
            "claimant_name": "Le \u2066Pentagone",
            "version": desk["version"],
        },
        headers=JSON,
    )
    assert response.status_code == 422 and response.get_json()["field"] == "claimant_name"
    response = post(reviewer, claim_id, "notes", {"body": "see \u202ethis"}, headers=JSON)
    assert response.status_code == 422 and response.get_json()["field"] in ("body", "note")
    assert_unchanged(before, snapshot(app), "bidi in claim fields")


def test_outside_text_with_bidi_controls_is_shown_isolated(app, users):
    with app.app_context():
        article = make_article(
            "Selon le rapport \u202eevil.example/gnp.exe, la dépense a doublé. Fin.",
            title="Titre \u202eesrever",
        )
        db.session.commit()
        article_id = article.id
    html = as_user(app, users, "editor").get(f"/articles/{article_id}").get_data(as_text=True)
    assert f"{FSI}Titre \u202eesrever{PDI}" in html
    assert "\u202eevil.example/gnp.exe" in html
    # Every occurrence of an override sits inside an isolate that closes it.
    for at in (i for i, ch in enumerate(html) if ch == "\u202e"):
        assert html.rfind(FSI, 0, at) > html.rfind(PDI, 0, at), html[at - 80 : at + 80]
    # Plain text and markup without bidi controls are untouched.
    assert isolate_bidi("plain") == "plain"
    from markupsafe import Markup

    assert isolate_bidi(Markup("<b>\u202e</b>")) == Markup("<b>\u202e</b>")


@pytest.mark.parametrize(
    ("url", "stored"),
    [
        ("https://fr.wikipedia.org/wiki/Élysée", "https://fr.wikipedia.org/wiki/%C3%89lys%C3%A9e"),
        ("HTTPS://exämple.org/a?q=ç#x", "https://xn--exmple-cua.org/a?q=%C3%A7#x"),
        ("https://example.org/a%20b?x=1&y=(2)", "https://example.org/a%20b?x=1&y=(2)"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
    ],
)
def test_clean_url_writes_what_rfc_3986_allows(url, stored):
    assert clean_url(url, "url") == stored


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ('https://example.org/"onmouseover', "'\"'"),
        ("https://example.org/<script>", "'<'"),
        ("https://example.org/a>b", "'>'"),
        ("https://example.org/a b", "spaces"),
        ("https://example.org/a\\b", "'\\\\'"),
        ("https://example.org/{x}", "'{'"),
        ("https://example.org/a|b", "'|'"),
        ("https://example.org/a^b", "'^'"),
        ("https://example.org/a`b", "'`'"),
        ("https://example.org/100%", "two hex digits"),
        ("https://example.org/%zz", "two hex digits"),
        ("https://[::1/", "not a valid web address"),
        ("https://example.org:99999/", "not a valid web address"),
        ("https://example.org/\u202eexe", "bidirectional"),
    ],
)
def test_clean_url_refuses_what_rfc_3986_does_not_allow(url, words):
    with pytest.raises(ValidationError) as info:
        clean_url(url, "archive_url")
    assert info.value.field == "archive_url"
    assert words in info.value.message, info.value.message


def test_a_source_url_is_stored_percent_encoded_and_quotes_are_refused(app, users):
    claim_id = make_state(app, users, "in_review")
    reviewer = as_user(app, users, "reviewer")
    before = snapshot(app)
    refused = post(
        reviewer, claim_id, "sources", {**SOURCE, "url": 'https://x.org/"a"'}, headers=JSON
    )
    assert refused.status_code == 422 and refused.get_json()["field"] == "url"
    assert_unchanged(before, snapshot(app), "a quote in a URL")
    accented = {**SOURCE, "url": "https://fr.wikipedia.org/wiki/Élysée"}
    assert post(reviewer, claim_id, "sources", accented, headers=JSON).status_code == 200
    with app.app_context():
        urls = [s.url for s in db.session.scalars(db.select(Source))]
    assert "https://fr.wikipedia.org/wiki/%C3%89lys%C3%A9e" in urls
