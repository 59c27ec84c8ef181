"""The claim workflow of the design, as one table: every move of a claim and of its verdict.

Each row of :data:`MOVES` is one move: its name (the claim's audit action), the claim's state
before and after, the verdict's state before and after (when the verdict moves with it), who may
make it (a predicate of ``claims/policy.py``; 403 with the row's message otherwise), and the guard
its service checks (422 or 409). A move whose row does not start from the claim's state is a
409, whoever asks. Services (here and in ``factcheck.review.services``) ask the table through
:func:`require` and :func:`move`; views ask :func:`allowed` for the policy checked before the form
is read. Nothing else states who may move a claim or what they are told when they may not.

| move                     | claim from → to                | verdict from → to   | who           |
|--------------------------|--------------------------------|---------------------|---------------|
| claim.accept             | new → queued                   |                     | editor        |
| claim.dismiss            | new → dismissed                |                     | editor        |
| claim.reopen             | dismissed → new                |                     | editor        |
| claim.take               | queued → in_review             |                     | anyone        |
| claim.assign             | queued, in_review → in_review  |                     | editor        |
| claim.hand_back          | in_review → queued             |                     | assignee, ed. |
| claim.propose            | in_review → awaiting_approval  | draft → proposed    | assignee      |
| claim.send_back          | awaiting_approval → in_review  | proposed → draft    | editor        |
| claim.publish            | awaiting_approval → published  | proposed → approved | 2nd editor    |
| claim.draft_correction   | published (stays)              | — → proposed        | editor        |
| claim.correct            | published → published          | proposed → approved | 2nd editor    |
|                          |                                | (old: superseded)   |               |
| claim.discard_correction | published (stays)              | proposed → discard. | editor        |

A published verdict is locked: it keeps the snapshot of its rating taken at approval and changes
only by a correction, drafted by one editor and approved by another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import sqlalchemy as sa
from flask_babel import LazyString

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import change_and_record, record
from factcheck.claims import policy
from factcheck.claims.queries import TAKE_NEXT_ORDER, order_by
from factcheck.database import DBSession
from factcheck.domain import Conflict, Message, PermissionDenied, ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import Claim, ClaimStatus, User, VerdictState, utcnow
from factcheck.validation import clean_text

S = ClaimStatus
V = VerdictState
Who = Callable[[User, Claim], bool]


def _editor(user: User, _claim: Claim) -> bool:
    return policy.is_editor(user)


def _anyone(_user: User, _claim: Claim) -> bool:
    return True


def _assignee_or_editor(user: User, claim: Claim) -> bool:
    return policy.is_assignee(user, claim) or policy.is_editor(user)


@dataclass(frozen=True)
class Move:
    """One row of the workflow table."""

    name: str  # the move, named as the claim's audit event (``claim.accept``)
    source: ClaimStatus  # the claim's state it starts from
    target: ClaimStatus  # the claim's state it ends in
    who: Who  # may this user ever make this move on this claim? (403 when not)
    who_label: str  # the same, in words, for the documentation and tests
    message: Message  # the refusal when ``who`` says no, written here only
    guard: str = ""  # what the move needs, checked by its service (422 / 409)
    verdict: tuple[VerdictState | None, VerdictState] | None = None  # the verdict's move with it
    also: tuple[tuple[VerdictState, VerdictState], ...] = ()  # other verdicts that move with it


EDITORS_ACCEPT = _l("only editors can accept a candidate claim")
EDITORS_DISMISS = _l("only editors can dismiss a candidate claim")
EDITORS_REOPEN = _l("only editors can reopen a dismissed claim")
EDITORS_ASSIGN = _l("only editors can assign queued or in-review claims")
ASSIGNEE_HANDS_BACK = _l("only the assignee or an editor can hand this claim back")
ASSIGNEE_PROPOSES = _l("only the assigned reviewer can propose a verdict for this claim")
EDITORS_SEND_BACK = _l("only an editor can send back a verdict awaiting approval")
EDITORS_APPROVE = _l("only an editor can approve a verdict awaiting approval")
EDITORS_CORRECT = _l("only an editor can correct a published fact-check")
EDITORS_APPROVE_CORRECTION = _l("only an editor can approve a correction")
EDITORS_DISCARD_CORRECTION = _l("only an editor can discard a correction")

MOVES: tuple[Move, ...] = (
    Move("claim.accept", S.NEW, S.QUEUED, _editor, "editor", EDITORS_ACCEPT),
    Move(
        "claim.dismiss",
        S.NEW,
        S.DISMISSED,
        _editor,
        "editor",
        EDITORS_DISMISS,
        guard="a reason (not check-worthy, duplicate of #N, opinion, …)",
    ),
    Move("claim.reopen", S.DISMISSED, S.NEW, _editor, "editor", EDITORS_REOPEN),
    Move(
        "claim.take",
        S.QUEUED,
        S.IN_REVIEW,
        _anyone,
        "anyone",
        "",
        guard="nobody has it: of two taking it at once, one wins",
    ),
    Move(
        "claim.assign",
        S.QUEUED,
        S.IN_REVIEW,
        _editor,
        "editor",
        EDITORS_ASSIGN,
        guard="an active assignee",
    ),
    Move(
        "claim.assign",
        S.IN_REVIEW,
        S.IN_REVIEW,
        _editor,
        "editor",
        EDITORS_ASSIGN,
        guard="an active assignee (reassigning)",
    ),
    Move(
        "claim.hand_back",
        S.IN_REVIEW,
        S.QUEUED,
        _assignee_or_editor,
        "assignee or editor",
        ASSIGNEE_HANDS_BACK,
    ),
    Move(
        "claim.propose",
        S.IN_REVIEW,
        S.AWAITING_APPROVAL,
        policy.is_assignee,
        "assignee",
        ASSIGNEE_PROPOSES,
        guard="at least one source, a rating and a summary; the draft as the page showed it",
        verdict=(V.DRAFT, V.PROPOSED),
    ),
    Move(
        "claim.send_back",
        S.AWAITING_APPROVAL,
        S.IN_REVIEW,
        _editor,
        "editor",
        EDITORS_SEND_BACK,
        guard="a comment saying what needs to change",
        verdict=(V.PROPOSED, V.DRAFT),
    ),
    Move(
        "claim.publish",
        S.AWAITING_APPROVAL,
        S.PUBLISHED,
        _editor,
        "editor",
        EDITORS_APPROVE,
        guard="an editor who neither proposed nor last wrote the verdict, approving it exactly "
        "as proposed; the publication gate",
        verdict=(V.PROPOSED, V.APPROVED),
    ),
    Move(
        "claim.draft_correction",
        S.PUBLISHED,
        S.PUBLISHED,
        _editor,
        "editor",
        EDITORS_CORRECT,
        guard="no correction pending; a new rating or text, and a public correction note",
        verdict=(None, V.PROPOSED),
    ),
    Move(
        "claim.correct",
        S.PUBLISHED,
        S.PUBLISHED,
        _editor,
        "editor",
        EDITORS_APPROVE_CORRECTION,
        guard="a correction pending, approved by an editor who neither drafted nor wrote it",
        verdict=(V.PROPOSED, V.APPROVED),
        also=((V.APPROVED, V.SUPERSEDED),),
    ),
    Move(
        "claim.discard_correction",
        S.PUBLISHED,
        S.PUBLISHED,
        _editor,
        "editor",
        EDITORS_DISCARD_CORRECTION,
        guard="a correction pending",
        verdict=(V.PROPOSED, V.DISCARDED),
    ),
)
MOVE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(m.name for m in MOVES))
# The claim's state changes the table allows (moves that leave the state as it is excluded).
TRANSITIONS: frozenset[tuple[ClaimStatus, ClaimStatus]] = frozenset(
    (m.source, m.target) for m in MOVES if m.source is not m.target
)


def rows(name: str) -> tuple[Move, ...]:
    """The rows of move ``name`` (one per state it may start from)."""
    found = tuple(m for m in MOVES if m.name == name)
    if not found:
        raise KeyError(f"no move {name!r} in the workflow table")
    return found


def allowed(name: str) -> tuple[Who, Message]:
    """``(who, message)`` of move ``name``: the policy a view checks before reading the form."""
    first = rows(name)[0]
    return first.who, first.message


def require(actor: User, claim: Claim, name: str) -> None:
    """Refuse (403, with the row's message) an actor who may never make move ``name`` here."""
    who, message = allowed(name)
    if not who(actor, claim):
        raise PermissionDenied(message)


def row_for(claim: Claim, name: str) -> Move | None:
    """The row of move ``name`` that starts from the claim's state, if any (a move the table
    does not know has none: it is refused like any move from the wrong state)."""
    return next((m for m in MOVES if m.name == name and m.source is claim.status), None)


MAX_REASON_LENGTH = 500


# The workflow's states as people read them (the values stay the machine's: ``in_review``).
STATUS_NAMES: dict[ClaimStatus, LazyString] = {
    S.NEW: _l("new"),
    S.QUEUED: _l("queued"),
    S.DISMISSED: _l("dismissed"),
    S.IN_REVIEW: _l("in review"),
    S.AWAITING_APPROVAL: _l("awaiting approval"),
    S.PUBLISHED: _l("published"),
}


def label(status: ClaimStatus) -> str:
    """The state's name in the interface's language (English outside a request)."""
    return str(STATUS_NAMES[status])


def check_version(claim: Claim, expected_version: int | None) -> None:
    """Refuse a change made from a stale copy of the claim (optimistic locking)."""
    if expected_version is not None and expected_version != claim.version:
        raise Conflict(
            _l(
                "claim #%(id)s was changed by someone else since you opened it "
                "(your copy: version %(yours)s; now: version %(now)s)",
                id=claim.id,
                yours=expected_version,
                now=claim.version,
            )
        )


# Why a claim in these states cannot be changed, and what to do instead.
LOCKED = {
    S.AWAITING_APPROVAL: _l("an editor must approve it or send it back first"),
    S.PUBLISHED: _l("an editor can publish a correction instead"),
    S.DISMISSED: _l("an editor can reopen it first"),
}
NOT_YOURS = _l("only the assigned reviewer, or an editor, can change this claim")


def require_edit(actor: User, claim: Claim) -> None:
    """Refuse a change to the claim's wording, sources or draft verdict: 403 who, 409 when."""
    if policy.can_edit(actor, claim):
        return
    if policy.works_on(actor, claim) and claim.status in LOCKED:
        raise Conflict(
            _l(
                "claim #%(id)s is %(status)s, so it cannot be changed: %(instead)s",
                id=claim.id,
                status=STATUS_NAMES[claim.status],
                instead=LOCKED[claim.status],
            )
        )
    raise PermissionDenied(NOT_YOURS)


def refuse_move(claim: Claim, to: ClaimStatus) -> NoReturn:
    """A move the workflow does not allow from the claim's state: a conflict, whoever asks."""
    raise Conflict(
        _l(
            "claim #%(id)s is %(status)s; it cannot move to %(to)s",
            id=claim.id,
            status=STATUS_NAMES[claim.status],
            to=STATUS_NAMES[to],
        )
    )


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
    """Make move ``action`` (a row of the table) to ``to`` with any other field ``values``, and
    record it as ``action``; a conflict when no row of ``action`` leads there from here."""
    found = row_for(claim, action)
    if found is None or found.target is not to:
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
    require(actor, claim, "claim.accept")
    move(session, claim, S.QUEUED, actor=actor, action=AuditAction.CLAIM_ACCEPT)


def dismiss(
    session: DBSession, claim: Claim, reason: str, *, actor: User, duplicate_of: int | None = None
) -> None:
    """An editor dismisses a candidate, saying why (not check-worthy, duplicate of #N, …)."""
    require(actor, claim, "claim.dismiss")
    if row_for(claim, "claim.dismiss") is None:
        refuse_move(claim, S.DISMISSED)
    text = clean_text(reason, "reason", max_length=MAX_REASON_LENGTH, required=True)
    if duplicate_of is not None and (
        duplicate_of == claim.id or session.get(Claim, duplicate_of) is None
    ):
        raise ValidationError(
            _l("duplicate_of: no other claim #%(id)s", id=duplicate_of), field="duplicate_of"
        )
    move(
        session,
        claim,
        S.DISMISSED,
        actor=actor,
        action=AuditAction.CLAIM_DISMISS,
        values={"dismiss_reason": text, "duplicate_of_id": duplicate_of},
    )


def reopen(session: DBSession, claim: Claim, *, actor: User) -> None:
    require(actor, claim, "claim.reopen")
    move(
        session,
        claim,
        S.NEW,
        actor=actor,
        action=AuditAction.CLAIM_REOPEN,
        values={"dismiss_reason": None, "duplicate_of_id": None},
    )


def take(session: DBSession, claim: Claim, *, actor: User) -> None:
    """The actor takes a queued claim. Atomic: of two reviewers taking it at once, one wins."""
    require(actor, claim, "claim.take")
    if row_for(claim, "claim.take") is None:
        raise Conflict(
            _l(
                "claim #%(id)s is %(status)s, not queued",
                id=claim.id,
                status=STATUS_NAMES[claim.status],
            )
        )
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
        raise Conflict(_l("claim #%(id)s was just taken by someone else", id=claim.id))
    session.refresh(claim)
    record(
        session,
        actor=actor,
        action=AuditAction.CLAIM_TAKE,
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
            .order_by(*order_by(TAKE_NEXT_ORDER))
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
    raise Conflict(_l("the queue is busy; try again"))


def assign(session: DBSession, claim: Claim, assignee: User, *, actor: User) -> None:
    """An editor assigns (or reassigns) a claim to a reviewer."""
    require(actor, claim, "claim.assign")
    if row_for(claim, "claim.assign") is None:
        raise Conflict(
            _l(
                "claim #%(id)s is %(status)s: only queued or in-review claims can be assigned",
                id=claim.id,
                status=STATUS_NAMES[claim.status],
            )
        )
    if not assignee.active:
        raise ValidationError(
            _l("%(email)s is deactivated", email=assignee.email), field="assignee"
        )
    move(
        session,
        claim,
        S.IN_REVIEW,
        actor=actor,
        action=AuditAction.CLAIM_ASSIGN,
        values={"assignee_id": assignee.id},
    )


def hand_back(session: DBSession, claim: Claim, *, actor: User) -> None:
    """The assignee (or an editor) returns an in-review claim to the queue."""
    require(actor, claim, "claim.hand_back")
    move(
        session,
        claim,
        S.QUEUED,
        actor=actor,
        action=AuditAction.CLAIM_HAND_BACK,
        values={"assignee_id": None},
    )
