"""Reading the audit trail from the database: streamed rows, the head, filtered listings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from typing import Any

import sqlalchemy as sa

from factcheck.audit.checkpoint import Checkpoint
from factcheck.audit.verify import GENESIS_HASH, VerifyResult, verify_rows
from factcheck.database import DBSession
from factcheck.models import AuditChainHead, AuditEvent

STREAM_BATCH = 5_000


def _body_bytes(dialect: str) -> Any:
    """The body as UTF-8 bytes, converted by the database: what the hash is computed over."""
    if dialect == "postgresql":
        return sa.func.convert_to(AuditEvent.body, "UTF8")
    return sa.cast(AuditEvent.body, sa.LargeBinary)


def _time_text(dialect: str) -> Any:
    """``occurred_at`` spelled as the body spells it (ISO 8601, ``Z``), by the database."""
    text: Any
    if dialect == "postgresql":
        text = sa.func.to_char(
            sa.func.timezone("UTC", AuditEvent.occurred_at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
        )
    else:  # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
        text = sa.func.replace(sa.type_coerce(AuditEvent.occurred_at, sa.String), " ", "T") + "Z"
    return sa.func.replace(text, ".000000Z", "Z")  # isoformat() drops a zero fraction


def stream_query(
    dialect: str, *, first_seq: int = 1, last_seq: int | None = None, stored_times: bool = False
) -> Any:
    """The query :func:`stream_rows` runs: every column ``verify_rows`` reads, in seq order.

    ``stored_times`` on SQLite: ``occurred_at`` as stored, for ``verify_rows(stored_times=True)``
    to spell (SQLite's two ``replace`` calls a row cost more than Python's).
    """
    raw = stored_times and dialect != "postgresql"
    query = (
        sa.select(
            AuditEvent.seq,
            sa.type_coerce(AuditEvent.occurred_at, sa.String) if raw else _time_text(dialect),
            AuditEvent.actor_id,
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.entity_type,
            AuditEvent.entity_id,
            AuditEvent.request_id,
            AuditEvent.client_addr,
            _body_bytes(dialect),
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .where(AuditEvent.seq >= first_seq)
        .order_by(AuditEvent.seq)
    )
    if last_seq is not None:
        query = query.where(AuditEvent.seq <= last_seq)
    return query


@contextmanager
def stream_rows(
    session: DBSession,
    *,
    first_seq: int = 1,
    last_seq: int | None = None,
    stored_times: bool = False,
) -> Iterator[Iterator[Any]]:
    """Row tuples for :func:`~factcheck.audit.verify.verify_rows`, in seq order, in batches.

    A context manager, so the cursor is closed when the block ends, however it ends: a reader
    that stops half-way never leaves an open cursor for the garbage collector, and asking for
    more rows afterwards raises ``ResourceClosedError``.

    The rows come straight from the driver as plain tuples (SQLAlchemy's result rows cost as
    much again as reading them): on SQLite from a cursor ``STREAM_BATCH`` rows at a time; on
    PostgreSQL in binary (no hex text for the body's bytes), ``STREAM_BATCH`` rows a round trip
    (libpq's chunked rows), inside a savepoint, as stopping such a stream early cancels it.
    """
    connection = session.connection()
    dialect = connection.dialect
    query = stream_query(
        dialect.name, first_seq=first_seq, last_seq=last_seq, stored_times=stored_times
    )
    # Integers and this module's own constants only: rendered into the SQL text.
    sql = str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    driver = connection.connection.driver_connection
    if dialect.name == "postgresql":
        with _postgres_rows(connection, driver, sql) as rows:
            yield rows
        return
    cursor = driver.cursor()  # type: ignore[union-attr]
    state = _Open()
    try:
        cursor.execute(sql)
        yield _batches(cursor.fetchmany, state)
    finally:
        state.open = False
        cursor.close()


class _Open:
    """Whether the block that reads the rows is still running."""

    __slots__ = ("open",)

    def __init__(self) -> None:
        self.open = True


def _closed() -> sa.exc.ResourceClosedError:
    return sa.exc.ResourceClosedError("the audit trail's cursor is closed: the block has ended")


def _batches(fetchmany: Any, state: _Open) -> Iterator[Any]:
    """The rows of ``fetchmany``'s batches, chained in C (no Python frame a row)."""

    def batches() -> Iterator[list[Any]]:
        while True:
            if not state.open:
                raise _closed()
            batch = fetchmany(STREAM_BATCH)
            if not batch:
                return
            yield batch

    return chain.from_iterable(batches())


@contextmanager
def _postgres_rows(connection: sa.Connection, driver: Any, sql: str) -> Iterator[Iterator[Any]]:
    state = _Open()
    savepoint = connection.begin_nested()
    cursor = driver.cursor(binary=True)
    stream = cursor.stream(sql, {}, binary=True, size=STREAM_BATCH)
    finished = False

    def rows() -> Iterator[Any]:
        nonlocal finished
        for row in stream:
            yield row
            if not state.open:
                raise _closed()
        finished = True

    try:
        yield rows()
    finally:
        state.open = False
        stream.close()  # psycopg cancels the query if rows are left: the savepoint undoes that
        cursor.close()
        if finished:
            savepoint.commit()
        else:
            savepoint.rollback()


def chain_head(session: DBSession) -> tuple[int, str]:
    head = session.get(AuditChainHead, 1, populate_existing=True)
    return (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)


def event_hash(session: DBSession, seq: int) -> str | None:
    return session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.seq == seq))


