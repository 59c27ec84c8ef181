"""The claim desk's "already checked" panel: store a claim's matches, link one, or dismiss as one.

``store_matches`` is run when claims are extracted (ingest) and after each decision; it keeps
the decided rows and replaces the others, so the queue's "has a match" filter reads a table.
Linking adds the earlier fact-check to the claim's sources through the review service, and
dismissing goes through the workflow's ``dismiss`` (new claims, editors only): both keep their
own audit events, and the decision is recorded too.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.claims import workflow
from factcheck.database import DBSession
from factcheck.domain import NotFound, ValidationError
from factcheck.memory.index import DESK_TOP, Found, find_matches
from factcheck.models import Claim, ClaimMatch, ClaimStatus, MatchDecision, Source, Stance, User
from factcheck.publishing.services import organisation
from factcheck.review import services as review

KINDS = ("imported", "ours")


def store_matches(session: DBSession, claim: Claim, org: Any) -> list[Found]:
    """Recompute the claim's matches: decided rows stay, the others are replaced."""
    found = find_matches(session, claim, org, top=DESK_TOP)
    decided = session.scalars(
        sa.select(ClaimMatch).where(
            ClaimMatch.claim_id == claim.id, ClaimMatch.decision.is_not(None)
        )
    ).all()
    kept = {(_kind(m), m.fact_check_id or m.published_claim_id) for m in decided}
    session.execute(
        sa.delete(ClaimMatch).where(ClaimMatch.claim_id == claim.id, ClaimMatch.decision.is_(None))
    )
    for rank, item in enumerate(found, 1):
        if (item.kind, item.target_id) in kept:
            continue
        session.add(_row(claim, item, rank))
    session.flush()
    return found


def store_claims_matches(session: DBSession, claims: Any, org: Any | None = None) -> int:
    """Store the matches of each claim; return how many claims have at least one."""

    claims = list(claims)
    if not claims:
        return 0
    org = org or organisation(session, current_app.config)
    return sum(bool(store_matches(session, claim, org)) for claim in claims)


def refresh_open_claims(session: DBSession, org: Any | None = None) -> int:
    """After an import: recompute the matches of every claim still being worked on."""
    open_states = (ClaimStatus.NEW, ClaimStatus.QUEUED, ClaimStatus.IN_REVIEW)
    claims = session.scalars(sa.select(Claim).where(Claim.status.in_(open_states)))
    return store_claims_matches(session, claims, org)


def _kind(match: ClaimMatch) -> str:
    return "imported" if match.fact_check_id is not None else "ours"


def _row(claim: Claim, item: Found, rank: int) -> ClaimMatch:
    return ClaimMatch(
        claim_id=claim.id,
        fact_check_id=item.target_id if item.kind == "imported" else None,
        published_claim_id=item.target_id if item.kind == "ours" else None,
        rank=rank,
        score=item.score,
        reasons=list(item.reasons),
    )


def _chosen(session: DBSession, claim: Claim, org: Any, kind: str, target_id: int) -> Found:
    if kind not in KINDS:
        raise ValidationError(
            _("kind must be one of %(kinds)s", kinds=", ".join(KINDS)), field="kind"
        )
    for item in find_matches(session, claim, org, top=DESK_TOP):
        if (item.kind, item.target_id) == (kind, target_id):
            return item
    raise NotFound(
        _(
            "fact-check %(kind)s #%(id)s is not among the matches of claim #%(claim)s",
            kind=kind,
            id=target_id,
            claim=claim.id,
        )
    )


def _decide(
    session: DBSession, claim: Claim, item: Found, decision: MatchDecision, actor: User
) -> None:
    column = ClaimMatch.fact_check_id if item.kind == "imported" else ClaimMatch.published_claim_id
    row = session.scalar(
        sa.select(ClaimMatch).where(ClaimMatch.claim_id == claim.id, column == item.target_id)
    )
    if row is None:
        row = _row(claim, item, 1)
        session.add(row)
    row.decision = decision
    session.flush()
    record(
        session,
        actor=actor,
        action=AuditAction(f"claim.match_{decision.value}"),
        entity_type="claim",
        entity_id=claim.id,
        data={"kind": item.kind, "target_id": item.target_id, "url": item.url},
    )


def link_as_source(
    session: DBSession, claim: Claim, org: Any, *, kind: str, target_id: int, actor: User
) -> Source:
    """Add an earlier fact-check to the claim's sources (whoever may edit the claim)."""
    item = _chosen(session, claim, org, kind, target_id)
    if any(s.url == item.url for s in claim.sources):
        raise ValidationError(
            _("%(url)s is already a source of this claim", url=item.url), field="url"
        )
    source = review.add_source(
        session,
        claim,
        {
            "url": item.url,
            "title": f"Fact-check: {item.claim_reviewed}"[:300],
            "publisher": item.publisher,
            "date_published": item.date,
            "excerpt": f"Rated {item.rating}.",
            "stance": Stance.CONTEXT.value,
        },
        actor=actor,
    )
    _decide(session, claim, item, MatchDecision.LINKED, actor)
    return source


def dismiss_as_duplicate(
    session: DBSession, claim: Claim, org: Any, *, kind: str, target_id: int, actor: User
) -> None:
    """Dismiss a new claim as already checked by the chosen fact-check (editors)."""
    item = _chosen(session, claim, org, kind, target_id)
    reason = f"duplicate: already checked by {item.publisher} ({item.rating}), {item.url}"
    workflow.dismiss(
        session,
        claim,
        reason[:500],
        actor=actor,
        duplicate_of=item.target_id if item.kind == "ours" else None,
    )
    _decide(session, claim, item, MatchDecision.DUPLICATE, actor)
