"""The stored chain on both databases: append-only triggers, tampering found by verify."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from factcheck.audit import store
from factcheck.audit.actions import AuditAction
from factcheck.audit.checkpoint import load_or_create_key, make_checkpoint
from factcheck.audit.log import chain_hash, record
from factcheck.audit.store import chain_head, event_hash, stream_rows, verify_database
from factcheck.extensions import db
from factcheck.models import AuditEvent
from tests.audit.chains import triggers_lifted


@pytest.fixture
def logged(app, users):
    """The five users' creation events (seq 1–5), plus five more from sign-in failures."""
    from factcheck.auth.services import sign_in

    with app.app_context():
        for i in range(5):
            sign_in(db.session, f"ghost{i}@example.org", "wrong password")
        db.session.commit()
    return app


def verify(app, checkpoint=None):
    with app.app_context():
        return verify_database(db.session, checkpoint)


def test_the_real_chain_verifies(logged):
    result = verify(logged)
    assert result.ok and result.count == 10


def test_a_reader_stopping_half_way_closes_the_cursor_at_once(logged, monkeypatch):
    """The cursor closes when the block ends, not whenever the garbage collector gets to it."""
    monkeypatch.setattr(store, "STREAM_BATCH", 2)
    with logged.app_context():
        with stream_rows(db.session) as rows:
            assert [row[0] for row in (next(rows), next(rows))] == [1, 2]
        with pytest.raises(sa.exc.ResourceClosedError):
            next(rows)  # the next batch would need the cursor: it is closed already
        assert [row[0] for row in _all(stream_rows(db.session, first_seq=4, last_seq=6))] == [
            4,
            5,
            6,
        ]


def _all(streamed):
    with streamed as rows:
        return list(rows)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET actor = 'x' WHERE seq = 2",
        "UPDATE audit_events SET body = body || ' ' WHERE seq = 2",
        "DELETE FROM audit_events WHERE seq = 10",
        "DELETE FROM audit_events",
        "UPDATE audit_chain_head SET seq = 3",
        "DELETE FROM audit_chain_head",
    ],
)
def test_raw_sql_cannot_change_the_trail(logged, statement):
    with logged.app_context():
        refused = r"append-only|only moves forward|cannot be"
        with pytest.raises(sa.exc.DatabaseError, match=refused), db.engine.begin() as conn:
            conn.exec_driver_sql(statement)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 10
    assert verify(logged).ok


def test_truncate_is_refused_on_postgresql(logged):
    with logged.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE")
        for table in ("audit_events", "audit_chain_head"):
            with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as c:
                c.exec_driver_sql(f"TRUNCATE {table} CASCADE")
    assert verify(logged).ok


def test_an_edited_row_is_found(logged):
    with triggers_lifted(logged) as conn:
        conn.exec_driver_sql(
            "UPDATE audit_events SET body = replace(body, 'bad credentials', 'good') WHERE seq = 7"
        )
    result = verify(logged)
    assert result.bad_seq == 7 and "edited" in result.reason


def test_an_edited_column_is_found(logged):
    with triggers_lifted(logged) as conn:
        conn.exec_driver_sql("UPDATE audit_events SET actor = 'nobody@example.org' WHERE seq = 3")
    result = verify(logged)
    assert result.bad_seq == 3 and "column actor" in result.reason


def test_a_deleted_middle_row_is_found(logged):
    with triggers_lifted(logged) as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq = 4")
    result = verify(logged)
    assert result.bad_seq == 4 and "missing" in result.reason


def test_reordered_rows_are_found(logged):
    with triggers_lifted(logged) as conn:
        conn.exec_driver_sql("UPDATE audit_events SET seq = 1000 WHERE seq = 5")
        conn.exec_driver_sql("UPDATE audit_events SET seq = 5 WHERE seq = 6")
        conn.exec_driver_sql("UPDATE audit_events SET seq = 6 WHERE seq = 1000")
    result = verify(logged)
    assert result.bad_seq == 5 and not result.ok


def test_a_truncated_tail_is_found_by_the_head_row_and_by_a_checkpoint(logged, tmp_path):
    with logged.app_context():
        size, head = chain_head(db.session)
        cp = make_checkpoint(
            load_or_create_key(tmp_path),
            size=size,
            head_hash=head,
            log_id=event_hash(db.session, 1),
        )
    with triggers_lifted(logged) as conn:
        conn.exec_driver_sql("DELETE FROM audit_events WHERE seq > 8")
    result = verify(logged)
    assert not result.ok and "chain head says seq 10" in result.reason
    # A superuser who also rewinds the head row leaves a chain that verifies on its own…
    with triggers_lifted(logged) as conn:
        h8 = conn.execute(sa.text("SELECT hash FROM audit_events WHERE seq = 8")).scalar_one()
        conn.execute(sa.text("UPDATE audit_chain_head SET seq = 8, hash = :h"), {"h": h8})
    assert verify(logged).ok
    # …but not against the checkpoint taken before.
    result = verify(logged, cp)
    assert not result.ok and "ends at seq 8" in result.reason


