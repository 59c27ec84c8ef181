"""The workflow table of the design, enforced by the services (no HTTP here)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from factcheck.claims import workflow
from factcheck.claims.services import add_manual_claim, edit_claim
from factcheck.domain import Conflict, PermissionDenied, ValidationError
from factcheck.extensions import db
from factcheck.models import AuditEvent, ClaimStatus, User, VerdictState
from factcheck.review import services as review
from tests.factories import default_rating, make_article, make_claim, published_claim

SOURCE = {"url": "https://example.org/a", "title": "A source", "stance": "refutes"}


@pytest.fixture
def people(ctx, users):
    return {k: db.session.get(User, u.id) for k, u in users.items()}


def _events() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq)))


def test_the_whole_path_publishes_and_records_every_step(people):
    claim = published_claim(people)
    assert claim.status is ClaimStatus.PUBLISHED
    assert claim.published_verdict.state is VerdictState.APPROVED
    assert claim.slug.endswith(f"-{claim.id}")
    assert [e for e in _events() if not e.startswith(("user.", "rating_scale.", "article."))] == [
        "claim.create",
        "claim.accept",
        "claim.take",
        "source.add",
        "verdict.draft",
        "verdict.propose",
        "claim.propose",
        "verdict.approve",
        "claim.publish",
    ]


def test_reviewer_cannot_accept_or_dismiss(people):
    claim = make_claim()
    with pytest.raises(PermissionDenied):
        workflow.accept(db.session, claim, actor=people["reviewer"])
    with pytest.raises(PermissionDenied):
        workflow.dismiss(db.session, claim, "opinion", actor=people["reviewer"])


def test_dismiss_needs_a_reason_and_reopen_clears_it(people):
    claim = make_claim()
    with pytest.raises(ValidationError, match="reason is required"):
        workflow.dismiss(db.session, claim, "  ", actor=people["editor"])
    workflow.dismiss(db.session, claim, "opinion, not a fact", actor=people["editor"])
    assert claim.status is ClaimStatus.DISMISSED
    workflow.reopen(db.session, claim, actor=people["editor"])
    assert claim.status is ClaimStatus.NEW and claim.dismiss_reason is None


def test_moves_outside_the_table_are_refused(people):
    claim = make_claim()
    with pytest.raises(Conflict, match="not queued"):
        workflow.take(db.session, claim, actor=people["reviewer"])
    workflow.accept(db.session, claim, actor=people["editor"])
    with pytest.raises(Conflict, match="cannot move to queued"):
        workflow.move(db.session, claim, ClaimStatus.QUEUED, actor=people["editor"], action="x")


def test_two_reviewers_cannot_both_take_a_claim(people):
    claim = make_claim()
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=people["reviewer"])
    with pytest.raises(Conflict):
        workflow.take(db.session, claim, actor=people["reviewer2"])
    assert claim.assignee_id == people["reviewer"].id


def test_take_next_gives_the_best_queued_claim(people):
    article = make_article(body="Un. Deux. Trois.")
    low, high = (
        add_manual_claim(db.session, article, t, actor=people["editor"]) for t in ("Un.", "Deux.")
    )
    low.score, high.score = 0.2, 0.9
    for c in (low, high):
        workflow.accept(db.session, c, actor=people["editor"])
    assert workflow.take_next(db.session, actor=people["reviewer"]) is high
    assert workflow.take_next(db.session, actor=people["reviewer2"]) is low
    assert workflow.take_next(db.session, actor=people["reviewer"]) is None


def test_propose_requires_source_rating_and_summary(people):
    claim = make_claim()
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=people["reviewer"])
    with pytest.raises(ValidationError, match="at least one source, a rating, a summary"):
        review.propose(db.session, claim, actor=people["reviewer"])
    review.add_source(db.session, claim, SOURCE, actor=people["reviewer"])
    review.save_verdict(
        db.session,
        claim,
        actor=people["reviewer"],
        rating_value_id=default_rating().id,
        summary="",
        explanation="",
    )
    with pytest.raises(ValidationError, match="a summary"):
        review.propose(db.session, claim, actor=people["reviewer"])
    with pytest.raises(PermissionDenied):
        review.propose(db.session, claim, actor=people["reviewer2"])


def test_two_person_rule(people):
    claim = make_claim()
    editor = people["editor"]
    workflow.accept(db.session, claim, actor=editor)
    workflow.assign(db.session, claim, editor, actor=editor)
    review.add_source(db.session, claim, SOURCE, actor=editor)
    review.save_verdict(
        db.session,
        claim,
        actor=editor,
        rating_value_id=default_rating().id,
        summary="Faux, selon le rapport.",
        explanation="",
    )
    review.propose(db.session, claim, actor=editor)
    with pytest.raises(PermissionDenied, match="two-person rule"):
        review.approve(db.session, claim, actor=editor)
    with pytest.raises(PermissionDenied):
        review.approve(db.session, claim, actor=people["reviewer"])
    review.approve(db.session, claim, actor=people["editor2"])
    assert claim.status is ClaimStatus.PUBLISHED


def _sourced(people, label="Faux"):
    """A claim in review by the reviewer, with a source and a draft verdict rated ``label``."""
    claim = make_claim()
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=people["reviewer"])
    review.add_source(db.session, claim, SOURCE, actor=people["reviewer"])
    review.save_verdict(
        db.session,
        claim,
        actor=people["reviewer"],
        rating_value_id=default_rating(label).id,
        summary="Selon le rapport.",
        explanation="",
    )
    return claim


def test_an_editor_who_wrote_the_verdict_cannot_approve_it(people):
    claim = _sourced(people)
    verdict = review.draft_verdict(claim)
    review.save_verdict(
        db.session,
        claim,
        actor=people["editor"],
        rating_value_id=default_rating("Vrai").id,
        summary="Selon le rapport.",
        explanation="",
        expected_version=verdict.version,
    )
    assert verdict.last_edited_by_id == people["editor"].id
    review.propose(db.session, claim, actor=people["reviewer"], expected_version=verdict.version)
    with pytest.raises(PermissionDenied, match="you wrote this verdict's current rating or text"):
        review.approve(db.session, claim, actor=people["editor"])
    review.approve(db.session, claim, actor=people["editor2"])
    assert claim.status is ClaimStatus.PUBLISHED


def test_propose_from_a_stale_copy_is_refused(people):
    claim = _sourced(people)
    verdict = review.draft_verdict(claim)
    seen_version, seen_digest = verdict.version, review.proposal.digest(claim, verdict)
    review.add_source(
        db.session, claim, {**SOURCE, "url": "https://example.org/b"}, actor=people["editor"]
    )
    with pytest.raises(Conflict, match="the sources changed since you opened the page") as info:
        review.propose(
            db.session,
            claim,
            actor=people["reviewer"],
            expected_version=seen_version,
            expected_digest=seen_digest,
        )
    assert info.value.field == "sources" and claim.status is ClaimStatus.IN_REVIEW


@pytest.mark.parametrize(
    ("change", "part"),
    [
        ("relabel", "rating"),
        ("definition", "rating"),
        ("new best", "rating"),
        ("source", "sources"),
        ("wording", "claim"),
        ("summary", "verdict"),
    ],
)
def test_approval_refuses_anything_changed_since_the_proposal(people, change, part):
    """Whatever moves after proposing (even outside the services), approval names it: 409."""
    from factcheck.models import RatingValue
    from factcheck.ratings import services as ratings

    claim = _sourced(people)
    verdict = review.propose(db.session, claim, actor=people["reviewer"])
    rating = verdict.rating
    if change == "relabel":  # no published verdict uses it yet, so the admin may
        ratings.edit_value(
            db.session, rating, label="Archi faux", value=1, definition="", actor=people["admin"]
        )
    elif change == "definition":
        rating.definition = "Autre définition."
    elif change == "new best":
        ratings.add_value(
            db.session,
            rating.scale,
            label="Très vrai",
            value=9,
            definition="",
            actor=people["admin"],
        )
    elif change == "source":
        claim.sources[0].title = "Another title"
    elif change == "wording":
        claim.claim_reviewed = "Une autre formulation"
    else:
        verdict.summary = "Autre résumé."
    db.session.flush()
    db.session.expire_all()
    with pytest.raises(Conflict, match="changed since the verdict was proposed") as info:
        review.approve(db.session, claim, actor=people["editor2"])
    assert info.value.field == part
    assert claim.status is ClaimStatus.AWAITING_APPROVAL
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RatingValue)) >= 10


def test_send_back_then_propose_again(people):
    claim = make_claim()
    reviewer = people["reviewer"]
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=reviewer)
    review.add_source(db.session, claim, SOURCE, actor=reviewer)
    review.save_verdict(
        db.session,
        claim,
        actor=reviewer,
        rating_value_id=default_rating().id,
        summary="S",
        explanation="",
    )
    review.propose(db.session, claim, actor=reviewer)
    with pytest.raises(ValidationError, match="comment is required"):
        review.request_changes(db.session, claim, "", actor=people["editor"])
    verdict = review.request_changes(db.session, claim, "Cite the report.", actor=people["editor"])
    assert claim.status is ClaimStatus.IN_REVIEW
    assert verdict.state is VerdictState.DRAFT and verdict.review_comment == "Cite the report."
    review.propose(db.session, claim, actor=reviewer)
    assert claim.status is ClaimStatus.AWAITING_APPROVAL


def test_wording_must_not_contain_the_rating(people):
    claim = make_claim()
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=people["reviewer"])
    edit_claim(
        db.session,
        claim,
        {"claim_reviewed": "C'est faux : 10 000 soldats"},
        actor=people["reviewer"],
        expected_version=claim.version,
    )
    review.add_source(db.session, claim, SOURCE, actor=people["reviewer"])
    review.save_verdict(
        db.session,
        claim,
        actor=people["reviewer"],
        rating_value_id=default_rating("Faux").id,
        summary="S",
        explanation="",
    )
    with pytest.raises(ValidationError, match="contains the rating"):
        review.propose(db.session, claim, actor=people["reviewer"])


CORRECTION = {
    "summary": "Chiffre arrondi.",
    "explanation": "",
    "note": "Le chiffre exact est 11 000.",
}


def _draft(claim, actor, label="Plutôt vrai", **values):
    return review.draft_correction(
        db.session,
        claim,
        actor=actor,
        rating_value_id=default_rating(label).id,
        **{**CORRECTION, **values},
    )


def test_correction_keeps_the_earlier_verdict(people):
    claim = published_claim(people)
    first = claim.published_verdict
    with pytest.raises(PermissionDenied):
        _draft(claim, people["reviewer"])
    new = _draft(claim, people["editor"])
    # Drafted: nothing published changes until a second editor approves.
    assert claim.published_verdict is first and first.state is VerdictState.APPROVED
    assert new.state is VerdictState.PROPOSED and new.corrects is first
    review.approve_correction(db.session, claim, actor=people["editor2"])
    assert claim.published_verdict is new and new.corrects is first
    assert first.state is VerdictState.SUPERSEDED and new.state is VerdictState.APPROVED
    assert claim.status is ClaimStatus.PUBLISHED
    assert (new.snapshot_label, new.snapshot_value) == ("Plutôt vrai", 4)
    assert (first.snapshot_label, first.snapshot_value) == ("Vrai", 5)
    assert _events()[-4:] == [
        "verdict.correction_draft",
        "verdict.approve_correction",
        "verdict.supersede",
        "claim.correct",
    ]


def test_correction_needs_a_second_editor(people):
    claim = published_claim(people)
    first = claim.published_verdict
    correction = _draft(claim, people["editor"])
    before = _events()
    with pytest.raises(PermissionDenied, match="two-person rule: you proposed this correction"):
        review.approve_correction(db.session, claim, actor=people["editor"])
    with pytest.raises(PermissionDenied, match="only an editor"):
        review.approve_correction(db.session, claim, actor=people["reviewer"])
    with pytest.raises(Conflict, match="already awaiting approval") as info:
        _draft(claim, people["editor2"], label="Faux")
    assert info.value.field == "correction"
    with pytest.raises(Conflict, match="changed since you opened it"):
        review.approve_correction(
            db.session, claim, actor=people["editor2"], expected_version=correction.version + 1
        )
    assert _events() == before and claim.published_verdict is first
    # The database holds the rule too, whatever a service might do.
    with pytest.raises(sa.exc.IntegrityError, match="two_person_rule"), db.session.begin_nested():
        correction.state = VerdictState.APPROVED
        correction.last_edited_by_id = None  # leave only the proposer approving it
        correction.approved_by_id = people["editor"].id
        correction.approved_at = correction.proposed_at
        for name, value in review.proposal.rating_snapshot(correction.rating).items():
            setattr(correction, name, value)
        db.session.flush()


def test_a_discarded_correction_stays_on_record_and_publishes_nothing(people):
    claim = published_claim(people)
    first = claim.published_verdict
    correction = _draft(claim, people["editor"])
    review.discard_correction(db.session, claim, actor=people["editor"])
    assert correction.state is VerdictState.DISCARDED
    assert claim.published_verdict is first and first.state is VerdictState.APPROVED
    with pytest.raises(Conflict, match="no correction awaiting approval"):
        review.approve_correction(db.session, claim, actor=people["editor2"])
    assert review.corrections(claim) == []
    again = _draft(claim, people["editor"], label="Faux")  # a new draft may follow
    review.approve_correction(db.session, claim, actor=people["editor2"])
    assert claim.published_verdict is again


def test_stale_edit_is_refused(people):
    claim = make_claim()
    version = claim.version
    edit_claim(
        db.session,
        claim,
        {"claimant_name": "Pentagone"},
        actor=people["editor"],
        expected_version=version,
    )
    with pytest.raises(Conflict, match="changed by someone else"):
        edit_claim(
            db.session,
            claim,
            {"claimant_name": "OTAN"},
            actor=people["editor"],
            expected_version=version,
        )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({**SOURCE, "url": "javascript:alert(1)"}, "url"),
        ({**SOURCE, "url": "data:text/html,x"}, "url"),
        ({**SOURCE, "archive_url": "ftp://x.org/a"}, "archive_url"),
        ({**SOURCE, "title": ""}, "title"),
        ({**SOURCE, "title": "a\x00b"}, "title"),
        ({**SOURCE, "stance": "maybe"}, "stance"),
        (
            {**SOURCE, "date_published": date(2024, 2, 1), "date_accessed": date(2024, 1, 1)},
            "date_accessed",
        ),
    ],
)
def test_bad_sources_are_refused(people, values, field):
    claim = make_claim()
    workflow.accept(db.session, claim, actor=people["editor"])
    workflow.take(db.session, claim, actor=people["reviewer"])
    with pytest.raises(ValidationError) as info:
        review.add_source(db.session, claim, values, actor=people["reviewer"])
    assert info.value.field == field


def test_manual_claim_must_quote_the_article(people):
    article = make_article()
    with pytest.raises(ValidationError, match="does not appear"):
        add_manual_claim(db.session, article, "Something else entirely.", actor=people["reviewer"])
    claim = add_manual_claim(
        db.session,
        article,
        "  Le Pentagone   estime que 10 000 soldats ont été envoyés.",
        actor=people["reviewer"],
    )
    assert article.body[claim.start_offset : claim.end_offset] == claim.text


def test_correction_cannot_put_the_rating_in_the_wording(people):
    claim = published_claim(people)
    claim.claim_reviewed = "Un chiffre plutôt vrai"
    with pytest.raises(ValidationError, match="contains the rating"):
        _draft(claim, people["editor"], note="Précision.")


def test_a_proposal_made_before_proposals_were_recorded_is_sent_back_not_approved(people):
    claim = _sourced(people)
    verdict = review.propose(db.session, claim, actor=people["reviewer"])
    verdict.proposed_digest = None  # as a proposal still open when migration 0009 ran
    with pytest.raises(Conflict, match="no record to approve it against") as info:
        review.approve(db.session, claim, actor=people["editor2"])
    assert info.value.field == "verdict" and claim.status is ClaimStatus.AWAITING_APPROVAL
    review.request_changes(db.session, claim, "Propose it again.", actor=people["editor2"])
    review.propose(db.session, claim, actor=people["reviewer"])
    review.approve(db.session, claim, actor=people["editor2"])
    assert claim.status is ClaimStatus.PUBLISHED
