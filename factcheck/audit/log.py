"""Appending to the audit trail: canonical event bodies and the hash chain.

Every service that changes data calls :func:`record` in the same transaction as the change. The
event body is canonical JSON (sorted keys, UTF-8, no floats); its SHA-256 together with the previous
event's hash forms the chain. The exact stored text is what is hashed, never a re-rendering.
"""

from __future__ import annotations

import enum
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy.orm import Session

from factcheck.audit.actions import is_known
from factcheck.database import DBSession
from factcheck.models import AuditChainHead, AuditEvent, User, utcnow
from factcheck.models.base import Base

SYSTEM_ACTOR = "system"


class AuditError(RuntimeError):
    """The audit trail could not be appended to; the surrounding change must not be kept."""


def to_jsonable(value: Any) -> Any:
    """Turn a model value into canonical JSON data: no floats, dates as ISO 8601 strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float | Decimal):
        return repr(float(value)) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Base):
        return getattr(value, "id", None)
    raise TypeError(f"cannot record {type(value).__name__} in the audit trail")


def canonical_json(data: Mapping[str, Any]) -> str:
    """Serialise ``data`` the one way the chain hashes it."""
    return json.dumps(
        data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def chain_hash(prev_hash: str, body: str) -> str:
    """SHA-256 of the previous hash, a newline and the event body."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + body.encode("utf-8")).hexdigest()


Changes = dict[str, tuple[Any, Any]]


def apply_changes(obj: Any, values: Mapping[str, Any]) -> Changes:
    """Set ``values`` on ``obj`` and return ``{field: (before, after)}`` for those that changed."""
    changes: Changes = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            setattr(obj, field, new)
            changes[field] = (old, new)
    return changes


def add_and_record(
    session: DBSession,
    obj: Any,
    fields: list[str] | tuple[str, ...],
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    data: Mapping[str, Any] | None = None,
) -> None:
    """Add the new ``obj``, flush it for its id, and append the event of its creation."""
    session.add(obj)
    session.flush()
    record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=obj.id,
        changes=snapshot(obj, fields),
        data=data,
    )


def change_and_record(
    session: DBSession,
    obj: Any,
    values: Mapping[str, Any],
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    data: Mapping[str, Any] | None = None,
    versioned: bool = False,
) -> Changes:
    """Set ``values`` on ``obj`` and, if anything changed, flush and append one event saying what.

    ``versioned`` adds the row's version step (its optimistic-locking counter moves on flush) to
    the recorded changes. Returns the changes; nothing is recorded when there are none.
    """
    changes = apply_changes(obj, values)
    if not changes:
        return changes
    session.flush()
    if versioned:
        changes["version"] = (obj.version - 1, obj.version)
    record(
        session,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=obj.id,
        changes=changes,
        data=data,
    )
    return changes


def snapshot(obj: Any, fields: list[str] | tuple[str, ...]) -> Changes:
    """Changes describing the creation of ``obj``: every field from ``None`` to its value."""
    return {f: (None, getattr(obj, f)) for f in fields}


@dataclass(frozen=True)
class RequestInfo:
    request_id: str | None
    client_addr: str | None


def current_request_info() -> RequestInfo:
    if not has_request_context():
        return RequestInfo(request_id=None, client_addr=None)
    rid = g.get("request_id")
    if rid is None:
        rid = g.request_id = uuid.uuid4().hex
    return RequestInfo(request_id=rid, client_addr=request.remote_addr)


# The tables whose writes fire triggers that keep counts (migrations 0019, 0023, 0024): a write
# to them locks rows every writer shares (the counts of a status and language, a day, an
# assignee), and every such write is audited, which locks the chain head too.
_COUNTED = ("claims", "verdicts")
_LOCKED_IN = "audit_chain_locked_in"  # session.info: the transaction that holds the chain head