def test_a_rewritten_history_is_found_against_a_checkpoint(logged, tmp_path):
    with logged.app_context():
        size, head = chain_head(db.session)
        cp = make_checkpoint(
            load_or_create_key(tmp_path),
            size=size,
            head_hash=head,
            log_id=event_hash(db.session, 1),
        )
    with triggers_lifted(logged) as conn:
        rows = conn.execute(sa.text("SELECT seq, body FROM audit_events ORDER BY seq")).all()
        prev = "0" * 64
        for seq, body in rows:
            if seq == 2:
                body = body.replace("editor@example.org", "intruder@example.org")
            digest = chain_hash(prev, body)
            conn.execute(
                sa.text(
                    "UPDATE audit_events SET body = :b, prev_hash = :p, hash = :h, "
                    "actor = replace(actor, 'editor@', 'intruder@') WHERE seq = :s"
                ),
                {"b": body, "p": prev, "h": digest, "s": seq},
            )
            prev = digest
        conn.execute(sa.text("UPDATE audit_chain_head SET hash = :h"), {"h": prev})
    assert verify(logged).ok  # consistent on its own: that is what a checkpoint is for
    result = verify(logged, cp)
    assert not result.ok and result.bad_seq == 10 and "history was rewritten" in result.reason


# Values the database must spell as the body does (quotes, backslash, control characters, accents),
# and a body whose client address the database cannot place (a nested "client_addr" key).
ESCAPED = 'Rita "R" \\ <r@exämple.org>\t\x01'


@pytest.fixture
def odd(logged):
    """Events 11 (every copied value needing escapes) and 12 (a nested ``client_addr`` key)."""
    with logged.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.7"}):
        g.request_id = 'req "1" \\ é'
        record(
            db.session,
            actor=None,
            actor_label=ESCAPED,
            action=AuditAction.CLAIM_EDIT,
            entity_type="claim",
            entity_id='a"b\\c\n',
            changes={"priority": (0, 1)},
        )
        record(
            db.session,
            actor=None,
            action=AuditAction.CLAIM_EDIT,
            entity_type="claim",
            entity_id="7",
            changes={"a": (0, 1), "client_addr": ("198.51.100.7", "198.51.100.7")},
            data={"a": 1, "client_addr": "198.51.100.7"},
        )
        db.session.commit()
    return logged


def test_values_needing_escapes_and_a_nested_client_addr_verify(odd):
    result = verify(odd)
    assert result.ok and result.count == 12


@pytest.mark.parametrize("seq", [11, 12])
@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("actor", "'nobody@example.org'"),
        ("actor", "actor || ' '"),
        ("actor_id", "CASE WHEN actor_id IS NULL THEN 1 ELSE NULL END"),
        ("action", "'claim.status'"),
        ("entity_type", "'verdict'"),
        ("entity_id", "CASE WHEN entity_id IS NULL THEN '1' ELSE NULL END"),
        ("request_id", "CASE WHEN request_id IS NULL THEN 'forged' ELSE NULL END"),
        ("client_addr", "CASE WHEN client_addr IS NULL THEN '192.0.2.66' ELSE '192.0.2.6' END"),
        ("occurred_at", ":later"),
    ],
)
def test_each_copied_column_edited_in_the_database_is_named(odd, seq, column, value):
    with triggers_lifted(odd) as conn:
        later = conn.execute(sa.select(AuditEvent.occurred_at).where(AuditEvent.seq == seq))
        moved = later.scalar_one() + timedelta(microseconds=1)
        if conn.dialect.name == "sqlite":  # as SQLAlchemy stores it: naive UTC text
            moved = moved.replace(tzinfo=None).isoformat(" ", "microseconds")
        conn.execute(
            sa.text(f"UPDATE audit_events SET {column} = {value} WHERE seq = :seq"),
            {"seq": seq, "later": moved} if column == "occurred_at" else {"seq": seq},
        )
    result = verify(odd)
    assert not result.ok and result.bad_seq == seq and result.count == seq - 1
    assert f"column {column} says" in result.reason


def test_a_column_holding_bytes_is_named_on_sqlite(odd):
    """A BLOB where SQLite should hold text is named, not a crash (it was a TypeError)."""
    with odd.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("only SQLite lets a text column hold a BLOB")
    with triggers_lifted(odd) as conn:
        conn.exec_driver_sql("UPDATE audit_events SET actor = CAST(actor AS BLOB) WHERE seq = 11")
    result = verify(odd)
    assert not result.ok and result.bad_seq == 11 and "column actor says b'Rita" in result.reason
