"""`factcheck seed --demo-users --worked-example`: M2 published end to end, once, as an example."""

from __future__ import annotations

import json

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, Source, User
from factcheck.publishing.jsonld.validate import errors, validate_claim_review
from factcheck.seeding import EXAMPLE_SOURCES
from tests.publishing.test_public_pages import ORG_URL, jsonld_of

REAL_SOURCES = {
    "https://www.devdiscourse.com/article/headlines/2985964-nato-achieves-defense-spending-milestone",
    "https://swedenherald.com/article/record-number-of-nato-countries-expected-to-reach-spending-target",
}


def _counts() -> tuple[int, ...]:
    db.session.rollback()
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0
        for model in (Claim, Source, AuditEvent, User)
    )


def test_worked_example_is_published_once_through_the_real_services(app, client, runner, tmp_path):
    result = runner.invoke(args=["seed", "--demo-users", "--worked-example"])
    assert result.exit_code == 0, result.output
    assert "worked example published: claim #" in result.output
    with app.app_context():
        [claim] = db.session.scalars(sa.select(Claim).where(Claim.is_example.is_(True))).all()
        assert claim.status is ClaimStatus.PUBLISHED and claim.slug
        assert "23 des 32 membres de l’OTAN" in claim.text
        assert {s.url for s in claim.sources} == REAL_SOURCES == {s["url"] for s in EXAMPLE_SOURCES}
        events = {
            e.action: e.actor
            for e in db.session.scalars(
                sa.select(AuditEvent).where(
                    AuditEvent.entity_type.in_(("claim", "verdict")),
                )
            )
        }
        assert events["claim.propose"] == "reviewer@newsroom.example.org"
        assert events["claim.publish"] == "editor@newsroom.example.org"
        slug, before = claim.slug, _counts()
    again = runner.invoke(args=["seed", "--demo-users", "--worked-example"])
    assert again.exit_code == 0 and "already published" in again.output
    with app.app_context():
        assert _counts() == before
    page = client.get(f"/fact-checks/{slug}").get_data(as_text=True)
    assert "Exemple commenté." in page and "Sweden Herald" in page  # a French fact-check
    review = jsonld_of(page)
    assert review["reviewRating"]["alternateName"] == "Vrai"
    assert errors(validate_claim_review(review, org_url=ORG_URL)) == []
    feed = tmp_path / "feed.json"
    assert runner.invoke(args=["export", "claimreview", "-o", str(feed)]).exit_code == 0
    items = json.loads(feed.read_text(encoding="utf-8"))["dataFeedElement"]
    assert [i["item"][0]["url"] for i in items] == [review["url"]]
    checked = runner.invoke(args=["validate", str(feed), "--org-url", ORG_URL])
    assert checked.exit_code == 0, checked.output
    assert "0 error(s)" in checked.output and "keep it within 75" not in checked.output


def test_worked_example_needs_the_demo_users(runner):
    result = runner.invoke(args=["seed", "--worked-example"])
    assert result.exit_code == 1
    assert "needs the demo editor" in result.output
