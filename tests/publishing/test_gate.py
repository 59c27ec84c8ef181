"""One gate before anything is public (issue 11, item 4).

Approve, correct and saving the organisation settings build the ClaimReview(s) they would
publish and run the validator; an error refuses the action with the validator's message, 422
naming the field, and changes nothing. The desk's warning, the services and the validator share
one "rating in the wording" rule.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import sqlalchemy as sa
from flask import current_app

from factcheck.domain import ValidationError
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, OrganisationSettings, RatingValue, User
from factcheck.organisation import services as organisation
from factcheck.publishing import gate
from factcheck.publishing.jsonld.validate import errors, rating_in_wording, validate_claim_review
from factcheck.review import proposal
from factcheck.review import services as review
from tests.factories import default_rating, make_claim, people_of, walk_claim
from tests.publishing.test_jsonld_validate import VALID
from tests.publishing.test_public_pages import publish
from tests.workflow.test_http_desk import JSON, as_user, make_state, post, snapshot

# label, wording, contains
WORDING = [
    ("False", "It is false—and it costs 2% of GDP", True),  # em dash
    ("False", "The figure is false–and rounded", True),  # en dash
    ("False", "A false-positive rate of 10%", True),  # hyphen
    ("False", "That's false'", True),  # apostrophe '
    ("Faux", "C’était faux’ selon lui", True),  # apostrophe ’
    ("Faux", "C'est FAUX : 10 000 soldats", True),
    ("Vrai", "Les élu·e·s disent vrai·e·s", True),  # "·"
    ("Plutôt faux", "C'est plutot—faux, dit-il", True),  # accents folded, dash between words
    ("Plutôt vrai", "Un chiffre PLUTÔT VRAI", True),
    ("Mostly true", "mostly…true, he said", True),
    ("Misleading", "a «misleading» claim", True),
    ("Trompeur", "Un chiffre « trompeur »", True),
    ("Didn't happen", "He says it didn’t happen", True),  # ' in the label, ’ in the wording
    ("Vrai", "Un chiffre invraisemblable : 10 000 soldats", False),
    ("True", "Untrue figures from 2024", False),
    ("False", "A falsehood about the budget", False),
    ("Faux", "Le faussaire a signé", False),
    ("Plutôt faux", "Plutôt que faux, disons inexact", False),  # not the words in a row
    ("Mostly true", "true, mostly", False),
]


@pytest.mark.parametrize(("label", "wording", "contains"), WORDING)
def test_one_rule_for_the_rating_in_the_wording(label: str, wording: str, contains: bool) -> None:
    assert rating_in_wording(label, wording) is contains
    # The desk and the services ask the same function as the validator …
    assert review.rating_in_wording(wording, RatingValue(label=label)) is contains
    # … and the validator's error says the same.
    obj = copy.deepcopy(VALID)
    obj["claimReviewed"] = wording
    obj["reviewRating"]["alternateName"] = label
    found = [p for p in errors(validate_claim_review(obj)) if p.path == "claimReviewed"]
    assert bool(found) is contains


def test_the_desk_warns_with_the_same_rule(app, users):
    claim_id = make_state(app, users, "sourced")
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None
        claim.claim_reviewed = "Le Pentagone dit vrai—10 000 soldats"
        db.session.commit()
    page = as_user(app, users, "reviewer").get(f"/claims/{claim_id}").get_data(as_text=True)
    assert "The wording contains the rating “Vrai”" in page


def test_propose_refuses_the_wording_that_used_to_slip_through(people_en):
    """ "false—and" became "falseand" in the desk's check and was published, failing validate."""
    claim = make_claim(actor=people_en["reviewer"])
    claim.claim_reviewed = "The Pentagon figure is false—and inflated"
    claim.language = "en"
    walk_claim(people_en, claim, "sourced", rating="False")
    with pytest.raises(ValidationError, match="contains the rating") as refused:
        review.propose(db.session, claim, actor=people_en["reviewer"])
    assert refused.value.field == "claim_reviewed"


