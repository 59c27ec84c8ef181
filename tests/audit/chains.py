"""Helpers for audit tests: in-memory chains, and tampering the way a database superuser would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask

from factcheck.audit.log import canonical_json, chain_hash
from factcheck.audit.verify import COLUMNS, GENESIS_HASH
from factcheck.extensions import db


def make_events(
    n: int,
    *,
    start_seq: int = 1,
    prev: str = GENESIS_HASH,
    client_addr: str | None = "10.0.0.1",
    data: dict[str, Any] | None = None,
    changes: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """``n`` chained events as dicts of the stored columns, like ``record()`` writes them."""
    events = []
    t0 = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    for seq in range(start_seq, start_seq + n):
        occurred = t0 + timedelta(seconds=seq, microseconds=seq * 7 % 1_000_000)
        cols = {
            "seq": seq,
            "occurred_at": occurred.isoformat().replace("+00:00", "Z"),
            "actor": "editor@example.org" if seq % 2 else 'Rita "R" <r@example.org>',
            "actor_id": seq % 3 or None,
            "action": "claim.edit",
            "entity_type": "claim",
            "entity_id": str(seq // 2) if seq % 5 else None,
            "request_id": f"req{seq:08d}" if seq % 4 else None,
            "client_addr": client_addr,
        }
        body = canonical_json(
            {
                **cols,
                "changes": changes
                if changes is not None
                else {"priority": {"before": 0, "after": seq % 4}},
                "data": data if data is not None else {"note": "café"},
            }
        )
        digest = chain_hash(prev, body)
        events.append({**cols, "body": body, "prev_hash": prev, "hash": digest})
        prev = digest
    return events


def rows_of(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(e[c] for c in COLUMNS) for e in events]


@contextmanager
def triggers_lifted(app: Flask) -> Iterator[sa.Connection]:
    """A connection on which the append-only triggers are off (as ``tests/dbutil.py`` does)."""
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = conn.exec_driver_sql(
                    "SELECT c.relname, t.tgname FROM pg_trigger t "
                    "JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE NOT t.tgisinternal "
                    "AND n.nspname = current_schema() "
                    "AND c.relname IN ('audit_events', 'audit_chain_head')"
                ).all()
                for table, name in names:
                    conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
                yield conn
                for table, name in names:
                    conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER "{name}"')
            else:
                triggers = conn.exec_driver_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                    "AND tbl_name IN ('audit_events', 'audit_chain_head')"
                ).all()
                for name, _sql in triggers:
                    conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
                yield conn
                for _name, sql in triggers:
                    conn.exec_driver_sql(sql)
