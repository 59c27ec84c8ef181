"""The export's row builder gives, byte for byte, what ReviewData and build_claim_review give.

The feed and the export build each ClaimReview straight from the row (``ReviewRows``), with the
checks of ReviewData made once per distinct rating and language; the single-review path
(``review_data`` → ``ReviewData`` → ``build_claim_review``) stays for the publishing gate.
These tests hold the two to the same output and the same refusals, on both databases.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from factcheck.extensions import db
from factcheck.models import Claim, ClaimantType
from factcheck.publishing import services
from factcheck.publishing.jsonld.build import Organisation, build_claim_review, iter_feed
from tests.publishing.test_public_pages import ORG_URL, correct, publish

ORG = Organisation(
    name="Le Desk",
    url=ORG_URL,
    logo_url=f"{ORG_URL}logo.png",
    same_as=("https://www.wikidata.org/wiki/Q1",),
)
HOSTILE = 'Il a dit « 10 000 » </script> \\ "cité" \u2028 \t\x01 fin'


def both(row_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ReviewRows from the stored row, build_claim_review of review_data of the typed row)."""
    stored = db.session.execute(
        services.published_select(stored=True).where(Claim.id == row_id)
    ).one()
    typed = db.session.execute(services.published_select().where(Claim.id == row_id)).one()
    return services.ReviewRows(ORG).build(stored), build_claim_review(
        services.review_data(typed), ORG
    )


def encoded(review: dict[str, Any]) -> str:
    return "".join(iter_feed([review], format="jsonl"))


def claim_id(slug: str) -> int:
    return db.session.scalar(db.select(Claim.id).where(Claim.slug == slug))


def test_rows_and_review_data_give_the_same_bytes(users, ctx):
    plain = publish(users)
    corrected = publish(users, "Le rapport de juin montre que 23 des 32 membres dépensent assez.")
    correct(users, corrected)
    odd = publish(users, "Selon l'Insee, le chômage a baissé de 3 % en 2023.")
    db.session.execute(
        db.update(Claim)
        .where(Claim.slug == odd)
        .values(
            slug="été 2024/à.b",  # quoted, a "/" and non-ASCII: not the plain-slug shortcut
            claim_reviewed=HOSTILE,
            claimant_name="Insee",
            claimant_type=ClaimantType.ORGANIZATION,
            claimant_same_as="https://www.wikidata.org/wiki/Q156616",
            claim_date=date(2024, 2, 29),
            appearance_url="https://news.example.com/a?b=1#c",
            appearance_headline="Le chômage « baisse »",
        )
    )
    nameless = publish(users, "Le budget de la défense a augmenté de 5 % cette année.")
    db.session.execute(
        db.update(Claim)
        .where(Claim.slug == nameless)
        .values(claimant_name="", claimant_type=ClaimantType.PERSON, appearance_url=None)
    )
    db.session.commit()
    ids = [claim_id(s) for s in (plain, corrected, nameless)] + [
        db.session.scalar(db.select(Claim.id).where(Claim.slug == "été 2024/à.b"))
    ]
    for row_id in ids:
        fast, reference = both(row_id)
        assert fast == reference
        assert encoded(fast) == encoded(reference)
        # orjson writes what the json module wrote before it (U+2028/9 escaped for line readers).
        text = json.dumps(reference, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        assert encoded(fast) == text.replace("\u2028", "\\u2028") + "\n"
    fast, _ = both(claim_id(corrected))
    assert "dateModified" in fast
    fast, _ = both(ids[-1])
    assert fast["url"] == ORG_URL + "fact-checks/%C3%A9t%C3%A9%202024%2F%C3%A0.b"
    assert fast["claimReviewed"] == HOSTILE.strip()
    assert "author" not in both(ids[2])[0]["itemReviewed"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("appearance_url", "ftp://news.example.com/a"),
        ("appearance_url", "https://"),
        ("appearance_url", "http://[::1/x"),
        ("claimant_same_as", "not a url"),
        ("claimant_name", "   "),
        ("appearance_headline", "   "),
        ("claim_reviewed", "  "),
        ("language", "fr_FR"),  # a POSIX locale, not a BCP 47 tag (and fits 8 chars)
    ],
)
def test_a_row_the_reference_refuses_is_refused_too(users, ctx, column, value):
    slug = publish(users)
    claimant = {"claimant_name": "Insee", "claimant_type": ClaimantType.ORGANIZATION}
    db.session.execute(
        db.update(Claim).where(Claim.slug == slug).values({**claimant, column: value})
    )
    db.session.commit()
    row_id = claim_id(slug)
    stored = db.session.execute(
        services.published_select(stored=True).where(Claim.id == row_id)
    ).one()
    typed = db.session.execute(services.published_select().where(Claim.id == row_id)).one()
    with pytest.raises(ValueError) as reference:
        build_claim_review(services.review_data(typed), ORG)
    with pytest.raises(ValueError) as fast:
        services.ReviewRows(ORG).build(stored)
    assert str(fast.value) == str(reference.value)
