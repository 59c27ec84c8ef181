"""Rebuilding claims and verdicts from their audit events, to show the trail tells the whole story.

The ``claim.create`` event holds a snapshot of every field in ``CLAIM_FIELDS``; every later event
on the claim holds ``changes`` ``{field: {before, after}}``. Folding them in seq order must give
the claim's current row. A field that differs — or an event whose ``before`` is not what the
fold had — means the row was changed without going through a service.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from factcheck.audit.log import to_jsonable
from factcheck.claims.services import CLAIM_FIELDS
from factcheck.database import DBSession
from factcheck.models import AuditEvent, Claim, Verdict
from factcheck.review.services import VERDICT_FIELDS

# Fields a replay does not check. Empty: services record even the optimistic-lock ``version``.
NOT_REPLAYED: frozenset[str] = frozenset()


@dataclass
class Replay:
    state: dict[str, Any] | None = None
    events: int = 0
    problems: list[str] = field(default_factory=list)


def fold(bodies: Iterable[Mapping[str, Any]]) -> Replay:
    """Fold event bodies (parsed JSON, in seq order) into the entity's field values."""
    replay = Replay()
    for body in bodies:
        replay.events += 1
        changes = body.get("changes") or {}
        if replay.state is None:
            if not changes:
                replay.problems.append(f"event {body.get('seq')} comes before any creation")
                continue
            replay.state = {}
        for name, change in changes.items():
            if name in replay.state and replay.state[name] != change.get("before"):
                replay.problems.append(
                    f"event {body.get('seq')} ({body.get('action')}): {name} was "
                    f"{replay.state[name]!r} by the trail but {change.get('before')!r} by the event"
                )
            replay.state[name] = change.get("after")
    return replay


def entity_bodies(session: DBSession, entity_type: str, entity_id: Any) -> list[dict[str, Any]]:
    """The events that changed one entity (a refused attempt, ``….denied``, changed nothing)."""
    bodies = session.scalars(
        sa.select(AuditEvent.body)
        .where(
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id == str(entity_id),
            AuditEvent.action.not_like("%.denied"),
        )
        .order_by(AuditEvent.seq)
    )
    return [json.loads(b) for b in bodies]


def replay_claim(session: DBSession, claim_id: int) -> Replay:
    return fold(entity_bodies(session, "claim", claim_id))


def claim_differences(session: DBSession, claim: Claim) -> dict[str, tuple[Any, Any]]:
    """``{field: (replayed, actual)}`` for every field where the trail and the row disagree."""
    replay = replay_claim(session, claim.id)
    state = replay.state or {}
    diffs = {}
    for name in CLAIM_FIELDS:
        if name in NOT_REPLAYED:
            continue
        actual = to_jsonable(getattr(claim, name))
        if state.get(name) != actual:
            diffs[name] = (state.get(name), actual)
    return diffs


def replay_verdict(session: DBSession, verdict_id: int) -> Replay:
    return fold(entity_bodies(session, "verdict", verdict_id))


def verdict_differences(session: DBSession, verdict: Verdict) -> dict[str, tuple[Any, Any]]:
    """``{field: (replayed, actual)}`` where the trail and the verdict's row disagree.

    Every change of a verdict's state (drafted, proposed, sent back, approved, superseded by a
    correction, discarded) is an event, so an empty result means the trail rebuilds it exactly.
    """

    state = replay_verdict(session, verdict.id).state or {}
    diffs = {}
    for name in VERDICT_FIELDS:
        actual = to_jsonable(getattr(verdict, name))
        if state.get(name) != actual:
            diffs[name] = (state.get(name), actual)
    return diffs
