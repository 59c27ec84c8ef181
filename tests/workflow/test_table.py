"""The workflow table, walked row by row through the services on a real database.

Every row of ``claims.workflow.MOVES`` is made once by someone it allows (the claim moves as the
row says, and so does its verdict), refused to someone it does not allow (403 with the row's own
message, nothing changed), and refused from a state it does not start from (409, nothing
changed), on SQLite and PostgreSQL. A row added to the table without a way to make it here fails
``test_every_row_is_walked``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from factcheck.claims import workflow
from factcheck.claims.workflow import MOVES, Move
from factcheck.domain import Conflict, PermissionDenied
from factcheck.extensions import db
from factcheck.models import AuditEvent, Claim, ClaimStatus, User, Verdict, VerdictState
from factcheck.review import services as review
from tests.factories import default_rating, make_article, make_claim, walk_claim

S = ClaimStatus
_N = itertools.count()
Action = Callable[[Claim, User, dict[str, User]], Any]


@pytest.fixture
def people(ctx, users):
    return {k: db.session.get(User, u.id) for k, u in users.items()}


def _draft_correction(claim: Claim, actor: User, people: dict[str, User]) -> Any:
    return review.draft_correction(
        db.session,
        claim,
        actor=actor,
        rating_value_id=default_rating("Plutôt vrai").id,
        summary="Chiffre arrondi.",
        explanation="",
        note="Le chiffre exact est 11 000.",
    )


# How each move is made through its service, with valid input.
MAKE: dict[str, Action] = {
    "claim.accept": lambda c, a, p: workflow.accept(db.session, c, actor=a),
    "claim.dismiss": lambda c, a, p: workflow.dismiss(db.session, c, "opinion", actor=a),
    "claim.reopen": lambda c, a, p: workflow.reopen(db.session, c, actor=a),
    "claim.take": lambda c, a, p: workflow.take(db.session, c, actor=a),
    "claim.assign": lambda c, a, p: workflow.assign(db.session, c, p["reviewer2"], actor=a),
    "claim.hand_back": lambda c, a, p: workflow.hand_back(db.session, c, actor=a),
    "claim.propose": lambda c, a, p: review.propose(db.session, c, actor=a),
    "claim.send_back": lambda c, a, p: review.request_changes(
        db.session, c, "Une source primaire, s'il vous plaît.", actor=a
    ),
    "claim.publish": lambda c, a, p: review.approve(db.session, c, actor=a),
    "claim.draft_correction": _draft_correction,
    "claim.correct": lambda c, a, p: review.approve_correction(db.session, c, actor=a),
    "claim.discard_correction": lambda c, a, p: review.discard_correction(db.session, c, actor=a),
}
# Who makes each move, and someone the table refuses it to (``None``: everyone may).
RIGHT = {"claim.take": "reviewer2", "claim.hand_back": "reviewer", "claim.propose": "reviewer"}
RIGHT_EDITOR = {"claim.correct": "editor2"}  # the second editor approves the first one's draft
WRONG = {"claim.take": None, "claim.hand_back": "reviewer2", "claim.propose": "reviewer2"}
# The walk (``tests.factories.walk_claim``) that brings a new claim to each state.
WALK = {
    S.NEW: "new",
    S.QUEUED: "queued",
    S.IN_REVIEW: "sourced",  # with a source and a draft verdict, ready to propose
    S.AWAITING_APPROVAL: "proposed",
    S.PUBLISHED: "published",
}
# States tried, in order, for a move from the wrong state.
OTHER_STATES = (S.NEW, S.QUEUED, S.AWAITING_APPROVAL, S.IN_REVIEW, S.PUBLISHED)
NEEDS_A_CORRECTION = {"claim.correct", "claim.discard_correction"}


def right_actor(move: Move) -> str:
    return RIGHT.get(move.name) or RIGHT_EDITOR.get(move.name) or "editor"


def wrong_actor(move: Move) -> str | None:
    return WRONG.get(move.name, "reviewer")


def claim_in(state: ClaimStatus, people: dict[str, User], *, correction: bool = False) -> Claim:
    """A claim brought to ``state`` by the services (the reviewer is its assignee)."""
    article = make_article(
        "Le Pentagone estime que 10 000 soldats ont été envoyés. "
        f"Un rapport montre que 23 des 32 membres dépensent 2 % du PIB. Dépêche {next(_N)}."
    )
    claim = make_claim(article, actor=people["reviewer"])
    default_rating()
    if state is S.DISMISSED:
        workflow.dismiss(db.session, claim, "opinion", actor=people["editor"])
    else:
        walk_claim(people, claim, WALK[state])
    if correction:
        _draft_correction(claim, people["editor"], people)
    db.session.flush()
    return claim


def state_of(claim: Claim) -> tuple[Any, ...]:
    db.session.flush()
    db.session.expire_all()
    fresh = db.session.get(Claim, claim.id)
    assert fresh is not None
    verdicts = db.session.scalars(
        sa.select(Verdict.id, Verdict.state, Verdict.version)
        .where(Verdict.claim_id == claim.id)
        .order_by(Verdict.id)
    )
    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    return fresh.status, fresh.version, fresh.assignee_id, tuple(verdicts), events


def verdict_states(claim: Claim) -> dict[int, VerdictState]:
    return {
        v.id: v.state
        for v in db.session.scalars(sa.select(Verdict).where(Verdict.claim_id == claim.id))
    }


def _rows() -> list[Any]:
    return [pytest.param(m, id=f"{m.name}:{m.source.value}") for m in MOVES]


def test_every_row_is_walked() -> None:
    assert set(MAKE) == set(workflow.MOVE_NAMES)
    assert {m.source for m in MOVES} - set(WALK) <= {S.DISMISSED}
    # The table's claim transitions are the design's: no other move changes a claim's state.
    assert {
        (S.NEW, S.QUEUED),
        (S.NEW, S.DISMISSED),
        (S.DISMISSED, S.NEW),
        (S.QUEUED, S.IN_REVIEW),
        (S.IN_REVIEW, S.QUEUED),
        (S.IN_REVIEW, S.AWAITING_APPROVAL),
        (S.AWAITING_APPROVAL, S.IN_REVIEW),
        (S.AWAITING_APPROVAL, S.PUBLISHED),
    } == workflow.TRANSITIONS
    for move in MOVES:
        assert move.message or move.who_label == "anyone", move.name


@pytest.mark.parametrize("move", _rows())
def test_the_right_person_makes_the_move(people, move: Move) -> None:
    claim = claim_in(move.source, people, correction=move.name in NEEDS_A_CORRECTION)
    actor = people[right_actor(move)]
    assert move.who(actor, claim)
    before = verdict_states(claim)
    seq = db.session.scalar(sa.select(sa.func.max(AuditEvent.seq)))

    MAKE[move.name](claim, actor, people)

    after = verdict_states(claim)
    assert claim.status is move.target
    if move.verdict is not None:
        was, now = move.verdict
        moved = [vid for vid in after if before.get(vid) is was and after[vid] is now]
        assert len(moved) == 1, (before, after)
    for was, now in move.also:
        assert any(before.get(vid) is was and after[vid] is now for vid in after), (before, after)
    if move.verdict is None and not move.also:
        assert {k: v for k, v in after.items() if k in before} == before
    actions = list(
        db.session.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
        )
    )
    assert actions, "every move is recorded"
    if move.source is not move.target or move.name in ("claim.correct", "claim.assign"):
        assert move.name in actions  # the claim's own event, named as the row


@pytest.mark.parametrize("move", _rows())
def test_the_wrong_person_is_refused_with_the_rows_message(people, move: Move) -> None:
    who = wrong_actor(move)
    if who is None:
        assert move.who_label == "anyone"
        return
    claim = claim_in(move.source, people, correction=move.name in NEEDS_A_CORRECTION)
    actor = people[who]
    assert not move.who(actor, claim)
    before = state_of(claim)
    with pytest.raises(PermissionDenied) as refused:
        MAKE[move.name](claim, actor, people)
    assert refused.value.message == move.message
    assert state_of(claim) == before


@pytest.mark.parametrize("move", _rows())
def test_a_move_from_the_wrong_state_is_a_conflict(people, move: Move) -> None:
    starts = {m.source for m in MOVES if m.name == move.name}
    actor = people[right_actor(move)]
    for state in OTHER_STATES:
        if state in starts:
            continue
        claim = claim_in(state, people)
        if move.who(actor, claim):  # the person may make it: only the state is wrong
            break
    else:
        pytest.fail(f"no wrong state to try {move.name} from")
    before = state_of(claim)
    with pytest.raises(Conflict):
        MAKE[move.name](claim, actor, people)
    assert state_of(claim) == before