def lock_chain_head(session: Session) -> None:
    """Lock the chain head for the rest of the transaction, once (PostgreSQL).

    Two writers that take the same locks in opposite orders deadlock: one updates a claim
    (its triggers lock a kept-count row) and then records its event (the chain head), while the
    other recorded first and then updates a claim. Taking the chain head before the first write
    to a counted table puts every writer in the same order; writers queue on the chain head
    anyway from their first event to their commit. SQLite runs one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_LOCKED_IN) is transaction:
        return
    with session.no_autoflush:
        session.execute(
            sa.select(AuditChainHead.id).where(AuditChainHead.id == 1).with_for_update()
        )
    session.info[_LOCKED_IN] = session.get_transaction()


def _writes_counted(instances: Any) -> bool:
    return any(getattr(obj, "__tablename__", None) in _COUNTED for obj in instances)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if (
        _writes_counted(session.new)
        or _writes_counted(session.dirty)
        or _writes_counted(session.deleted)
    ):
        lock_chain_head(session)


def _before_orm_write(state: sa.orm.ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    mapper = state.bind_mapper
    if mapper is not None and getattr(mapper.class_, "__tablename__", None) in _COUNTED:
        lock_chain_head(state.session)


def install() -> None:
    """Take the chain head first in every transaction that writes a counted table (once per
    process; before the other listeners' flushes, which may lock the feed's revision)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush, insert=True)
        sa.event.listen(Session, "do_orm_execute", _before_orm_write, insert=True)


def record(
    session: DBSession,
    *,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: Any = None,
    changes: Changes | None = None,
    data: Mapping[str, Any] | None = None,
    actor_label: str | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction and flush it.

    ``changes`` maps field names to ``(before, after)``; ``data`` holds any other context worth
    keeping (a reason, a refused action's message). The chain head row is locked for the rest of
    the transaction, so concurrent appends queue behind each other and never fork.
    ``action`` is an :class:`AuditAction` (or a refusal of one, ``….denied``): any other string
    is refused before anything is written.
    """
    if not is_known(action):
        raise AuditError(f"{action!r} is not an audit action: add it to AuditAction first")
    action = str(action)  # the member's own string, stored and hashed exactly as before
    try:
        session.flush()  # give new entities their ids before they are named in the event
        head = session.execute(
            sa.select(AuditChainHead)
            .where(AuditChainHead.id == 1)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        info = current_request_info()
        occurred_at = utcnow()
        seq = head.seq + 1
        label = actor.email if actor is not None else (actor_label or SYSTEM_ACTOR)
        token_id = g.get("api_token_id") if has_request_context() else None
        if token_id is not None:  # an API call: the event names the token that made it
            data = {**(data or {}), "api_token_id": token_id}
        body = canonical_json(
            {
                "seq": seq,
                "occurred_at": to_jsonable(occurred_at),
                "actor": label,
                "actor_id": actor.id if actor is not None else None,
                "action": action,
                "entity_type": entity_type,
                "entity_id": None if entity_id is None else str(entity_id),
                "changes": {
                    k: {"before": to_jsonable(b), "after": to_jsonable(a)}
                    for k, (b, a) in (changes or {}).items()
                },
                "data": to_jsonable(dict(data or {})),
                "request_id": info.request_id,
                "client_addr": info.client_addr,
            }
        )
        digest = chain_hash(head.hash, body)
        event = AuditEvent(
            seq=seq,
            occurred_at=occurred_at,
            actor_id=actor.id if actor is not None else None,
            actor=label,
            action=action,
            entity_type=entity_type,
            entity_id=None if entity_id is None else str(entity_id),
            request_id=info.request_id,
            client_addr=info.client_addr,
            body=body,
            prev_hash=head.hash,
            hash=digest,
        )
        session.add(event)
        head.seq, head.hash = seq, digest
        session.flush()
    except (sa.exc.SQLAlchemyError, TypeError, ValueError) as exc:
        raise AuditError(f"could not append {action} to the audit trail: {exc}") from exc
    return event
