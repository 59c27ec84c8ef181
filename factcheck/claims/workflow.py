"""The claim workflow of the design, enforced: every move checks who, from where and what it needs.

| from              | to                | who                                        |
|-------------------|-------------------|--------------------------------------------|
| new               | queued            | editor (accept)                            |
| new               | dismissed         | editor, with a reason                      |
| dismissed         | new               | editor (reopen)                            |
| queued            | in_review         | reviewer takes it / editor assigns         |
| in_review         | queued            | assignee or editor hands it back           |
| in_review         | awaiting_approval | the assignee proposes a verdict            |
| awaiting_approval | in_review         | editor requests changes, with a comment    |
| awaiting_approval | published         | an editor who did not propose the verdict  |
|                   |                   | nor last write it, approving it exactly as |
|                   |                   | proposed (its version and digest)          |
| published         | published         | an editor drafts a correction; a different |
|                   |                   | editor approves it (the claim stays        |
|                   |                   | published; its verdict is superseded)      |

Moves of the review stage (propose, approve, request changes, corrections) live in
``factcheck.review.services``; they use :func:`move` from here. A published verdict is locked:
it keeps the snapshot of its rating taken at approval and changes only by a correction.
"""

from __future__ import annotations

from typing import Any, NoReturn

import sqlalchemy as sa

from factcheck.audit.log import change_and_record, record
from factcheck.claims import policy
from factcheck.database import DBSession
from factcheck.domain import Conflict, PermissionDenied, ValidationError
from factcheck.models import Claim, ClaimStatus, User, utcnow
from factcheck.validation import clean_text

S = ClaimStatus
TRANSITIONS: frozenset[tuple[ClaimStatus, ClaimStatus]] = frozenset(
    {
        (S.NEW, S.QUEUED),
        (S.NEW, S.DISMISSED),
        (S.DISMISSED, S.NEW),
        (S.QUEUED, S.IN_REVIEW),
        (S.IN_REVIEW, S.QUEUED),
        (S.IN_REVIEW, S.AWAITING_APPROVAL),
        (S.AWAITING_APPROVAL, S.IN_REVIEW),
        (S.AWAITING_APPROVAL, S.PUBLISHED),
    }
)
MAX_REASON_LENGTH = 500


def label(status: ClaimStatus) -> str:
    return status.value.replace("_", " ")


def check_version(claim: Claim, expected_version: int | None) -> None:
    """Refuse a change made from a stale copy of the claim (optimistic locking)."""
    if expected_version is not None and expected_version != claim.version:
        raise Conflict(
            f"claim #{claim.id} was changed by someone else since you opened it "
            f"(your copy: version {expected_version}; now: version {claim.version})"
        )


# Why a claim in these states cannot be changed, and what to do instead.
LOCKED = {
    S.AWAITING_APPROVAL: "an editor must approve it or send it back first",
    S.PUBLISHED: "an editor can publish a correction instead",
    S.DISMISSED: "an editor can reopen it first",
}
NOT_YOURS = "only the assigned reviewer, or an editor, can change this claim"


def require_edit(actor: User, claim: Claim) -> None:
    """Refuse a change to the claim's wording, sources or draft verdict: 403 who, 409 when."""
    if policy.can_edit(actor, claim):
        return
    if policy.works_on(actor, claim) and claim.status in LOCKED:
        raise Conflict(
            f"claim #{claim.id} is {label(claim.status)}, so it cannot be changed: "
            f"{LOCKED[claim.status]}"
        )
    raise PermissionDenied(NOT_YOURS)


def refuse_move(claim: Claim, to: ClaimStatus) -> NoReturn:
    """A move the workflow does not allow from the claim's state: a conflict, whoever asks."""
    raise Conflict(f"claim #{claim.id} is {label(claim.status)}; it cannot move to {label(to)}")


