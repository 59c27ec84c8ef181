"""Public fact-check pages and their index: what the page shows is what its JSON-LD says.

``publish`` and ``correct`` (used by the feed and export tests too) walk claims through the
real services, so every published row has its verdict, slug and audit events.
"""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.publishing.jsonld.validate import errors, validate_claim_review
from tests.factories import default_rating, make_article, make_claim, people_of, walk_claim

ORG_URL = "https://factcheck.example.org/"
SENTENCE = "Le Pentagone estime que 10 000 soldats ont été envoyés."
SCRIPT = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S | re.I)
XSS = '</script><script>alert("x")</script><img src=x onerror=alert(1)> & <!--'

_articles = 0


def publish(
    users: dict[str, Any],
    sentence: str = SENTENCE,
    *,
    edits: dict[str, Any] | None = None,
    rating: str = "Vrai",
    summary: str = "Le Pentagone l'a bien estimé.",
    explanation: str = "Premier paragraphe.\n\nSecond paragraphe.",
) -> str:
    """Publish one claim (its own article), commit, and return its slug."""
    from factcheck.claims.services import edit_claim

    global _articles
    _articles += 1
    people = people_of(users)
    article = make_article(body=f"{sentence} Suite n° {_articles}.", title=f"Article {_articles}")
    claim = make_claim(article, text=sentence, actor=people["reviewer"])
    if edits:
        edit_claim(db.session, claim, edits, actor=people["editor"], expected_version=None)
    walk_claim(people, claim, "published", rating=rating, summary=summary, explanation=explanation)
    db.session.commit()
    assert claim.slug
    return claim.slug


def correct(
    users: dict[str, Any],
    slug: str,
    *,
    rating: str = "Plutôt vrai",
    summary: str = "Chiffre arrondi.",
    note: str = "Le chiffre exact est 11 000.",
) -> Any:
    """Correct the published verdict of ``slug``: one editor drafts, a second approves (committed).

    Returns the new verdict.
    """
    from factcheck.review import services as review

    claim = db.session.scalar(db.select(Claim).where(Claim.slug == slug))
    verdict = review.draft_correction(
        db.session,
        claim,
        actor=db.session.get(User, users["editor"].id),
        rating_value_id=default_rating(rating).id,
        summary=summary,
        explanation="Nouvelle explication.",
        note=note,
    )
    review.approve_correction(db.session, claim, actor=db.session.get(User, users["editor2"].id))
    db.session.commit()
    return verdict


def jsonld_of(page: str) -> dict[str, Any]:
    """The one ld+json script of a page, parsed (fails if there is not exactly one)."""
    scripts = SCRIPT.findall(page)
    assert len(scripts) == 1, f"expected exactly one script element, found {len(scripts)}"
    assert page.count('<script type="application/ld+json">') == 1
    data = json.loads(scripts[0])
    assert isinstance(data, dict)
    return data


def visible(page: str, css_class: str, tag: str = "[a-z0-9]+") -> str:
    """The unescaped text of the first element with ``css_class`` (markup inside stripped)."""
    match = re.search(
        rf'<({tag})\b[^>]*class="{re.escape(css_class)}[" ][^>]*>(.*?)</\1>', page, re.S
    )
    assert match, f"no element with class {css_class!r}"
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()


def assert_valid(review: dict[str, Any]) -> None:
    problems = errors(validate_claim_review(review, org_url=ORG_URL))
    assert problems == [], [str(p) for p in problems]


# --- the page ------------------------------------------------------------------------------------


