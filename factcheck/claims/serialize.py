"""Claims as JSON, the same for every endpoint that answers API clients with one."""

from __future__ import annotations

from datetime import date
from typing import Any

from factcheck.models import SNAPSHOT_FIELDS, Claim, Verdict, VerdictState
from factcheck.review.proposal import digest


def claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "id": claim.id,
        "claim_reviewed": claim.claim_reviewed,
        "status": claim.status.value,
        "score": claim.score,
        "priority": claim.priority,
        "claimant": claim.claimant_name,
        "article_id": claim.article_id,
        "assignee_id": claim.assignee_id,
        "language": claim.language,
        "created_at": claim.created_at.isoformat(),
        "version": claim.version,
    }


def claim_detail_json(claim: Claim) -> dict[str, Any]:
    """The claim desk for scripts: the claim, its sources and verdicts, each with its version."""
    return {
        **claim_json(claim),
        "text": claim.text,
        "slug": claim.slug,
        "sources": [
            {
                "id": s.id,
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "date_published": _day(s.date_published),
                "date_accessed": _day(s.date_accessed),
                "excerpt": s.excerpt,
                "stance": s.stance.value,
                "archive_url": s.archive_url,
                "version": s.version,
            }
            for s in claim.sources
        ],
        "verdicts": [
            {
                "id": v.id,
                "state": v.state.value,
                "rating": v.snapshot_label or (v.rating.label if v.rating else None),
                "rating_id": v.rating_value_id,
                "summary": v.summary,
                "explanation": v.explanation,
                "review_comment": v.review_comment,
                "correction_note": v.correction_note,
                "corrects_id": v.corrects_id,
                "version": v.version,
                **_published_rating(v),
                **({"digest": digest(claim, v)} if v.state is VerdictState.DRAFT else {}),
            }
            for v in claim.verdicts
        ],
    }


def _published_rating(verdict: Verdict) -> dict[str, Any]:
    """The rating as published (the snapshot taken at approval), for approved verdicts."""
    if verdict.snapshot_label is None:
        return {}
    return {
        "published_rating": {
            name.removeprefix("snapshot_"): getattr(verdict, name) for name in SNAPSHOT_FIELDS
        }
    }


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None
