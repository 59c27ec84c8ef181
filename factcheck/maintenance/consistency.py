"""Do the rows say what the audit trail says? Claims and verdicts, rebuilt from their events.

A backup whose chain verifies can still have been edited behind the chain's back: an ``UPDATE
verdicts SET summary = …`` leaves every event intact. Folding each entity's events (see
:mod:`factcheck.audit.replay`) gives the values the services wrote; a row that differs was changed
without going through them. Every field the replay yields is compared, so a field that services
start recording is checked from then on without a change here.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import to_jsonable
from factcheck.audit.replay import Replay, fold
from factcheck.claims.services import CLAIM_FIELDS
from factcheck.database import DBSession
from factcheck.models import AuditEvent, Claim, Verdict, VerdictState
from factcheck.models.base import Base

# Entity type in the trail → (model, the fields its creation event must carry).
REPLAYED: dict[str, tuple[type[Base], tuple[str, ...]]] = {
    "claim": (Claim, CLAIM_FIELDS),
    "verdict": (Verdict, ()),
}


def _bodies(session: DBSession, entity_types: Iterable[str]) -> dict[str, dict[str, list[Any]]]:
    """Event bodies per entity type and id, in seq order, read in one pass."""
    grouped: dict[str, dict[str, list[Any]]] = {t: {} for t in entity_types}
    rows = session.execute(
        sa.select(AuditEvent.entity_type, AuditEvent.entity_id, AuditEvent.body)
        .where(AuditEvent.entity_type.in_(list(grouped)), AuditEvent.entity_id.is_not(None))
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=5_000)
    )
    for entity_type, entity_id, body in rows:
        grouped[entity_type].setdefault(str(entity_id), []).append(json.loads(body))
    return grouped


def _superseded_by_trail(bodies: dict[str, list[Any]], replays: dict[str, Replay]) -> None:
    """A ``verdict.correct`` event retires the verdict it corrects (its data names it)."""
    for events in bodies.values():
        for body in events:
            corrected = (body.get("data") or {}).get("corrects")
            if body.get("action") != AuditAction.VERDICT_CORRECT or corrected is None:
                continue
            replay = replays.get(str(corrected))
            state = replay.state if replay is not None else None
            if state is not None and state.get("state") == VerdictState.APPROVED.value:
                state["state"] = VerdictState.SUPERSEDED.value


def _columns(model: type[Base]) -> set[str]:
    return {c.key for c in sa.inspect(model).column_attrs}


def trail_differences(session: DBSession, *, limit: int = 20) -> list[str]:
    """One line per row that its audit trail does not rebuild (at most ``limit`` lines)."""
    problems: list[str] = []
    grouped = _bodies(session, REPLAYED)
    for entity_type, (model, required) in REPLAYED.items():
        bodies = grouped[entity_type]
        replays = {entity_id: fold(events) for entity_id, events in bodies.items()}
        if model is Verdict:
            _superseded_by_trail(bodies, replays)
        columns = _columns(model)
        seen: set[str] = set()
        primary_key = sa.inspect(model).primary_key[0]
        for row in session.scalars(sa.select(model).order_by(primary_key)):
            key = str(getattr(row, primary_key.name))
            seen.add(key)
            replay = replays.get(key)
            if replay is None or replay.state is None:
                problems.append(f"{entity_type} #{key} has no creation event in the audit trail")
                continue
            if replay.problems:
                problems.append(f"{entity_type} #{key}: {replay.problems[0]}")
                continue
            for name in sorted((set(replay.state) | set(required)) & columns):
                actual = to_jsonable(getattr(row, name))
                replayed = replay.state.get(name)
                if replayed != actual:
                    problems.append(
                        f"{entity_type} #{key}: {name} is {_short(actual)} in the row but "
                        f"{_short(replayed)} by the audit trail"
                    )
            if len(problems) >= limit:
                return problems
        for key in sorted(set(replays) - seen, key=lambda k: (len(k), k)):
            problems.append(f"{entity_type} #{key} is in the audit trail but has no row")
            if len(problems) >= limit:
                return problems
    return problems


def _short(value: Any) -> str:
    text = repr(value.value if isinstance(value, enum.Enum) else value)
    return text if len(text) <= 60 else text[:57] + "…"
