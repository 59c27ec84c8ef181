"""The public pages speak the fact-check's language, whatever the visitor's browser or choice says.

A French fact-check's page is French (« Notre verdict », « 7 novembre 2024 », a narrow no-break
space before « : » and « % »), an English one English, each with ``lang`` right on the page and
on any passage in another language; the JSON-LD and the feed are the same bytes in every
interface language. Real HTTP through the app, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from flask import has_app_context
from flask_babel import refresh
from markupsafe import Markup

from factcheck.publishing.language import french_typography, passage_language
from tests.factories import published_english
from tests.publishing.test_public_pages import SCRIPT, correct, publish, visible

NNBSP = "\u202f"
# The ways a visitor can ask for a language: the browser, and the switcher's cookie.
VISITORS: dict[str, dict[str, Any]] = {
    "browser-en": {"headers": {"Accept-Language": "en-GB,en;q=0.9"}},
    "browser-fr": {"headers": {"Accept-Language": "fr-FR,fr;q=0.9"}},
    "cookie-en": {"cookie": "en", "headers": {"Accept-Language": "fr"}},
    "cookie-fr": {"cookie": "fr", "headers": {"Accept-Language": "en"}},
    "nothing": {"headers": {}},
}
FRENCH_CLAIM = {
    "claim_reviewed": "Le chômage a baissé de 10% : c'est le chiffre annoncé à 10:30 ?",
    "claimant_name": "Pentagone",
    "claimant_type": "Organization",
    "claim_date": date(2024, 11, 7),
}
FRENCH_SUMMARY = "Faux : la baisse est de 2 % seulement."


def get(client: Any, path: str, visitor: str) -> Any:
    how = VISITORS[visitor]
    if has_app_context():
        # The ctx fixture's app context outlives each request: forget the last one's language,
        # as a real request (its own app context) would.
        refresh()
    client.delete_cookie("lang")
    if "cookie" in how:
        client.set_cookie("lang", how["cookie"])
    response = client.get(path, headers=how["headers"])
    assert response.status_code == 200, (path, visitor)
    return response


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found
    return found.group(1)


def publish_french(users: dict[str, Any]) -> str:
    return publish(users, edits=FRENCH_CLAIM, summary=FRENCH_SUMMARY, rating="Faux")


def publish_english(users: dict[str, Any]) -> str:
    return published_english(users, summary="The Pentagon said so: 10%.")


@pytest.mark.parametrize("visitor", list(VISITORS))
def test_a_french_fact_check_page_is_french_for_every_visitor(client, users, ctx, visitor):
    slug = publish_french(users)
    page = get(client, f"/fact-checks/{slug}", visitor).get_data(as_text=True)

    assert html_lang(page) == "fr"
    assert '<article class="fact-check" lang="fr">' in page
    assert ">Notre verdict</h2>" in page
    assert "<dt>Affirmation de</dt>" in page and "<dt>Affirmation faite le</dt>" in page
    assert '<time datetime="2024-11-07">7 novembre 2024</time>' in page
    assert f"<title>Vérification{NNBSP}: Le chômage" in page
    assert ">Sources</h2>" in page and ">Explication</h2>" in page
    assert '<span class="stance">confirme</span>' in page
    assert "<p>Publié le <time " in page
    shown = SCRIPT.sub("", page)  # the JSON-LD keeps its English keys
    for english in ("Our verdict", "Claimed by", "Claim made on", "Published", "November"):
        assert english not in shown, english

    # French typography in the French text: before « % », « : » and « ? », never in 10:30.
    heading = visible(page, "claim-reviewed", "h1")
    assert heading == (
        f"Le chômage a baissé de 10{NNBSP}%{NNBSP}: c'est le chiffre annoncé à 10:30{NNBSP}?"
    )
    assert visible(page, "fc-summary") == f"Faux{NNBSP}: la baisse est de 2{NNBSP}% seulement."
    assert visible(page, "rating-label") == "Faux"  # a scale's words stay as stored

    # The English source quoted on the French page says it is English, and keeps its own
    # typography (no French space before its « % »).
    assert (
        '<a href="https://www.nato.int/report.pdf" rel="noopener noreferrer" lang="en">'
        "Defence expenditure report</a>"
    ) in page
    assert '<blockquote class="excerpt" lang="en">23 Allies meet the 2% guideline.' in page


@pytest.mark.parametrize("visitor", ["browser-fr", "cookie-fr", "browser-en"])
def test_an_english_fact_check_page_stays_english_for_a_french_visitor(client, users, ctx, visitor):
    slug = publish_english(users)
    page = get(client, f"/fact-checks/{slug}", visitor).get_data(as_text=True)
    assert html_lang(page) == "en"
    assert '<article class="fact-check" lang="en">' in page
    assert ">Our verdict</h2>" in page and "<p>Published <time " in page
    assert '<span class="stance">supports</span>' in page
    assert "Notre verdict" not in page and "Publié" not in page
    assert NNBSP not in page.split("<body>", 1)[1]  # no French spacing in English text
    # The source is English like the page: no lang of its own.
    assert 'rel="noopener noreferrer">Defence expenditure report</a>' in page


def test_a_corrected_french_page_says_so_in_french(client, users, ctx):
    slug = publish(users)
    correct(users, slug, note="Le chiffre exact : 11 000.")
    page = get(client, f"/fact-checks/{slug}", "browser-en").get_data(as_text=True)
    assert ">Corrections</h2>" in page
    assert "<strong>Corrigé le <time " in page
    assert f"Le chiffre exact{NNBSP}: 11 000." in page
    assert f"Verdict précédent{NNBSP}: " in page
    assert visible(page, "earlier-rating") == "Vrai"
    assert "· dernière correction le <time " in page


def test_the_json_ld_is_the_same_bytes_in_every_interface_language(app, client, users, ctx):
    slugs = [publish_french(users), publish_english(users)]
    for slug in slugs:
        scripts = {
            visitor: SCRIPT.findall(get(client, f"/fact-checks/{slug}", visitor).get_data(True))
            for visitor in VISITORS
        }
        first = scripts["nothing"]
        assert len(first) == 1 and '"inLanguage"' in first[0]
        assert all(found == first for found in scripts.values()), slug
    feeds = set()
    for visitor in VISITORS:
        response = get(client, "/claimreview.json", visitor)
        feeds.add((response.get_data(), response.headers["ETag"]))
    assert len(feeds) == 1
    # The visitors did ask for different languages: the index answers each in theirs.
    langs = {v: html_lang(get(client, "/fact-checks", v).get_data(True)) for v in VISITORS}
    assert langs == {
        "browser-en": "en",
        "browser-fr": "fr",
        "cookie-en": "en",
        "cookie-fr": "fr",
        "nothing": "en",
    }


def test_the_index_speaks_the_visitor_s_language_and_each_item_its_own(app, client, users, ctx):
    french = publish_french(users)
    english = publish_english(users)

    page = get(client, "/fact-checks", "browser-fr").get_data(as_text=True)
    assert html_lang(page) == "fr"
    assert "<h1>Vérifications</h1>" in page and "Les plus récentes d’abord." in page
    assert f"Pour les machines{NNBSP}: " in page and ">flux ClaimReview</a>" in page
    items = re.findall(r'<li class="fc-item" lang="([^"]+)">(.*?)</li>', page, re.S)
    by_lang = {lang: body for lang, body in items}
    assert set(by_lang) == {"fr", "en"}
    assert f"/fact-checks/{french}" in by_lang["fr"] and f"/fact-checks/{english}" in by_lang["en"]
    # The interface's own line inside an English item is French, and says so.
    assert '<p class="muted small" lang="fr">Publié le <time ' in by_lang["en"]
    assert f"10{NNBSP}%" in by_lang["fr"]  # French typography in the French item only
    assert NNBSP not in by_lang["en"].split('lang="fr"', 1)[0]

    page = get(client, "/fact-checks", "browser-en").get_data(as_text=True)
    assert html_lang(page) == "en" and "<h1>Fact-checks</h1>" in page
    assert '<p class="muted small" lang="en">Published <time ' in page
    assert sorted(re.findall(r'<li class="fc-item" lang="([^"]+)">', page)) == ["en", "fr"]


def test_the_empty_index_in_french(client):
    page = get(client, "/fact-checks", "cookie-fr").get_data(as_text=True)
    assert "Rien n’a encore été publié." in page


def test_badges_speak_the_fact_check_s_language_not_the_visitor_s(client, users, ctx):
    from tests.publishing.test_badge import svg_texts

    slug = publish(users)
    for visitor in ("browser-en", "cookie-en", "browser-fr"):
        _root, texts = svg_texts(get(client, f"/fact-checks/{slug}/badge.svg", visitor).data)
        assert texts[0] == "Vérifié par Factcheck Newsroom"
        page = get(client, f"/fact-checks/{slug}/badge.html", visitor).get_data(as_text=True)
        assert '<html lang="fr">' in page and 'title="Lire la vérification"' in page
    english = publish_english(users)
    _root, texts = svg_texts(get(client, f"/fact-checks/{english}/badge.svg", "cookie-fr").data)
    assert texts[0] == "Checked by Factcheck Newsroom"


def test_a_bad_feed_date_is_refused_in_the_visitor_s_language(client):
    response = client.get("/claimreview.json?since=2024-13-01", headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == "since" and body["error"] == "bad_request"
    assert body["message"] == f"since{NNBSP}: '2024-13-01' n’est pas une date réelle du calendrier"


# --- the typography and the passage languages, as functions ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vrai : 10% ; non ?", f"Vrai{NNBSP}: 10{NNBSP}%{NNBSP}; non{NNBSP}?"),
        ("Oui!", f"Oui{NNBSP}!"),
        (f"déjà{NNBSP}: 5\u00a0%", f"déjà{NNBSP}: 5{NNBSP}%"),
        ("Il a dit «non».", f"Il a dit «{NNBSP}non{NNBSP}»."),
        ("à 10:30 et 3:2", "à 10:30 et 3:2"),
        ("voir https://ex.org/a?b=1:2&c=3; ici", f"voir https://ex.org/a?b=1:2&c=3{NNBSP}; ici"),
        ("<!-- pas une balise ?!", f"<!-- pas une balise{NNBSP}?!"),
    ],
)
def test_french_typography_of_plain_text(text, expected):
    assert french_typography(text, "fr") == expected


def test_french_typography_leaves_other_languages_markup_and_references_alone():
    assert french_typography("Note: 10% ?", "en") == "Note: 10% ?"
    assert french_typography("Note: 10%", "fr-CA") == f"Note{NNBSP}: 10{NNBSP}%"
    marked = Markup('<p title="a: b?">Titre : AT&amp;T</p><time datetime="10:30">10:30</time>')
    result = french_typography(marked, "fr")
    assert isinstance(result, Markup)
    assert str(result) == (
        f'<p title="a: b?">Titre{NNBSP}: AT&amp;T</p><time datetime="10:30">10:30</time>'
    )
    # Plain text stays plain: the template still escapes it.
    assert not isinstance(french_typography("<b>x</b> :", "fr"), Markup)


def test_a_passage_names_its_language_only_when_it_differs_and_is_clear():
    english = "Defence expenditure report\n23 Allies meet the 2% guideline."
    assert passage_language(english, "fr") == "en"
    assert passage_language(english, "en") is None
    assert passage_language("Rapport sur les dépenses de défense des alliés", "en") == "fr"
    assert passage_language("OTAN", "en") is None  # too short to tell
    assert passage_language(None, "fr") is None
