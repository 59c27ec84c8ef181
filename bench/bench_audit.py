"""Benchmark: audit-chain verification against the hashlib limit (``make bench``; not a test).

Builds N events in memory the way ``factcheck.audit.log.record`` writes them (canonical JSON
bodies, chained SHA-256), then times

* ``verify_rows`` over the row tuples (hash recomputation, seq and linkage checks, and the check
  that every copied column matches the body), and
* hashlib alone over the same ``prev_hash + "\\n" + body`` bytes, already encoded: the floor.

and prints events/s for both and their ratio (goal: at least 0.3).

Then ``audit verify`` as the command runs it: ``--db-events`` of those events (default 200,000;
0 skips it) are bulk-inserted into a SQLite file migrated to head (and, with ``--postgres URL``,
into a ``bench_audit`` schema there), and ``verify_database`` (what ``factcheck audit verify``
calls: it streams the rows from the database, converts them and checks the chain and the head)
is timed against hashlib over the same bytes, in the same run.

    .venv/bin/python bench/bench_audit.py [--events 1000000] [--repeat 3] [--db-events 200000]
        [--postgres URL]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _common import verdict

from factcheck.audit.log import canonical_json, chain_hash
from factcheck.audit.verify import GENESIS_HASH, verify_rows

GOAL = 0.3
ACTORS = [(i, f"person{i}@newsroom.example") for i in range(1, 41)]
SENTENCE = (
    "Selon le Pentagone, environ 10 000 soldats nord-coréens ont été envoyés dans la région "
    "russe de Koursk, a rappelé Mark Rutte, le secrétaire général de l'OTAN."
)


def _claim_snapshot(rnd: random.Random) -> dict[str, Any]:
    """A ``claim.create`` snapshot of every claim field, as extraction writes it."""
    start = rnd.randrange(0, 4000)
    after = {
        "article_id": rnd.randrange(1, 3000),
        "text": SENTENCE,
        "start_offset": start,
        "end_offset": start + len(SENTENCE),
        "claim_reviewed": SENTENCE[:74],
        "claimant_name": "Mark Rutte",
        "claimant_type": "Person",
        "claimant_same_as": None,
        "claim_date": "2026-11-28",
        "appearance_url": None,
        "appearance_headline": "Message de Rutte à Trump : les troupes nord-coréennes",
        "language": "fr",
        "score": repr(round(rnd.random(), 4)),
        "reasons": ["chiffre", "source officielle", "verbe de déclaration"],
        "quantities": [{"text": "10 000 soldats", "value": "10000", "unit": "soldats"}],
        "status": "new",
        "dismiss_reason": None,
        "duplicate_of_id": None,
        "assignee_id": None,
        "priority": 0,
        "published_verdict_id": None,
        "slug": None,
        "published_at": None,
        "version": 1,
    }
    return {k: {"before": None, "after": v} for k, v in after.items()}


def _changes(kind: str, rnd: random.Random) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(action, entity type, changes, data) for one event of the desk's usual kinds."""
    v = rnd.randrange(1, 9)
    if kind == "create":
        return "claim.create", "claim", _claim_snapshot(rnd), {"origin": "extraction"}
    if kind == "status":
        return (
            "claim.status",
            "claim",
            {
                "status": {"before": "new", "after": "queued"},
                "version": {"before": v, "after": v + 1},
            },
            {},
        )
    if kind == "edit":
        return (
            "claim.edit",
            "claim",
            {
                "claim_reviewed": {"before": SENTENCE[:74], "after": "10 000 soldats à Koursk"},
                "priority": {"before": 0, "after": 2},
                "version": {"before": v, "after": v + 1},
            },
            {},
        )
    if kind == "source":
        return (
            "source.add",
            "source",
            {
                "url": {"before": None, "after": "https://www.defense.gov/News/Transcripts/"},
                "title": {"before": None, "after": "Pentagon press briefing"},
                "stance": {"before": None, "after": "supports"},
                "excerpt": {"before": None, "after": "roughly 10,000 North Korean soldiers"},
            },
            {"claim_id": rnd.randrange(1, 50_000)},
        )
    if kind == "note":
        return (
            "note.add",
            "note",
            {
                "body": {"before": None, "after": "Vérifier la date du briefing et la source."},
            },
            {"claim_id": rnd.randrange(1, 50_000)},
        )
    return "login.success", "user", {}, {"session_id": rnd.randrange(1, 10**6)}


# A day at the desk: extraction creates many claims; reviewers edit, move, source and annotate.
KINDS = ["create"] * 3 + ["status"] * 2 + ["edit", "source", "note", "login"]


