"""Claims as JSON, the same for every endpoint that answers API clients with one."""

from __future__ import annotations

from typing import Any

from factcheck.models import Claim


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
