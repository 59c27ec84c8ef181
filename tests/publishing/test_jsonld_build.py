"""ClaimReview builder: output shape, input invariants, and the safe <script> embedding."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta, timezone
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factcheck.publishing.jsonld.build import (
    Organisation,
    ReviewData,
    build_claim_review,
    script_json,
    script_tag,
)
from factcheck.publishing.jsonld.validate import validate_claim_review

ORG = Organisation(
    name="Le Desk Vérif",
    url="https://verif.example.fr/",
    logo_url="https://verif.example.fr/logo.png",
    publishing_principles="https://verif.example.fr/principes",
    corrections_policy="https://verif.example.fr/corrections",
)
PUBLISHED = datetime(2025, 6, 20, 9, 30, tzinfo=UTC)


def review(**changes: Any) -> ReviewData:
    fields: dict[str, Any] = {
        "url": "/fact-checks/otan-2-pourcent",
        "claim_reviewed": "23 des 32 membres de l'OTAN consacrent au moins 2 % du PIB à la défense",
        "date_published": PUBLISHED,
        "in_language": "fr",
        "rating_label": "Vrai",
        "rating_value": 5,
        "best_rating": 5,
        "worst_rating": 1,
        "summary": "Le rapport publié en juin par l'OTAN le confirme.",
        "rating_definition": "L'affirmation est exacte.",
        "claimant_name": "Mark Rutte",
        "claimant_type": "Person",
        "claimant_same_as": "https://www.wikidata.org/wiki/Q57792",
        "claim_date": date(2025, 6, 18),
        "appearance_url": "https://news.example.com/rutte-trump",
        "appearance_headline": "Rutte et Trump à La Haye",
        "review_author_name": "Camille Martin",
    }
    fields.update(changes)
    return ReviewData(**fields)


def test_full_review_validates_with_zero_problems() -> None:
    obj = build_claim_review(review(), ORG)
    assert validate_claim_review(obj, org_url=ORG.url) == []


def test_output_shape() -> None:
    obj = build_claim_review(review(), ORG)
    assert obj["@context"] == "https://schema.org"
    assert obj["@type"] == "ClaimReview"
    assert obj["url"] == "https://verif.example.fr/fact-checks/otan-2-pourcent"
    assert obj["datePublished"] == "2025-06-20T09:30:00+00:00"
    assert "dateModified" not in obj
    assert obj["inLanguage"] == "fr"
    assert obj["author"] == {
        "@type": "Organization",
        "name": "Le Desk Vérif",
        "url": "https://verif.example.fr/",
        "logo": {"@type": "ImageObject", "url": "https://verif.example.fr/logo.png"},
        "publishingPrinciples": "https://verif.example.fr/principes",
        "correctionsPolicy": "https://verif.example.fr/corrections",
    }
    assert obj["creator"] == {"@type": "Person", "name": "Camille Martin"}
    assert obj["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 5,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "Vrai",
        "ratingExplanation": "Le rapport publié en juin par l'OTAN le confirme.",
        "description": "L'affirmation est exacte.",
    }
    assert obj["itemReviewed"] == {
        "@type": "Claim",
        "author": {
            "@type": "Person",
            "name": "Mark Rutte",
            "sameAs": "https://www.wikidata.org/wiki/Q57792",
        },
        "datePublished": "2025-06-18",
        "appearance": {
            "@type": "CreativeWork",
            "url": "https://news.example.com/rutte-trump",
            "headline": "Rutte et Trump à La Haye",
        },
    }


def test_minimal_review_has_no_errors() -> None:
    minimal = ReviewData(
        url="https://verif.example.fr/fc/1",
        claim_reviewed="10 000 soldats nord-coréens envoyés à Koursk",
        date_published=PUBLISHED,
        in_language="fr",
        rating_label="Plutôt vrai",
        rating_value=4,
        best_rating=5,
        worst_rating=1,
    )
    obj = build_claim_review(minimal, Organisation(name="Desk", url="https://verif.example.fr"))
    problems = validate_claim_review(obj, org_url="https://verif.example.fr")
    assert [p for p in problems if p.severity == "error"] == []
    assert "ratingExplanation" not in obj["reviewRating"]
    assert obj["itemReviewed"] == {"@type": "Claim"}


def test_date_modified_only_when_corrected() -> None:
    assert "dateModified" not in build_claim_review(review(date_modified=PUBLISHED), ORG)
    corrected = build_claim_review(review(date_modified=PUBLISHED + timedelta(days=2)), ORG)
    assert corrected["dateModified"] == "2025-06-22T09:30:00+00:00"


def test_first_appearance_and_organisation_claimant() -> None:
    obj = build_claim_review(
        review(appearance_is_first=True, claimant_type="Organization", claimant_name="OTAN"),
        ORG,
    )
    assert "appearance" not in obj["itemReviewed"]
    assert obj["itemReviewed"]["firstAppearance"]["url"] == "https://news.example.com/rutte-trump"
    assert obj["itemReviewed"]["author"]["@type"] == "Organization"


def test_non_utc_offset_is_kept_in_iso_8601() -> None:
    paris = timezone(timedelta(hours=2))
    obj = build_claim_review(
        review(date_published=datetime(2025, 6, 20, 11, 30, tzinfo=paris)), ORG
    )
    assert obj["datePublished"] == "2025-06-20T11:30:00+02:00"


def test_absolute_url_on_the_organisation_domain_is_kept() -> None:
    url = "https://verif.example.fr/fc/2?x=1"
    assert build_claim_review(review(url=url), ORG)["url"] == url


def test_url_off_the_organisation_domain_is_refused() -> None:
    with pytest.raises(ValueError, match="not on the organisation's domain"):
        build_claim_review(review(url="https://elsewhere.example.com/fc/1"), ORG)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date_published": datetime(2025, 6, 20, 9, 30)}, "timezone-aware"),
        ({"date_modified": PUBLISHED - timedelta(days=1)}, "earlier"),
        ({"worst_rating": 0, "rating_value": 1}, "worst_rating must be at least 1"),
        ({"best_rating": 1, "rating_value": 1}, "greater than worst_rating"),
        ({"rating_value": 6}, "outside 1..5"),
        ({"rating_value": True}, "must be an integer"),
        ({"rating_value": 2.5}, "must be an integer"),
        ({"claim_reviewed": "   "}, "claim_reviewed must be a non-empty string"),
        ({"rating_label": ""}, "rating_label"),
        ({"in_language": "français"}, "BCP 47"),
        ({"claimant_type": "Robot"}, "claimant_type"),
        ({"claimant_name": None}, "claimant_type needs claimant_name"),
        ({"appearance_url": "javascript:alert(1)"}, "absolute http"),
        ({"claimant_same_as": "/wiki/Q1"}, "absolute http"),
    ],
)
def test_review_data_refuses_bad_input(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        review(**changes)


def test_organisation_refuses_bad_urls() -> None:
    with pytest.raises(ValueError, match=r"Organisation\.url"):
        Organisation(name="Desk", url="verif.example.fr")
    with pytest.raises(ValueError, match=r"Organisation\.name"):
        Organisation(name=" ", url="https://verif.example.fr")


# --- <script> embedding ------------------------------------------------------------------------


class ScriptCollector(HTMLParser):
    """Record every start tag and the text of each <script> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_scripts(html: str) -> ScriptCollector:
    collector = ScriptCollector()
    collector.feed(html)
    collector.close()
    return collector