def build_events(n: int, seed: int = 20261129) -> list[tuple[object, ...]]:
    """N events as row tuples in ``COLUMNS`` order, as ``stream_rows`` yields them."""
    rnd = random.Random(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows: list[tuple[object, ...]] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        action, etype, changes, data = _changes(KINDS[seq % len(KINDS)], rnd)
        actor_id, actor = ACTORS[rnd.randrange(len(ACTORS))]
        occurred = start + timedelta(seconds=seq * 3, microseconds=rnd.randrange(1_000_000))
        stamp = occurred.isoformat().replace("+00:00", "Z")
        entity_id = str(rnd.randrange(1, 50_000))
        request_id = f"{rnd.getrandbits(128):032x}"
        client_addr = f"10.0.{actor_id}.{rnd.randrange(1, 4)}"  # a few desks per person
        body = canonical_json(
            {
                "seq": seq,
                "occurred_at": stamp,
                "actor": actor,
                "actor_id": actor_id,
                "action": action,
                "entity_type": etype,
                "entity_id": entity_id,
                "changes": changes,
                "data": data,
                "request_id": request_id,
                "client_addr": client_addr,
            }
        )
        digest = chain_hash(prev, body)
        rows.append(
            (
                seq,
                stamp,
                actor_id,
                actor,
                action,
                etype,
                entity_id,
                request_id,
                client_addr,
                body.encode(),
                prev,
                digest,
            )
        )
        prev = digest
    return rows


def time_verify(rows: list[tuple[object, ...]]) -> float:
    started = time.process_time()
    result = verify_rows(rows)
    elapsed = time.process_time() - started
    assert result.ok and result.count == len(rows), result
    return elapsed


def time_hashlib(payloads: list[bytes]) -> float:
    sha256 = hashlib.sha256
    started = time.process_time()
    for payload in payloads:
        sha256(payload).hexdigest()
    return time.process_time() - started


def seed_events(url: str, rows: list[tuple[object, ...]]) -> Any:
    """Migrate ``url`` and bulk-insert ``rows`` (with their actors) as the stored audit trail."""
    import sqlalchemy as sa
    from _common import make_app
    from flask_migrate import upgrade

    from factcheck.extensions import db
    from factcheck.models import AuditChainHead, AuditEvent, User

    app = make_app(url)
    with app.app_context():
        upgrade()
        db.session.execute(
            sa.insert(User),
            [
                {
                    "id": actor_id,
                    "email": email,
                    "display_name": email,
                    "role": "reviewer",
                    "password_hash": "-",
                    "active": True,
                    "created_at": datetime(2026, 1, 1, tzinfo=UTC),
                }
                for actor_id, email in ACTORS
            ],
        )
        for start in range(0, len(rows), 20_000):
            db.session.execute(
                sa.insert(AuditEvent),
                [
                    {
                        "seq": r[0],
                        "occurred_at": datetime.fromisoformat(str(r[1]).replace("Z", "+00:00")),
                        "actor_id": r[2],
                        "actor": r[3],
                        "action": r[4],
                        "entity_type": r[5],
                        "entity_id": r[6],
                        "request_id": r[7],
                        "client_addr": r[8],
                        "body": bytes(r[9]).decode(),  # type: ignore[call-overload]
                        "prev_hash": r[10],
                        "hash": r[11],
                    }
                    for r in rows[start : start + 20_000]
                ],
            )
        # The head only moves one event at a time (migration 0002's trigger): set aside, in this
        # throwaway database only, to move it to the last inserted event at once.
        move_head = sa.update(AuditChainHead).values(seq=len(rows), hash=str(rows[-1][11]))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(
                sa.text("ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward")
            )
            db.session.execute(move_head)
            db.session.execute(
                sa.text(
                    "ALTER TABLE audit_chain_head ENABLE ALWAYS TRIGGER audit_chain_head_forward"
                )
            )
        else:
            trigger = db.session.execute(
                sa.text("SELECT sql FROM sqlite_master WHERE name = 'audit_chain_head_forward'")
            ).scalar_one()
            db.session.execute(sa.text("DROP TRIGGER audit_chain_head_forward"))
            db.session.execute(move_head)
            db.session.execute(sa.text(trigger))
        db.session.commit()
    return app


def bench_database(url: str, label: str, rows: list[tuple[object, ...]], repeat: int) -> bool:
    """verify_database reading ``url`` against hashlib over the same bytes; True if the goal
    is met."""
    from factcheck.audit.store import verify_database
    from factcheck.extensions import db

    started = time.perf_counter()
    app = seed_events(url, rows)
    seeded = time.perf_counter() - started
    payloads = [str(r[10]).encode() + b"\n" + bytes(r[9]) for r in rows]  # type: ignore[call-overload]
    # The events built in memory for seeding stay alive in this process (the command's process
    # holds none): keep the collector from walking them while the database is read.
    gc.collect()
    gc.freeze()

    def time_db() -> float:
        with app.app_context():
            started = time.perf_counter()
            result = verify_database(db.session)
            elapsed = time.perf_counter() - started
            db.session.remove()
        assert result.ok and result.count == len(rows), result
        return elapsed

    def time_hash() -> float:
        sha256 = hashlib.sha256
        started = time.perf_counter()
        for payload in payloads:
            sha256(payload).hexdigest()
        return time.perf_counter() - started

    def time_read() -> float:
        """The driver alone reading the same query's rows (no checks): the reading's floor."""
        from factcheck.audit.store import stream_query

        with app.app_context():
            engine = db.engine
            sql = str(
                stream_query(engine.dialect.name, stored_times=True).compile(
                    dialect=engine.dialect, compile_kwargs={"literal_binds": True}
                )
            )
            raw = engine.raw_connection()
            try:
                started = time.perf_counter()
                cursor = raw.cursor()
                cursor.execute(sql)
                while cursor.fetchmany(5000):
                    pass
                elapsed = time.perf_counter() - started
            finally:
                raw.close()
        return elapsed

    # Wall time here (reading the database is part of the work), best of N, interleaved.
    verify_s = hash_s = read_s = float("inf")
    for _ in range(repeat):
        verify_s = min(verify_s, time_db())
        hash_s = min(hash_s, time_hash())
        read_s = min(read_s, time_read())
    with app.app_context():
        db.engine.dispose()
    n = len(rows)
    ratio = hash_s / verify_s
    print(f"\n{label}: {n:,} stored events (seeded in {seeded:.1f} s)")
    print(f"audit verify (database):  {n / verify_s:>12,.0f} events/s  ({verify_s:.2f} s)")
    print(f"hashlib alone:            {n / hash_s:>12,.0f} events/s  ({hash_s:.2f} s)")
    print(f"driver reading the rows:  {n / read_s:>12,.0f} events/s  ({read_s:.2f} s, no checks)")
    print(f"ratio:                    {ratio:>12.2f}  ({verdict(ratio, GOAL)})")
    return ratio >= GOAL


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    parser.add_argument("--db-events", type=int, default=200_000)
    parser.add_argument("--postgres", help="a PostgreSQL URL: verify a stored trail there too")
    args = parser.parse_args()

    t0 = time.process_time()
    rows = build_events(args.events)
    payloads = [str(r[10]).encode() + b"\n" + bytes(r[9]) for r in rows]  # type: ignore[arg-type]
    mb = sum(len(p) for p in payloads) / 1e6
    print(f"built {len(rows):,} events ({mb:,.0f} MB hashed) in {time.process_time() - t0:.1f} s")

    # Interleaved, best of N each: the machine's load affects both the same way.
    gc.disable()
    verify_s = hash_s = float("inf")
    for _ in range(args.repeat):
        verify_s = min(verify_s, time_verify(rows))
        hash_s = min(hash_s, time_hashlib(payloads))
    gc.enable()

    n = len(rows)
    verify_rate, hash_rate = n / verify_s, n / hash_s
    ratio = verify_rate / hash_rate
    print(f"verify:          {verify_rate:>12,.0f} events/s  ({verify_s:.2f} s)")
    print(f"hashlib alone:   {hash_rate:>12,.0f} events/s  ({hash_s:.2f} s)")
    print(f"ratio:           {ratio:>12.2f}  ({verdict(ratio, GOAL)})")
    if args.db_events <= 0:
        return 0
    import tempfile

    from _common import drop_postgres_schema, postgres_reachable, postgres_schema_url

    stored = rows[: args.db_events]
    del payloads
    with tempfile.TemporaryDirectory() as tmp:
        bench_database(f"sqlite:///{tmp}/audit.sqlite3", "SQLite", stored, args.repeat)
    if not args.postgres:
        print("\nPostgreSQL: skipped (no --postgres URL)")
        return 0
    reason = postgres_reachable(args.postgres)
    if reason:
        print(f"\nPostgreSQL: skipped ({reason})")
        return 0
    url = postgres_schema_url(args.postgres, "bench_audit")
    try:
        bench_database(url, "PostgreSQL", stored, args.repeat)
    finally:
        drop_postgres_schema(args.postgres, "bench_audit")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
