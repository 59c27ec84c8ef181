"""Reading the audit trail from the database: streamed rows, the head, filtered listings."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from factcheck.audit.checkpoint import Checkpoint
from factcheck.audit.verify import GENESIS_HASH, VerifyResult, verify_stored
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


def stream_query(dialect: str, *, first_seq: int = 1, last_seq: int | None = None) -> Any:
    """The query :func:`stream_rows` runs: every column ``verify_rows`` reads, in seq order."""
    query = (
        sa.select(
            AuditEvent.seq,
            _time_text(dialect),
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


def _token(dialect: str, value: Any) -> Any:
    """``value`` spelled as a JSON token by the database: a string quoted and escaped, a number
    as its digits, ``null`` for NULL — the spelling of a column of another type differs from the
    body's, so it never passes for it."""
    if dialect == "postgresql":
        return sa.func.coalesce(sa.cast(sa.func.to_json(value), sa.Text), sa.literal("null"))
    return sa.func.json_quote(value, type_=sa.Text)


def _spelled(dialect: str, *parts: Any) -> Any:
    """The text of ``parts`` joined: strings as they are, columns as their JSON tokens."""
    text: Any = None
    for part in parts:
        piece = sa.literal(part, sa.Text) if isinstance(part, str) else _token(dialect, part)
        text = piece if text is None else text + piece
    if dialect != "postgresql":
        text = sa.cast(text, sa.LargeBinary)  # compared as bytes with the body's bytes
    return text


def copied_columns_agree(dialect: str) -> Any:
    """True when the database proves every copied column equal to what the body says.

    The test of :func:`~factcheck.audit.verify.verify_rows`, made by the database: a canonical
    body starts with ``{"action":…,"actor":…,"actor_id":…,"changes":``, ends with
    ``,"entity_id":…,"entity_type":…,"occurred_at":…,"request_id":…,"seq":…}``, and holds
    ``,"client_addr":…,"data":`` where its only ``,"client_addr":`` is the top-level key. Each
    is spelled from the columns, every value as a JSON token; as a token ends at its first
    unescaped quote, a body matching all three says exactly what the columns say. Anything else
    — a nested ``client_addr`` key, a value the database escapes another way, an edited column,
    NULL — is false (or unknown), and the columns are then sent to be checked by parsing.
    """
    e = AuditEvent
    prefix = _spelled(
        dialect, '{"action":', e.action, ',"actor":', e.actor, ',"actor_id":', e.actor_id,
        ',"changes":',
    )  # fmt: skip
    suffix = _spelled(
        dialect, ',"entity_id":', e.entity_id, ',"entity_type":', e.entity_type,
        ',"occurred_at":', _time_text(dialect), ',"request_id":', e.request_id, ',"seq":', e.seq,
        "}",
    )  # fmt: skip
    client = _spelled(dialect, ',"client_addr":', e.client_addr, ',"data":')
    key = ',"client_addr":'
    if dialect == "postgresql":
        body = e.body
        starts = sa.func.starts_with(body, prefix)
        ends = sa.func.right(body, sa.func.length(suffix)) == suffix
        holds = sa.func.strpos(body, client) > 0
        once = sa.func.octet_length(body) - sa.func.octet_length(
            sa.func.replace(body, key, "")
        ) == len(key)
    else:  # as bytes: instr, substr and length count bytes, not characters
        body = _body_bytes(dialect)
        starts = sa.func.instr(body, prefix) == 1
        ends = sa.func.substr(body, -sa.func.length(suffix)) == suffix
        holds = sa.func.instr(body, client) > 0
        once = sa.func.length(body) - sa.func.length(
            sa.cast(sa.func.replace(e.body, key, ""), sa.LargeBinary)
        ) == len(key)
    return sa.and_(starts, ends, holds, once)


def verify_query(dialect: str) -> Any:
    """The query :func:`verify_database` runs: rows in ``STORED_COLUMNS`` order, in seq order.

    Each row carries seq, the body's bytes, prev_hash and hash; its copied columns come (as a
    JSON array) only when :func:`copied_columns_agree` is not true for it.
    """
    e = AuditEvent
    array = sa.func.json_build_array if dialect == "postgresql" else sa.func.json_array
    copied = array(
        e.seq, _time_text(dialect), e.actor_id, e.actor, e.action, e.entity_type, e.entity_id,
        e.request_id, e.client_addr,
    )  # fmt: skip
    if dialect == "postgresql":
        copied = sa.cast(copied, sa.Text)
    return sa.select(
        e.seq,
        _body_bytes(dialect),
        e.prev_hash,
        e.hash,
        sa.case((copied_columns_agree(dialect), sa.null()), else_=copied),
    ).order_by(e.seq)


@contextmanager
def stream_rows(
    session: DBSession, *, first_seq: int = 1, last_seq: int | None = None
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
    dialect = session.connection().dialect.name
    with _streamed(session, stream_query(dialect, first_seq=first_seq, last_seq=last_seq)) as rows:
        yield rows


@contextmanager
def _streamed(session: DBSession, query: Any) -> Iterator[Iterator[Any]]:
    """The rows of ``query`` as plain driver tuples (see :func:`stream_rows`)."""
    connection = session.connection()
    dialect = connection.dialect
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
    while True:
        if not state.open:
            raise _closed()
        batch = fetchmany(STREAM_BATCH)
        if not batch:
            return
        yield from batch


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
    """Verify the whole stored chain, then that the chain-head row agrees with its last event.

    The database compares the copied columns with the bodies (:func:`verify_query`). Should it
    fail at that — SQLite's JSON functions refuse a BLOB, which only an edited column holds —
    every column of every row is read and checked by parsing the body instead.
    """
    head_seq, head_hash = chain_head(session)
    pins = checkpoint.pins() if checkpoint else None
    connection = session.connection()
    dbapi_error: Any = connection.dialect.dbapi.Error  # type: ignore[union-attr]
    try:
        query = verify_query(connection.dialect.name)
        with _streamed(session, query) as rows:  # verification may stop at a bad row
            result = verify_stored(rows, pins=pins)
    except dbapi_error:
        with stream_rows(session) as rows:
            every = ((r[0], r[9], r[10], r[11], r[:9]) for r in rows)
            result = verify_stored(every, pins=pins)
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