def move(
    session: DBSession,
    claim: Claim,
    to: ClaimStatus,
    *,
    actor: User,
    action: str,
    values: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Move ``claim`` to ``to`` with any other field ``values``, and record it as ``action``."""
    if (claim.status, to) not in TRANSITIONS:
        refuse_move(claim, to)
    change_and_record(
        session,
        claim,
        {"status": to, **(values or {})},
        actor=actor,
        action=action,
        entity_type="claim",
        data=data,
        versioned=True,
    )


def accept(session: DBSession, claim: Claim, *, actor: User) -> None:
    """An editor accepts a candidate claim into the queue."""
    if not policy.is_editor(actor):
        raise PermissionDenied("only editors can accept a candidate claim")
    move(session, claim, S.QUEUED, actor=actor, action="claim.accept")


def dismiss(
    session: DBSession, claim: Claim, reason: str, *, actor: User, duplicate_of: int | None = None
) -> None:
    """An editor dismisses a candidate, saying why (not check-worthy, duplicate of #N, …)."""
    if not policy.is_editor(actor):
        raise PermissionDenied("only editors can dismiss a candidate claim")
    if (claim.status, S.DISMISSED) not in TRANSITIONS:
        refuse_move(claim, S.DISMISSED)
    text = clean_text(reason, "reason", max_length=MAX_REASON_LENGTH, required=True)
    if duplicate_of is not None and (
        duplicate_of == claim.id or session.get(Claim, duplicate_of) is None
    ):
        raise ValidationError(f"duplicate_of: no other claim #{duplicate_of}", field="duplicate_of")
    move(
        session,
        claim,
        S.DISMISSED,
        actor=actor,
        action="claim.dismiss",
        values={"dismiss_reason": text, "duplicate_of_id": duplicate_of},
    )


def reopen(session: DBSession, claim: Claim, *, actor: User) -> None:
    if not policy.is_editor(actor):
        raise PermissionDenied("only editors can reopen a dismissed claim")
    move(
        session,
        claim,
        S.NEW,
        actor=actor,
        action="claim.reopen",
        values={"dismiss_reason": None, "duplicate_of_id": None},
    )


def take(session: DBSession, claim: Claim, *, actor: User) -> None:
    """The actor takes a queued claim. Atomic: of two reviewers taking it at once, one wins."""
    if claim.status is not S.QUEUED:
        raise Conflict(f"claim #{claim.id} is {label(claim.status)}, not queued")
    result = session.execute(
        sa.update(Claim)
        .where(Claim.id == claim.id, Claim.status == S.QUEUED, Claim.assignee_id.is_(None))
        .values(
            status=S.IN_REVIEW, assignee_id=actor.id, version=Claim.version + 1, updated_at=utcnow()
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        session.expire(claim)
        raise Conflict(f"claim #{claim.id} was just taken by someone else")
    session.refresh(claim)
    record(
        session,
        actor=actor,
        action="claim.take",
        entity_type="claim",
        entity_id=claim.id,
        changes={
            "status": (S.QUEUED, S.IN_REVIEW),
            "assignee_id": (None, actor.id),
            "version": (claim.version - 1, claim.version),
        },
    )


def take_next(session: DBSession, *, actor: User, language: str | None = None) -> Claim | None:
    """Give the actor the best queued claim (priority, then score, then age), or ``None``."""
    for _attempt in range(5):
        stmt = (
            sa.select(Claim)
            .where(Claim.status == S.QUEUED, Claim.assignee_id.is_(None))
            .order_by(
                Claim.priority.desc(), Claim.score.desc().nulls_last(), Claim.created_at, Claim.id
            )
            .limit(1)
        )
        if language:
            stmt = stmt.where(Claim.language == language)
        if session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update(skip_locked=True)
        claim = session.scalar(stmt)
        if claim is None:
            return None
        try:
            with session.begin_nested():
                take(session, claim, actor=actor)
        except Conflict:
            continue  # lost a race for this one: try the next best
        return claim
    raise Conflict("the queue is busy; try again")


def assign(session: DBSession, claim: Claim, assignee: User, *, actor: User) -> None:
    """An editor assigns (or reassigns) a claim to a reviewer."""
    if not policy.is_editor(actor):
        raise PermissionDenied("only editors can assign queued or in-review claims")
    if claim.status not in (S.QUEUED, S.IN_REVIEW):
        raise Conflict(
            f"claim #{claim.id} is {label(claim.status)}: "
            "only queued or in-review claims can be assigned"
        )
    if not assignee.active:
        raise ValidationError(f"{assignee.email} is deactivated", field="assignee")
    if claim.status is S.QUEUED:
        move(
            session,
            claim,
            S.IN_REVIEW,
            actor=actor,
            action="claim.assign",
            values={"assignee_id": assignee.id},
        )
        return
    change_and_record(
        session,
        claim,
        {"assignee_id": assignee.id},
        actor=actor,
        action="claim.assign",
        entity_type="claim",
        versioned=True,
    )


def hand_back(session: DBSession, claim: Claim, *, actor: User) -> None:
    """The assignee (or an editor) returns an in-review claim to the queue."""
    if not (policy.is_assignee(actor, claim) or policy.is_editor(actor)):
        raise PermissionDenied("only the assignee or an editor can hand this claim back")
    move(
        session,
        claim,
        S.QUEUED,
        actor=actor,
        action="claim.hand_back",
        values={"assignee_id": None},
    )