HOSTILE = "</script><script>alert(1)</script> \u2028 \u2029 <!-- & &amp; </SCRIPT > ]]>"


def test_hostile_claim_stays_inside_the_script_tag() -> None:
    obj = build_claim_review(review(claim_reviewed=HOSTILE), ORG)
    html = f"<p>before</p>{script_tag(obj)}<p>after</p>"
    parsed = parse_scripts(html)
    assert [tag for tag, _ in parsed.tags] == ["p", "script", "p"]
    assert parsed.tags[1][1] == [("type", "application/ld+json")]
    assert len(parsed.scripts) == 1
    assert json.loads(parsed.scripts[0]) == obj
    assert json.loads(parsed.scripts[0])["claimReviewed"] == HOSTILE


def test_script_json_escapes_every_dangerous_character() -> None:
    text = script_json({"k<>&": HOSTILE})
    for raw in ("<", ">", "&", "\u2028", "\u2029"):
        assert raw not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == {"k<>&": HOSTILE}


def test_script_tag_is_pretty_printable() -> None:
    tag = script_tag({"a": "<b>"}, indent=2)
    assert tag.startswith('<script type="application/ld+json">{\n  "a": "\\u003cb\\u003e"\n}')


@given(st.text())
def test_any_text_round_trips_through_the_script_tag(text: str) -> None:
    parsed = parse_scripts(script_tag({"claimReviewed": text}))
    assert len(parsed.scripts) == 1
    assert json.loads(parsed.scripts[0]) == {"claimReviewed": text}
