"""Benchmark the dashboard and the queue CSV on 100,000 claims, against bare SQL in the same run.

    .venv/bin/python bench/bench_dashboard.py [--count 100000]

Bulk-inserts ``count`` claims into a SQLite file migrated to head — a year of them, in every
status, two languages, a fifth published (with their verdict snapshots) and an audit event
``claim.accept`` for every claim that left *new* — then:

- times ``figures.dashboard`` (every figure of ``/dashboard``) over the whole year and over
  12 weeks, with and without a language, and prints each as a ratio to a bare
  ``SELECT status, count(*) FROM claims GROUP BY status`` (one full scan of the table) timed in
  the same run;
- streams the whole queue as CSV (``csvexport.queue_rows`` through ``csvexport.lines``, what
  ``/queue.csv`` and ``factcheck export csv`` do) to a file, timed against the csv module
  writing the same columns straight from a DB-API cursor, and measures the peak traced memory
  of streaming ``count`` rows and a tenth of them: bounded memory means the two peaks are close,
  while reading the rows into a list first grows with the count (printed for comparison).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from _common import PASSWORD, START, analyze, make_app

STATUSES = ("new",) * 3 + ("queued",) * 2 + ("in_review", "awaiting_approval", "dismissed")
YEAR_SECONDS = 365 * 24 * 3600


def seed(app: Any, count: int) -> None:
    from flask_migrate import upgrade

    from factcheck.auth.services import create_user
    from factcheck.extensions import db
    from factcheck.models import Claim, RatingScale, RatingValue, Role, Verdict
    from factcheck.ratings.services import ensure_default_scales
    from factcheck.review.proposal import rating_snapshot

    rng = random.Random(17)
    with app.app_context():
        upgrade()
        ensure_default_scales(db.session, actor=None)
        people = [
            create_user(
                db.session,
                email=f"bench{i}@example.org",
                password=PASSWORD,
                role=Role.EDITOR if i < 2 else Role.REVIEWER,
                display_name=f"Bench {i}",
                actor=None,
            )
            for i in range(8)
        ]
        reviewers = people[2:]
        ratings = db.session.scalars(
            sa.select(RatingValue).join(RatingScale).where(RatingScale.language == "fr")
        ).all()
        snapshots = [(r.id, rating_snapshot(r)) for r in ratings]
        db.session.commit()
        step = YEAR_SECONDS // count
        claims: list[dict[str, Any]] = []
        verdicts: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        seq = int(db.session.scalar(sa.text("SELECT seq FROM audit_chain_head")) or 0)

        def flush() -> None:
            if claims:
                db.session.execute(sa.insert(Claim), claims)
            if verdicts:
                db.session.execute(sa.insert(Verdict), verdicts)
            if events:
                db.session.execute(sa.insert(AuditEvent), events)
            claims.clear()
            verdicts.clear()
            events.clear()

        from factcheck.models import AuditEvent

        # Claims name their published verdict, inserted just after them: check at commit.
        db.session.execute(sa.text("PRAGMA defer_foreign_keys = ON"))
        for n in range(1, count + 1):
            created = START + timedelta(seconds=n * step)
            status = "published" if n % 5 == 0 else rng.choice(STATUSES)
            row: dict[str, Any] = {
                "id": n,
                "text": f"Affirmation n° {n} : 23 des 32 membres de l'OTAN à 2 % du PIB",
                "claim_reviewed": f"Affirmation n° {n} : 23 des 32 membres à 2 % du PIB",
                "claimant_name": rng.choice((None, "Mark Rutte", "=cmd()", "Donald Trump")),
                "language": "fr" if n % 4 else "en",
                "score": round(rng.random(), 3),
                "status": status,
                "dismiss_reason": "opinion" if status == "dismissed" else None,
                "assignee_id": rng.choice(reviewers).id
                if status in ("in_review", "awaiting_approval", "published")
                else None,
                "created_at": created,
                "updated_at": created,
                "reasons": [],
                "quantities": [],
                # Every row has the same keys, so each batch is one executemany.
                "published_verdict_id": None,
                "published_at": None,
                "slug": None,
            }
            if status != "new":
                seq += 1
                accepted = created + timedelta(hours=rng.randint(1, 48))
                events.append(
                    {
                        "seq": seq,
                        "occurred_at": accepted,
                        "actor": "bench0@example.org",
                        "actor_id": people[0].id,
                        "action": "claim.accept" if status != "dismissed" else "claim.dismiss",
                        "entity_type": "claim",
                        "entity_id": str(n),
                        "body": "{}",
                        "prev_hash": f"{seq - 1:064x}",
                        "hash": f"{seq:064x}",
                    }
                )
            if status == "published":
                rating_id, snapshot = snapshots[n % len(snapshots)]
                published = created + timedelta(hours=rng.randint(50, 400))
                row.update(published_verdict_id=n, published_at=published, slug=f"claim-{n}")
                verdicts.append(
                    {
                        "id": n,
                        "claim_id": n,
                        "rating_value_id": rating_id,
                        "summary": "Résumé.",
                        "explanation": "",
                        "state": "approved",
                        "proposed_by_id": row["assignee_id"],
                        "proposed_at": published,
                        "approved_by_id": people[0].id,
                        "approved_at": published,
                        "created_by_id": row["assignee_id"],
                        "created_at": published,
                        **snapshot,
                    }
                )
            claims.append(row)
            if len(claims) == 5000:
                flush()
        flush()
        db.session.commit()
        analyze(db.engine)


def best_ms(action: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def peak_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run(app: Any, count: int, folder: Path) -> None:
    from factcheck.claims import queries
    from factcheck.dashboard import csvexport, figures
    from factcheck.extensions import db
    from factcheck.models import User

    with app.app_context():
        session = db.session
        year = figures.Filters(date(2025, 1, 1), date(2025, 12, 31))
        quarter = figures.Filters(date(2025, 10, 1), date(2025, 12, 23))
        cases = [
            ("whole year", year),
            ("whole year, fr", figures.Filters(year.start, year.end, "fr")),
            ("12 weeks", quarter),
            ("12 weeks, en", figures.Filters(quarter.start, quarter.end, "en")),
        ]
        figures.dashboard(session, year)  # warm the statement cache, as a running app has it
        for label, flt in cases:
            board = figures.dashboard(session, flt)
            baseline = best_ms(lambda flt=flt: bare_figures(session, flt), repeat=3)
            took = best_ms(lambda flt=flt: figures.dashboard(session, flt), repeat=3)
            print(
                f"dashboard {label:<16} {took:7.1f} ms  ×{took / baseline:4.2f} the same "
                f"aggregates in bare SQL ({baseline:.1f} ms)  "
                f"(published {board.published_count:,}, median {board.median_hours:.0f} h, "
                f"p90 {board.p90_hours:.0f} h)"
            )

        me = session.scalar(sa.select(User).limit(1))
        assert me is not None
        everything = queries.QueueFilters()
        target = folder / "queue.csv"

        def export(limit: int | None = None) -> int:
            rows = csvexport.queue_rows(session, everything, me, "https://desk.example.org/")
            written = 0
            with target.open("w", encoding="utf-8", newline="") as handle:
                for chunk in csvexport.lines(csvexport.QUEUE_COLUMNS, _take(rows, limit)):
                    handle.write(chunk)
                    written += 1
            session.rollback()
            return written

        def bare() -> None:
            raw = session.connection().exec_driver_sql(
                "SELECT c.id, c.status, c.claim_reviewed, c.text, c.claimant_name, "
                "c.claimant_type, c.language, c.score, c.priority, v.snapshot_label, "
                "u.display_name, a.title, c.claim_date, c.created_at, c.updated_at, "
                "c.published_at, c.slug FROM claims c LEFT JOIN articles a ON a.id = c.article_id "
                "LEFT JOIN users u ON u.id = c.assignee_id "
                "LEFT JOIN verdicts v ON v.id = c.published_verdict_id"
            )
            with (folder / "bare.csv").open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                for row in raw:
                    writer.writerow(row)
            session.rollback()

        bare_ms = best_ms(bare, repeat=3)
        ours_ms = best_ms(export, repeat=3)
        size = target.stat().st_size
        print(
            f"queue CSV, {count:,} rows ({size / 1e6:.1f} MB): {ours_ms:.0f} ms, "
            f"×{ours_ms / bare_ms:.1f} csv.writer over a bare cursor ({bare_ms:.0f} ms)"
        )
        tenth = peak_bytes(lambda: export(count // 10))
        full = peak_bytes(export)
        listed = peak_bytes(
            lambda: session.execute(csvexport.queue_select(session, everything, me)).all()
        )
        session.rollback()
        print(
            f"peak memory streaming {count // 10:,} rows: {tenth / 1e6:.1f} MB; "
            f"{count:,} rows: {full / 1e6:.1f} MB (×{full / tenth:.2f}); "
            f"reading {count:,} rows into a list instead: {listed / 1e6:.1f} MB"
        )
        if full > 2 * tenth:
            raise SystemExit("the CSV export's memory grows with the rows: it is not streaming")


BARE_SQL = {
    "found": "SELECT date(created_at), count(*) FROM claims WHERE created_at >= :a AND "
    "created_at < :b {lang} GROUP BY 1",
    "triaged": "SELECT date(e.occurred_at), count(*) FROM audit_events e {join} WHERE "
    "e.action IN ('claim.accept', 'claim.dismiss') AND e.entity_type = 'claim' AND "
    "e.occurred_at >= :a AND e.occurred_at < :b {lang} GROUP BY 1",
    "published": "SELECT date(published_at), count(*) FROM claims WHERE published_at >= :a "
    "AND published_at < :b {lang} GROUP BY 1",
    "ttp": "SELECT c.published_at, min(e.occurred_at) FROM claims c JOIN audit_events e ON "
    "e.entity_type = 'claim' AND e.entity_id = CAST(c.id AS VARCHAR) AND e.action = "
    "'claim.accept' WHERE c.published_at >= :a AND c.published_at < :b {lang} GROUP BY c.id",
    "open": "SELECT status, CASE WHEN created_at > :d1 THEN 0 WHEN created_at > :d7 THEN 1 "
    "WHEN created_at > :d30 THEN 2 ELSE 3 END, count(*) FROM claims WHERE status IN ('new', "
    "'queued', 'in_review', 'awaiting_approval') {lang} GROUP BY 1, 2",
    "load": "SELECT u.display_name, sum(c.status = 'in_review'), sum(c.status = "
    "'awaiting_approval'), sum(c.published_at >= :a AND c.published_at < :b) FROM users u "
    "JOIN claims c ON c.assignee_id = u.id WHERE (c.status IN ('in_review', "
    "'awaiting_approval') OR (c.published_at >= :a AND c.published_at < :b)) {lang} "
    "GROUP BY u.id",
    "verdicts": "SELECT v.snapshot_label, c.language, count(*) FROM claims c JOIN verdicts v "
    "ON v.id = c.published_verdict_id WHERE c.published_at >= :a AND c.published_at < :b "
    "{lang} GROUP BY 1, 2",
}


def bare_figures(session: Any, flt: Any) -> None:
    """The dashboard's aggregates as hand-written SQLite SQL, fetched and discarded."""
    now = datetime.now(UTC)
    params = {
        "a": flt.since.replace(tzinfo=None).isoformat(" "),
        "b": flt.until.replace(tzinfo=None).isoformat(" "),
        "lang": flt.language,
        **{
            f"d{n}": (now - timedelta(days=n)).replace(tzinfo=None).isoformat(" ")
            for n in (1, 7, 30)
        },
    }
    for name, sql in BARE_SQL.items():
        lang = ""
        join = ""
        if flt.language:
            lang = (
                "AND c.language = :lang"
                if name in ("ttp", "load", "verdicts")
                else ("AND language = :lang")
            )
            if name == "triaged":
                join = "JOIN claims c ON e.entity_id = CAST(c.id AS VARCHAR)"
                lang = "AND c.language = :lang"
        rows = session.execute(sa.text(sql.format(lang=lang, join=join)), params).all()
        if name == "ttp":  # the same per-row work the figures do: durations, then quantiles
            hours = [
                (datetime.fromisoformat(str(p)) - datetime.fromisoformat(str(q))).total_seconds()
                / 3600
                for p, q in rows
            ]
            if hours:
                statistics.median(hours)
                statistics.quantiles(hours, n=10) if len(hours) > 1 else None


def _take(rows: Any, limit: int | None) -> Any:
    for n, row in enumerate(rows):
        if limit is not None and n >= limit:
            return
        yield row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="reuse (or make and keep) this SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = args.db or folder / "bench.sqlite3"
        app = make_app(f"sqlite:///{path.absolute()}")
        if not path.exists() or path.stat().st_size == 0:
            started = time.perf_counter()
            seed(app, args.count)
            print(f"seeded {args.count:,} claims in {time.perf_counter() - started:.1f} s")
        run(app, args.count, folder)


if __name__ == "__main__":
    main()
