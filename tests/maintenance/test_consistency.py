"""Rows against the replay of their audit trail: what a restore checks before the swap."""

from __future__ import annotations

import sqlalchemy as sa

from factcheck.audit.log import record
from factcheck.extensions import db
from factcheck.maintenance.consistency import trail_differences
from factcheck.models import Verdict
from tests.audit.chains import triggers_lifted
from tests.factories import people_of, published_claim


def test_a_desk_run_through_the_services_agrees_with_its_trail(app, users):
    with app.app_context():
        published_claim(users)
        db.session.commit()
        assert trail_differences(db.session) == []


def test_a_field_the_trail_starts_recording_is_compared_without_a_code_change(app, users):
    """``correction_note`` is in no verdict event today: once one records it, it is checked."""
    with app.app_context():
        claim = published_claim(users)
        verdict = claim.published_verdict
        record(
            db.session,
            actor=people_of(users)["editor"],
            action="verdict.annotate",
            entity_type="verdict",
            entity_id=verdict.id,
            changes={"correction_note": (None, "recorded, but never written to the row")},
        )
        db.session.commit()
        problems = trail_differences(db.session)
        assert len(problems) == 1
        assert f"verdict #{verdict.id}: correction_note is None in the row" in problems[0]


def test_rows_changed_behind_the_trails_back_are_found(app, users):
    with app.app_context():
        claim = published_claim(users)
        db.session.commit()
        claim_id, verdict_id = claim.id, claim.published_verdict_id
    with triggers_lifted(app) as conn:
        conn.execute(sa.text("UPDATE claims SET priority = 3 WHERE id = :id"), {"id": claim_id})
        conn.execute(
            sa.text("UPDATE verdicts SET state = 'draft' WHERE id = :id"), {"id": verdict_id}
        )
    with app.app_context():
        problems = trail_differences(db.session)
        assert any(f"claim #{claim_id}: priority is 3 in the row" in p for p in problems)
        assert any(f"verdict #{verdict_id}: state is 'draft' in the row" in p for p in problems)
        assert db.session.get(Verdict, verdict_id).state.value == "draft"
