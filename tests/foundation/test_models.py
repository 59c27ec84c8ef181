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


def test_two_person_rule_is_a_database_constraint(ctx, users):
    scale = ensure_default_scales(db.session, actor=None)[0]
    claim = _claim(_article())
    db.session.flush()
    now = datetime.now(UTC)
    editor = users["editor"].id
    db.session.add(
        Verdict(
            claim=claim,
            rating_value_id=scale.values[0].id,
            summary="S",
            state=VerdictState.APPROVED,
            proposed_by_id=editor,
            proposed_at=now,
            approved_by_id=editor,
            approved_at=now,
            created_by_id=editor,
        )
    )
    with pytest.raises(sa.exc.IntegrityError, match="two_person_rule"):
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