@pytest.fixture
def people_en(users, ctx):
    default_rating()
    return people_of(users)


def _audit_count() -> int:
    return int(db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) or 0)


@pytest.mark.parametrize("as_json", [True, False], ids=["json", "html"])
def test_approve_is_refused_422_naming_the_field_when_the_markup_would_be_invalid(
    app, users, as_json
):
    claim_id = make_state(app, users, "proposed")
    with app.app_context():
        # Wording that contains the rating, reached without the desk (an import, an old row).
        claim = db.session.get(Claim, claim_id)
        assert claim is not None
        claim.claim_reviewed = "Le Pentagone dit vrai’ : 10 000 soldats"
        # As if proposed with this wording (an old row): the proposal binding, which would
        # answer 409 for a wording changed since, passes, and the gate is what refuses.
        verdict = claim.verdicts[-1]
        verdict.proposed_digest = proposal.digest(claim, verdict)
        db.session.commit()
    client = as_user(app, users, "editor2")
    before = snapshot(app, claim_id)
    response = post(client, claim_id, "approve", {}, headers=JSON if as_json else {})
    assert response.status_code == 422
    message = "claimReviewed must not contain the rating label 'Vrai'"
    if as_json:
        body = response.get_json()
        assert body["field"] == "claim_reviewed"
        assert "claimReviewed: " + message in body["message"]
    else:
        assert message.replace("'", "&#39;") in response.get_data(as_text=True)
    assert snapshot(app, claim_id) == before
    with app.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim is not None and claim.status is ClaimStatus.AWAITING_APPROVAL
        assert claim.slug is None and claim.published_verdict_id is None


def test_a_valid_approval_still_publishes(app, users):
    claim_id = make_state(app, users, "proposed")
    response = post(as_user(app, users, "editor2"), claim_id, "approve", {}, headers=JSON)
    assert response.status_code == 200, response.get_json()
    assert snapshot(app, claim_id)["claim"][0] is ClaimStatus.PUBLISHED


def test_correct_is_refused_naming_the_field_and_changes_nothing(users, ctx):
    slug = publish(users)
    claim = db.session.scalar(sa.select(Claim).where(Claim.slug == slug))
    assert claim is not None
    # A legacy row written before the desk checked links: the builder itself refuses it.
    claim.appearance_url = "ftp://archive.example.org/speech"
    db.session.commit()
    verdicts, events = len(claim.verdicts), _audit_count()
    with pytest.raises(ValidationError, match="appearance_url must be an absolute") as refused:
        review.draft_correction(
            db.session,
            claim,
            actor=db.session.get(User, users["editor"].id),
            rating_value_id=default_rating("Plutôt vrai").id,
            summary="Chiffre arrondi.",
            explanation="",
            note="Précision.",
        )
    assert refused.value.field == "appearance_url"
    assert "nothing was published or changed" in refused.value.message
    assert len(claim.verdicts) == verdicts and _audit_count() == events
    assert not db.session.new and not db.session.dirty


def test_approving_a_correction_runs_the_gate_too(users, ctx):
    """A correction drafted while valid, whose claim a legacy write broke since, is refused at
    approval by the second editor: nothing is published or changed."""
    slug = publish(users)
    claim = db.session.scalar(sa.select(Claim).where(Claim.slug == slug))
    assert claim is not None
    correction = review.draft_correction(
        db.session,
        claim,
        actor=db.session.get(User, users["editor"].id),
        rating_value_id=default_rating("Plutôt vrai").id,
        summary="Chiffre arrondi.",
        explanation="",
        note="Précision.",
    )
    db.session.commit()
    claim.appearance_url = "ftp://archive.example.org/speech"
    # As if drafted with it (the binding, which would answer 409, passes): the gate refuses.
    correction.proposed_digest = proposal.digest(claim, correction)
    db.session.commit()
    published, events = claim.published_verdict_id, _audit_count()
    with pytest.raises(ValidationError, match="appearance_url must be an absolute") as refused:
        review.approve_correction(
            db.session, claim, actor=db.session.get(User, users["editor2"].id)
        )
    assert refused.value.field == "appearance_url"
    assert claim.published_verdict_id == published and _audit_count() == events
    assert not db.session.new and not db.session.dirty