def verify_database(session: DBSession, checkpoint: Checkpoint | None = None) -> VerifyResult:
    """Verify the whole stored chain, then that the chain-head row agrees with its last event."""
    head_seq, head_hash = chain_head(session)
    pins = checkpoint.pins() if checkpoint else None
    sqlite = session.connection().dialect.name == "sqlite"
    with stream_rows(session, stored_times=sqlite) as rows:  # verification may stop at a bad row
        result = verify_rows(rows, pins=pins, stored_times=sqlite)
    if result.ok and (result.last_seq or 0, result.head_hash) != (head_seq, head_hash):
        return VerifyResult(
            False,
            result.count,
            result.first_seq,
            result.last_seq,
            result.head_hash,
            None,
            f"the chain head says seq {head_seq} (hash {head_hash}) but the last "
            f"event is seq {result.last_seq or 0}: events were removed from the end",
        )
    return result


@dataclass
class EventFilter:
    actor: str | None = None
    action: str | None = None
    entity_type: str | None = None
    entity_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None  # exclusive
    outcome: str | None = None  # "refused": refusals only (….denied); "done": changes only

    def apply(self, query: Any) -> Any:
        if self.outcome == "refused":
            query = query.where(AuditEvent.action.like("%.denied"))
        elif self.outcome == "done":
            query = query.where(AuditEvent.action.not_like("%.denied"))
        if self.actor:
            query = query.where(
                AuditEvent.actor.ilike(f"%{_like_escape(self.actor)}%", escape="\\")
            )
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.entity_type:
            query = query.where(AuditEvent.entity_type == self.entity_type)
        if self.entity_id:
            query = query.where(AuditEvent.entity_id == self.entity_id)
        if self.since:
            query = query.where(AuditEvent.occurred_at >= self.since)
        if self.until:
            query = query.where(AuditEvent.occurred_at < self.until)
        return query


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass
class EventPage:
    events: list[AuditEvent]
    newer: int | None  # pass as ``after`` to see newer events
    older: int | None  # pass as ``before`` to see older events


def list_events(
    session: DBSession,
    flt: EventFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = 50,
) -> EventPage:
    """One page of events, newest first, by keyset on seq (no OFFSET scans on big logs)."""
    query = flt.apply(sa.select(AuditEvent))
    if after is not None:
        rows = list(
            session.scalars(
                query.where(AuditEvent.seq > after).order_by(AuditEvent.seq.asc()).limit(limit + 1)
            )
        )
        more_newer = len(rows) > limit
        events = list(reversed(rows[:limit]))
        has_older = True
        has_newer = more_newer
    else:
        if before is not None:
            query = query.where(AuditEvent.seq < before)
        rows = list(session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit + 1)))
        events = rows[:limit]
        has_older = len(rows) > limit
        has_newer = before is not None
    if not events:
        return EventPage(events, None, None)
    return EventPage(
        events, events[0].seq if has_newer else None, events[-1].seq if has_older else None
    )


def distinct_values(session: DBSession, column: Any) -> list[str]:
    return [v for v in session.scalars(sa.select(column).distinct().order_by(column)) if v]


def seq_range(
    session: DBSession, since: datetime | None, until: datetime | None
) -> tuple[int, int] | None:
    """The contiguous seq span covering events from ``since`` to ``until`` (exclusive).

    Times come from several app servers' clocks, so a date range is turned into the span from the
    first event at or after ``since`` to the last one before ``until``: the export stays a
    contiguous, verifiable piece of the chain.
    """
    first_q = sa.select(sa.func.min(AuditEvent.seq))
    last_q = sa.select(sa.func.max(AuditEvent.seq))
    if since is not None:
        first_q = first_q.where(AuditEvent.occurred_at >= since)
        last_q = last_q.where(AuditEvent.occurred_at >= since)
    if until is not None:
        first_q = first_q.where(AuditEvent.occurred_at < until)
        last_q = last_q.where(AuditEvent.occurred_at < until)
    first, last = session.scalar(first_q), session.scalar(last_q)
    if first is None or last is None:
        return None
    return int(first), int(last)