def test_page_is_public_and_matches_its_claim_review(app, client, users, ctx):
    slug = publish(
        users,
        edits={
            "claimant_name": "Pentagone",
            "claimant_type": "Organization",
            "claim_date": date(2024, 11, 4),
            "appearance_url": "https://news.example.com/rutte",
        },
    )
    response = client.get(f"/fact-checks/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    review = jsonld_of(page)
    assert_valid(review)

    assert review["url"] == f"{ORG_URL}fact-checks/{slug}"
    assert f'<link rel="canonical" href="{review["url"]}">' in page
    assert visible(page, "claim-reviewed", "h1") == review["claimReviewed"]
    assert visible(page, "rating-label") == review["reviewRating"]["alternateName"] == "Vrai"
    assert visible(page, "rating-definition") == review["reviewRating"]["description"]
    assert visible(page, "fc-summary") == review["reviewRating"]["ratingExplanation"]
    assert review["reviewRating"]["ratingValue"] == 5
    assert (review["reviewRating"]["worstRating"], review["reviewRating"]["bestRating"]) == (1, 5)
    assert visible(page, "claimant") == review["itemReviewed"]["author"]["name"] == "Pentagone"
    assert review["itemReviewed"]["author"]["@type"] == "Organization"
    assert review["itemReviewed"]["datePublished"] == "2024-11-04"
    assert '<time datetime="2024-11-04">4 novembre 2024</time>' in page  # its own language
    assert review["itemReviewed"]["appearance"]["url"] == "https://news.example.com/rutte"
    assert 'href="https://news.example.com/rutte"' in page
    assert review["inLanguage"] == "fr" and 'lang="fr"' in page
    assert review["author"]["name"] == app.config["ORG_NAME"]
    assert "dateModified" not in review
    assert "<p>Premier paragraphe.</p>" in page and "<p>Second paragraphe.</p>" in page
    assert "Defence expenditure report" in page and 'href="https://www.nato.int/report.pdf"' in page
    assert "23 Allies meet the 2% guideline." in page
    assert "Corrections" not in page


def test_anonymous_visitors_see_no_desk_navigation(client, users, ctx):
    slug = publish(users)
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    assert "nav-links" not in page and "Sign out" not in page and "Queue" not in page


def test_signed_in_staff_can_read_the_public_page_too(editor_client, users, ctx):
    slug = publish(users)
    response = editor_client.get(f"/fact-checks/{slug}")
    assert response.status_code == 200
    jsonld_of(response.get_data(as_text=True))


def test_markup_in_claim_and_claimant_stays_inert(client, users, ctx):
    slug = publish(
        users,
        edits={"claim_reviewed": f"Claim {XSS}", "claimant_name": f"Claimant {XSS}"},
    )
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    review = jsonld_of(page)  # still exactly one script element, and it parses
    assert review["claimReviewed"] == f"Claim {XSS}"
    assert review["itemReviewed"]["author"]["name"] == f"Claimant {XSS}"
    assert page.lower().count("<script") == 1 and page.lower().count("</script") == 1
    assert "<img" not in page and "<!--" not in page.split("<body>", 1)[1]
    assert visible(page, "claim-reviewed", "h1") == f"Claim {XSS}"
    assert visible(page, "claimant") == f"Claimant {XSS}"
    assert_valid(review)


def test_addresses_typed_with_a_capital_scheme_are_stored_lower_case_and_published(
    client, users, ctx
):
    slug = publish(
        users,
        edits={
            "claimant_name": "OTAN",
            "claimant_same_as": "HTTPS://www.nato.int/",
            "appearance_url": "Https://www.lemonde.fr/article",
        },
    )
    review = jsonld_of(client.get(f"/fact-checks/{slug}").get_data(as_text=True))
    assert review["itemReviewed"]["author"]["sameAs"] == "https://www.nato.int/"
    assert "https://www.lemonde.fr/article" in json.dumps(review["itemReviewed"]["appearance"])
    feed = client.get("/claimreview.json").get_json(force=True)
    assert [e["item"][0]["url"] for e in feed["dataFeedElement"]] == [review["url"]]
    assert_valid(review)


@pytest.mark.parametrize("slug", ["no-such-fact-check-1", "x" * 300, "%3Cscript%3E"])
def test_unknown_slugs_are_404(client, users, ctx, slug):
    publish(users)
    assert client.get(f"/fact-checks/{slug}").status_code == 404


def test_unpublished_claims_are_404_even_with_a_slug(client, users, ctx):
    claim = make_claim(actor=db.session.get(User, users["reviewer"].id))
    claim.slug = f"pas-encore-publie-{claim.id}"  # as if someone guessed the future URL
    db.session.commit()
    assert client.get(f"/fact-checks/{claim.slug}").status_code == 404
    assert claim.slug not in client.get("/fact-checks").get_data(as_text=True)


def test_corrected_page_shows_the_correction_and_date_modified(client, users, ctx):
    slug = publish(users)
    first_published = db.session.scalar(db.select(Claim.published_at).where(Claim.slug == slug))
    verdict = correct(users, slug)
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    review = jsonld_of(page)
    assert_valid(review)
    assert review["dateModified"] == verdict.approved_at.isoformat(timespec="seconds")
    assert review["datePublished"] == first_published.isoformat(timespec="seconds")
    assert visible(page, "rating-label") == review["reviewRating"]["alternateName"]
    assert review["reviewRating"]["alternateName"] == "Plutôt vrai"
    assert review["reviewRating"]["ratingExplanation"] == "Chiffre arrondi."
    assert "Le chiffre exact est 11 000." in page
    assert visible(page, "earlier-rating") == "Vrai"
    assert visible(page, "earlier-summary") == "Le Pentagone l'a bien estimé."
    assert f'datetime="{verdict.approved_at.isoformat(timespec="seconds")}"' in page


def test_a_drafted_correction_changes_nothing_public_until_a_second_editor_approves(
    client, users, ctx
):
    from factcheck.review import services as review

    slug = publish(users)
    page_before = client.get(f"/fact-checks/{slug}").get_data()
    feed_before = client.get("/claimreview.json")
    claim = db.session.scalar(db.select(Claim).where(Claim.slug == slug))
    review.draft_correction(
        db.session,
        claim,
        actor=db.session.get(User, users["editor"].id),
        rating_value_id=default_rating("Faux").id,
        summary="Tout faux.",
        explanation="",
        note="Nous nous sommes trompés.",
    )
    db.session.commit()
    assert client.get(f"/fact-checks/{slug}").get_data() == page_before
    feed = client.get("/claimreview.json")
    assert feed.get_data() == feed_before.get_data()
    assert feed.headers["ETag"] == feed_before.headers["ETag"]
    assert "dateModified" not in jsonld_of(page_before.decode())
    review.approve_correction(db.session, claim, actor=db.session.get(User, users["editor2"].id))
    db.session.commit()
    review_after = jsonld_of(client.get(f"/fact-checks/{slug}").get_data(as_text=True))
    assert review_after["reviewRating"]["alternateName"] == "Faux"
    assert "dateModified" in review_after
    assert client.get("/claimreview.json").headers["ETag"] != feed_before.headers["ETag"]


def test_policy_links_appear_only_when_configured(app, client, users, ctx):
    slug = publish(users)
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    assert "methodology" not in page and "Corrections policy" not in page
    assert "publishingPrinciples" not in jsonld_of(page)["author"]

    app.config["METHODOLOGY_URL"] = f"{ORG_URL}methode"
    app.config["CORRECTIONS_POLICY_URL"] = f"{ORG_URL}corrections"
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    assert f'href="{ORG_URL}methode"' in page and f'href="{ORG_URL}corrections"' in page
    author = jsonld_of(page)["author"]
    assert author["publishingPrinciples"] == f"{ORG_URL}methode"
    assert author["correctionsPolicy"] == f"{ORG_URL}corrections"
    assert_valid(jsonld_of(page))


# --- the index -----------------------------------------------------------------------------------


def test_index_lists_newest_first_and_pages(app, client, users, ctx):
    app.config["PAGE_SIZE"] = 2
    slugs = [
        publish(users, f"Le rapport de juin montre que {n} des 32 membres dépensent assez.")
        for n in (21, 22, 23)
    ]
    make_claim(actor=db.session.get(User, users["reviewer"].id))  # never published
    db.session.commit()

    first = client.get("/fact-checks")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    order = [page.index(f"/fact-checks/{slug}") for slug in reversed(slugs[1:])]
    assert order == sorted(order)
    assert slugs[0] not in page
    assert "Page 1 of 2" in page and 'rel="next"' in page and 'rel="prev"' not in page
    assert 'type="application/ld+json" href="/claimreview.json"' in page
    assert "nav-links" not in page

    second = client.get("/fact-checks?page=2").get_data(as_text=True)
    assert slugs[0] in second and slugs[2] not in second and 'rel="prev"' in second
    assert client.get("/fact-checks?page=3").status_code == 404
    assert client.get("/fact-checks?page=0").status_code == 404


def test_empty_index_says_so(client):
    page = client.get("/fact-checks").get_data(as_text=True)
    assert "Nothing has been published yet." in page