def test_the_gate_builds_what_the_page_will_show(users, ctx):
    people = people_of(users)
    claim = walk_claim(people, make_claim(actor=people["reviewer"]), "proposed")
    verdict = review.draft_verdict(claim) or claim.verdicts[-1]
    built = gate.check_publishable(
        db.session,
        claim,
        rating=verdict.rating,
        summary=verdict.summary,
        slug=review.make_slug(db.session, claim),
    )
    review.approve(db.session, claim, actor=people["editor2"])
    from factcheck.publishing import services

    org = services.organisation(db.session, current_app.config)
    published = services.claim_review(db.session, claim, org)
    for key in ("datePublished",):  # built a moment before the approval
        built.pop(key), published.pop(key)
    assert built == published


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("claimReviewed", "claim_reviewed"),
        ("reviewRating.alternateName", "rating"),
        ("reviewRating.ratingExplanation", "summary"),
        ("reviewRating", "rating"),
        ("itemReviewed.author.sameAs", "claimant_same_as"),
        ("itemReviewed.appearance.url", "appearance_url"),
        ("author.logo.url", "logo_url"),
        ("author.sameAs[1]", "same_as"),
        ("url", "url"),
        ("inLanguage", "language"),
    ],
)
def test_validator_paths_name_the_form_field(path: str, field: str) -> None:
    assert gate.field_of(path) == field


DESK = {
    "name": "Le Desk Vérif",
    "url": "https://verif.example.fr",
    "methodology_url": "https://verif.example.fr/methode",
    "corrections_policy_url": "",
    "logo_url": "",
    "same_as": "",
}


def _save(users: dict[str, Any], **changes: Any) -> Any:
    return organisation.save_settings(
        db.session,
        {**DESK, **changes},
        expected_version=None,
        actor=db.session.get(User, users["admin"].id),
        config=current_app.config,
    )


def test_organisation_save_rebuilds_every_published_review(users, ctx, monkeypatch):
    publish(users)
    publish(users, "Le rapport de juin montre que 23 des 32 membres dépensent assez.")
    checked: list[int] = []
    real = gate.check_organisation

    def spy(*args: Any, **kwargs: Any) -> int:
        checked.append(real(*args, **kwargs))
        return checked[-1]

    monkeypatch.setattr(gate, "check_organisation", spy)
    _save(users)
    assert checked == [2]


def test_organisation_save_that_would_break_the_markup_is_refused(users, ctx, monkeypatch):
    publish(users)
    events = _audit_count()
    # A value the form's rules let through by mistake must still not reach the public markup.
    real_clean = organisation.clean_settings
    monkeypatch.setattr(
        organisation,
        "clean_settings",
        lambda submitted: {**real_clean(submitted), "logo_url": "ftp://verif.example.fr/l.png"},
    )
    with pytest.raises(ValidationError, match="logo_url must be an absolute") as refused:
        _save(users)
    assert refused.value.field == "logo_url"
    assert db.session.get(OrganisationSettings, 1) is None
    assert _audit_count() == events


def test_a_review_already_invalid_does_not_block_the_organisation_save(users, ctx):
    slug = publish(users)
    claim = db.session.scalar(sa.select(Claim).where(Claim.slug == slug))
    assert claim is not None
    claim.claim_reviewed = "Le Pentagone dit vrai"  # published before the gate existed
    db.session.commit()
    _save(users)
    row = db.session.get(OrganisationSettings, 1)
    assert row is not None and row.name == "Le Desk Vérif"
