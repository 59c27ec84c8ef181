"""Creating claims. Every function records its audit event in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from factcheck.audit.log import record, snapshot
from factcheck.models import Article, Claim, ClaimantType, ClaimStatus, User

if TYPE_CHECKING:
    from factcheck.extraction import Candidate

# Every column a claim's history must be able to rebuild; creation events carry all of them.
CLAIM_FIELDS = (
    "article_id",
    "text",
    "start_offset",
    "end_offset",
    "claim_reviewed",
    "claimant_name",
    "claimant_type",
    "claimant_same_as",
    "claim_date",
    "appearance_url",
    "appearance_headline",
    "language",
    "score",
    "reasons",
    "quantities",
    "status",
    "dismiss_reason",
    "duplicate_of_id",
    "assignee_id",
    "priority",
    "published_verdict_id",
    "slug",
    "published_at",
    "version",
)


def claim_reviewed_from(text: str, limit: int = 300) -> str:
    """A first ``claimReviewed`` wording: the sentence itself, cut at a word if very long."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def add_extracted_claims(
    session: Session, article: Article, candidates: Iterable[Candidate], *, actor: User | None
) -> list[Claim]:
    """Store the check-worthy candidates of ``article`` as claims in state ``new``."""
    claims = []
    for cand in candidates:
        if not cand.checkworthy:
            continue
        claim = Claim(
            article=article,
            text=cand.text,
            start_offset=cand.start,
            end_offset=cand.end,
            claim_reviewed=claim_reviewed_from(cand.text),
            claimant_name=cand.claimant.name if cand.claimant else None,
            claimant_type=ClaimantType(cand.claimant.type) if cand.claimant else None,
            appearance_url=article.url,
            appearance_headline=article.headline or article.title,
            claim_date=article.published_on,
            language=article.language,
            score=round(float(cand.score), 4),
            reasons=list(cand.reasons),
            quantities=[q.to_dict() for q in cand.quantities],
            status=ClaimStatus.NEW,
            created_by_id=actor.id if actor else None,
        )
        session.add(claim)
        session.flush()
        record(session, actor=actor, action="claim.create", entity_type="claim", entity_id=claim.id,
               changes=snapshot(claim, CLAIM_FIELDS), data={"origin": "extraction"})
        claims.append(claim)
    return claims
