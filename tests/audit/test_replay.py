"""Replaying a claim's events rebuilds its row; an edit behind the app's back shows."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.audit.replay import claim_differences, replay_claim
from factcheck.claims import workflow
from factcheck.claims.services import edit_claim
from factcheck.extensions import db
from factcheck.models import Claim, User
from factcheck.seeding import default_seeds_dir, load_seeds
from tests.audit.chains import triggers_lifted
from tests.factories import published_claim


@pytest.fixture
def seeded(app, users):
    """The seed article and its extracted claims, then a few changes through the services."""
    with app.app_context():
        load_seeds(db.session, default_seeds_dir())
        editor = db.session.get(User, users["editor"].id)
        reviewer = db.session.get(User, users["reviewer"].id)
        claims = list(db.session.scalars(sa.select(Claim).order_by(Claim.id)))
        assert len(claims) >= 2, "the seed article has check-worthy claims"
        first, second = claims[0], claims[1]
        edit_claim(
            db.session,
            first,
            {"claim_reviewed": "10 000 soldats nord-coréens à Koursk", "priority": 2},
            actor=editor,
            expected_version=first.version,
        )
        workflow.accept(db.session, first, actor=editor)
        workflow.take(db.session, first, actor=reviewer)
        workflow.dismiss(db.session, second, "opinion, not a fact", actor=editor)
        db.session.commit()
        return [c.id for c in claims]


def test_replay_reproduces_every_seed_claim(app, seeded):
    with app.app_context():
        for claim_id in seeded:
            claim = db.session.get(Claim, claim_id)
            replay = replay_claim(db.session, claim_id)
            assert replay.problems == [] and replay.state is not None
            assert claim_differences(db.session, claim) == {}, claim_id
        first = replay_claim(db.session, seeded[0])
        assert first.events == 4 and first.state["status"] == "in_review"
        assert first.state["claim_reviewed"] == "10 000 soldats nord-coréens à Koursk"


def test_a_published_claim_replays_too(app, users):
    with app.app_context():
        claim = published_claim(users)
        db.session.commit()
        assert claim_differences(db.session, claim) == {}


def test_an_edit_behind_the_apps_back_is_found(app, seeded):
    with triggers_lifted(app) as conn:
        conn.execute(
            sa.text(
                "UPDATE claims SET claimant_name = 'Someone Else', priority = 3 WHERE id = :id"
            ),
            {"id": seeded[0]},
        )
    with app.app_context():
        claim = db.session.get(Claim, seeded[0])
        diffs = claim_differences(db.session, claim)
        assert set(diffs) == {"claimant_name", "priority"}
        assert diffs["priority"] == (2, 3)


def test_replay_rebuilds_every_verdict_state_through_send_back_and_corrections(app, users):
    """Drafted, proposed, sent back, proposed again, approved, corrected (superseded), a
    correction discarded: each verdict's row is exactly what its trail folds to."""
    from factcheck.audit.replay import replay_verdict, verdict_differences
    from factcheck.models import Verdict, VerdictState
    from factcheck.review import services as review
    from tests.factories import default_rating, make_claim, people_of, walk_claim

    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, make_claim(actor=people["reviewer"]), "proposed")
        review.request_changes(db.session, claim, "Cite the report.", actor=people["editor"])
        review.propose(db.session, claim, actor=people["reviewer"])
        review.approve(db.session, claim, actor=people["editor2"])

        def draft(label: str, note: str) -> Verdict:
            return review.draft_correction(
                db.session,
                claim,
                actor=people["editor"],
                rating_value_id=default_rating(label).id,
                summary=f"Corrigé : {label}.",
                explanation="",
                note=note,
            )

        dropped = draft("Faux", "Erreur de saisie.")
        review.discard_correction(db.session, claim, actor=people["editor2"])
        correction = draft("Plutôt vrai", "Le chiffre exact est 11 000.")
        review.approve_correction(db.session, claim, actor=people["editor2"])
        db.session.commit()
        first = claim.verdicts[0]
        states = {
            v.id: replay_verdict(db.session, v.id).state["state"]  # type: ignore[index]
            for v in (first, dropped, correction)
        }
        assert states == {
            first.id: VerdictState.SUPERSEDED.value,
            dropped.id: VerdictState.DISCARDED.value,
            correction.id: VerdictState.APPROVED.value,
        }
        for verdict in (first, dropped, correction):
            replay = replay_verdict(db.session, verdict.id)
            assert replay.problems == [], replay.problems
            assert verdict_differences(db.session, verdict) == {}, verdict.id
        assert replay_verdict(db.session, first.id).state["snapshot_label"] == "Vrai"
        assert claim_differences(db.session, claim) == {}


def test_a_verdict_changed_behind_the_apps_back_is_found(app, users):
    from factcheck.audit.replay import verdict_differences

    with app.app_context():
        claim = published_claim(users)
        db.session.commit()
        verdict_id = claim.published_verdict_id
    with triggers_lifted(app) as conn:
        conn.execute(
            sa.text("UPDATE verdicts SET snapshot_label = 'Faux' WHERE id = :id"),
            {"id": verdict_id},
        )
    with app.app_context():
        from factcheck.models import Verdict

        diffs = verdict_differences(db.session, db.session.get(Verdict, verdict_id))
        assert diffs == {"snapshot_label": ("Vrai", "Faux")}
