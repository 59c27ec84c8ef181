"""Who may do what to a claim. Views, templates and services ask these same predicates."""

from __future__ import annotations

from factcheck.models import Claim, ClaimStatus, Role, User, Verdict, VerdictState


def is_editor(user: User) -> bool:
    return user.has_role(Role.EDITOR)


def can_triage(user: User, claim: Claim) -> bool:
    """Accept into the queue or dismiss a candidate (or reopen a dismissed one)."""
    return is_editor(user) and claim.status in (ClaimStatus.NEW, ClaimStatus.DISMISSED)


def can_take(user: User, claim: Claim) -> bool:
    return claim.status is ClaimStatus.QUEUED and claim.assignee_id is None


def can_assign(user: User, claim: Claim) -> bool:
    return is_editor(user) and claim.status in (ClaimStatus.QUEUED, ClaimStatus.IN_REVIEW)


def is_assignee(user: User, claim: Claim) -> bool:
    return claim.assignee_id == user.id


def can_hand_back(user: User, claim: Claim) -> bool:
    return claim.status is ClaimStatus.IN_REVIEW and (is_assignee(user, claim) or is_editor(user))


def works_on(user: User, claim: Claim) -> bool:
    """Who may change a claim in the states that allow it: an editor, or its assigned reviewer."""
    return is_editor(user) or is_assignee(user, claim)


def can_edit(user: User, claim: Claim) -> bool:
    """Change the claim's wording, claimant, sources and draft verdict."""
    if claim.status in (ClaimStatus.IN_REVIEW,):
        return is_assignee(user, claim) or is_editor(user)
    if claim.status in (ClaimStatus.NEW, ClaimStatus.QUEUED):
        return is_editor(user)
    return False


def can_propose(user: User, claim: Claim) -> bool:
    return claim.status is ClaimStatus.IN_REVIEW and is_assignee(user, claim)


def is_second_person(user: User, verdict: Verdict) -> bool:
    """The two-person rule: neither the proposer nor the last writer of ``verdict`` approves it."""
    return user.id not in (verdict.proposed_by_id, verdict.last_edited_by_id)


def can_decide(user: User, claim: Claim) -> bool:
    """Approve a proposed verdict: an editor who neither proposed it nor last wrote it."""
    if not is_editor(user) or claim.status is not ClaimStatus.AWAITING_APPROVAL:
        return False
    proposed = current_proposal(claim)
    return proposed is not None and is_second_person(user, proposed)


def can_send_back(user: User, claim: Claim) -> bool:
    """Request changes to a proposed verdict: any editor."""
    return is_editor(user) and claim.status is ClaimStatus.AWAITING_APPROVAL


def can_correct(user: User, claim: Claim) -> bool:
    """Draft a correction: an editor, on a published claim with no correction pending."""
    return (
        is_editor(user) and claim.status is ClaimStatus.PUBLISHED and open_correction(claim) is None
    )


def can_decide_correction(user: User, claim: Claim) -> bool:
    """Approve a drafted correction: an editor who neither drafted nor wrote it."""
    correction = open_correction(claim)
    return (
        is_editor(user)
        and claim.status is ClaimStatus.PUBLISHED
        and correction is not None
        and is_second_person(user, correction)
    )


def can_comment(user: User, claim: Claim) -> bool:
    return True


def current_proposal(claim: Claim) -> Verdict | None:
    """The reviewer's verdict awaiting approval, if any (not a correction)."""
    return next(
        (
            v
            for v in reversed(claim.verdicts)
            if v.state is VerdictState.PROPOSED and v.corrects_id is None
        ),
        None,
    )


def open_correction(claim: Claim) -> Verdict | None:
    """The correction of the published verdict awaiting a second editor, if any."""
    return next(
        (
            v
            for v in reversed(claim.verdicts)
            if v.state is VerdictState.PROPOSED and v.corrects_id is not None
        ),
        None,
    )
