"""Named constraints hold the invariants even against code that bypasses the services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, Claim, ClaimStatus, Verdict, VerdictState
from factcheck.ratings.services import ensure_default_scales


def _article() -> Article:
    article = Article(
        title="T", language="en", body="Body text.", raw="Body text.", content_hash="a" * 64
    )
    db.session.add(article)
    db.session.flush()
    return article


def _claim(article: Article, **kw) -> Claim:
    claim = Claim(article=article, text="A claim.", claim_reviewed="A claim.", language="en", **kw)
    db.session.add(claim)
    return claim


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": ClaimStatus.DISMISSED}, "dismissed_has_reason"),
        ({"status": ClaimStatus.PUBLISHED}, "published_has_verdict"),
        ({"status": ClaimStatus.IN_REVIEW}, "in_review_has_assignee"),
        ({"start_offset": 5, "end_offset": 2}, "span_within_article"),
        ({"score": 1.5}, "score_range"),
        ({"priority": 9}, "priority_range"),
    ],
)
def test_claim_constraints(ctx, fields, constraint):
    _claim(_article(), **fields)
    with pytest.raises(sa.exc.IntegrityError, match=constraint):
        db.session.flush()
    db.session.rollback()


SNAPSHOT = {
    "snapshot_label": "Faux",
    "snapshot_value": 1,
    "snapshot_best": 5,
    "snapshot_worst": 1,
    "snapshot_definition": "",
    "snapshot_scale": "Échelle",
    "snapshot_language": "fr",
}


@pytest.mark.parametrize(
    ("who", "fields", "constraint"),
    [
        # approved by its proposer: never, a correction included
        ({"proposed": "editor", "approved": "editor"}, SNAPSHOT, "two_person_rule"),
        (
            {"proposed": "editor", "approved": "editor"},
            {**SNAPSHOT, "corrects": True},
            "two_person",
        ),
        # approved by whoever last wrote its rating or text
        (
            {"proposed": "reviewer", "approved": "editor", "edited": "editor"},
            SNAPSHOT,
            "approver_did_not_write",
        ),
        # published without the snapshot of its rating
        ({"proposed": "reviewer", "approved": "editor"}, {}, "published_has_snapshot"),
        (
            {"proposed": "reviewer", "approved": "editor"},
            {**SNAPSHOT, "snapshot_best": None},
            "published_has_snapshot",
        ),
    ],
)
def test_verdict_rules_are_database_constraints(ctx, users, who, fields, constraint):
    scale = ensure_default_scales(db.session, actor=None)[0]
    claim = _claim(_article())
    db.session.flush()
    now = datetime.now(UTC)
    ids = {k: users[v].id for k, v in who.items()}
    fields = dict(fields)
    corrected = None
    if fields.pop("corrects", False):
        corrected = Verdict(
            claim=claim,
            rating_value_id=scale.values[0].id,
            summary="S",
            state=VerdictState.SUPERSEDED,
            proposed_by_id=users["reviewer"].id,
            proposed_at=now,
            approved_by_id=users["editor2"].id,
            approved_at=now,
            created_by_id=users["reviewer"].id,
            **SNAPSHOT,
        )
        db.session.add(corrected)
        db.session.flush()
    db.session.add(
        Verdict(
            claim=claim,
            rating_value_id=scale.values[0].id,
            summary="S",
            state=VerdictState.APPROVED,
            proposed_by_id=ids["proposed"],
            proposed_at=now,
            approved_by_id=ids["approved"],
            approved_at=now,
            created_by_id=ids["proposed"],
            last_edited_by_id=ids.get("edited"),
            corrects=corrected,
            correction_note="Erratum." if corrected else None,
            **fields,
        )
    )
    with pytest.raises(sa.exc.IntegrityError, match=constraint):
        db.session.flush()
    db.session.rollback()


def test_timestamps_are_utc_aware(ctx):
    article = _article()
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Article, article.id)
    assert stored.created_at.tzinfo is not None
    assert stored.created_at.utcoffset().total_seconds() == 0


def test_naive_datetimes_are_refused(ctx):
    article = _article()
    article.created_at = datetime(2024, 1, 1)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()
