"""Benchmark the streamed ClaimReview export against orjson on the same data, in one run.

    .venv/bin/python bench/bench_export.py [--count 100000]

Streams ``count`` synthetic reviews through ``write_feed`` (JSON DataFeed and JSON Lines) to a
temporary file, then serialises the same precomputed dicts with ``orjson.dumps`` (one call on
the whole feed, built up front and untimed, as a non-streaming exporter would; and one call per
line), and prints reviews/s, the ratio and the peak traced memory of each. Memory is measured
in a second pass so tracemalloc does not distort the timings.

Then (``--db-count``, default 100,000; 0 skips it) the same from a database: that many published
claims are bulk-inserted into a migrated SQLite file, and the publishing service that backs
``/claimreview.json`` and ``factcheck export claimreview`` streams them (Core query with
``yield_per``, ``ReviewRows`` straight from each row tuple, write_feed with orjson) to a file;
the command itself is timed too (it adds the atomic rename and the audit event). Peak memory is
the RSS of each export alone in a fresh process (the app's start-up included).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from _common import drop_postgres_schema, postgres_reachable, postgres_schema_url, verdict

from factcheck.publishing.jsonld.build import (
    Organisation,
    ReviewData,
    build_claim_review,
    data_feed,
    write_feed,
)

ORG = Organisation(name="Le Desk", url="https://verif.example.fr/")
START = datetime(2025, 1, 1, tzinfo=UTC)


def synthetic(count: int) -> Iterator[dict[str, Any]]:
    """Yield ``count`` distinct ClaimReviews built by the real builder."""
    for n in range(count):
        yield build_claim_review(
            ReviewData(
                url=f"/fc/{n}",
                claim_reviewed=f"Affirmation n° {n} : 23 des 32 membres de l'OTAN à 2 % du PIB",
                date_published=START + timedelta(minutes=n),
                in_language="fr",
                rating_label=("Faux", "Plutôt faux", "Trompeur", "Plutôt vrai", "Vrai")[n % 5],
                rating_value=n % 5 + 1,
                best_rating=5,
                worst_rating=1,
                summary="Le rapport publié en juin par l'OTAN le confirme.",
                claimant_name="Mark Rutte",
                claimant_type="Person",
                appearance_url=f"https://news.example.com/article/{n}",
            ),
            ORG,
        )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def seed_published(url: str, count: int) -> Any:
    """Migrate a SQLite file and bulk-insert ``count`` published claims; return the app."""
    import sqlalchemy as sa

    from factcheck.auth.services import create_user
    from factcheck.extensions import db
    from factcheck.models import Claim, RatingScale, RatingValue, Role, Verdict
    from factcheck.ratings.services import ensure_default_scales
    from factcheck.review.proposal import rating_snapshot

    app = make_export_app(url)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        ensure_default_scales(db.session, actor=None)
        proposer, approver = (
            create_user(
                db.session,
                email=f"{name}@example.org",
                password="bench password, long enough",  # noqa: S106 - a throwaway bench user
                role=Role.EDITOR,
                display_name=name,
                actor=None,
            )
            for name in ("proposer", "approver")
        )
        ratings = db.session.scalars(
            sa.select(RatingValue)
            .join(RatingScale)
            .where(RatingScale.language == "fr")
            .order_by(RatingValue.value)
        ).all()
        # What approval would have copied into each verdict (published rows read the snapshot).
        snapshots = [rating_snapshot(r) for r in ratings]
        for start in range(0, count, 10_000):
            batch = range(start + 1, min(count, start + 10_000) + 1)
            db.session.execute(
                sa.insert(Claim),
                [
                    {
                        "id": n,
                        "text": f"Affirmation n° {n} : 23 des 32 membres de l'OTAN à 2 % du PIB",
                        "claim_reviewed": f"Affirmation n° {n} : 23 des 32 membres à 2 % du PIB",
                        "claimant_name": "Mark Rutte",
                        "claimant_type": "Person",
                        "appearance_url": f"https://news.example.com/article/{n}",
                        "language": "fr",
                        "reasons": [],
                        "quantities": [],
                    }
                    for n in batch
                ],
            )
            moment = START + timedelta(minutes=start)
            db.session.execute(
                sa.insert(Verdict),
                [
                    {
                        "id": n,
                        "claim_id": n,
                        "rating_value_id": ratings[n % len(ratings)].id,
                        **snapshots[n % len(ratings)],
                        "summary": "Le rapport publié en juin par l'OTAN le confirme.",
                        "state": "approved",
                        "proposed_by_id": proposer.id,
                        "proposed_at": moment,
                        "approved_by_id": approver.id,
                        "approved_at": moment,
                        "corrects_id": None,
                        "correction_note": None,
                        "created_by_id": proposer.id,
                    }
                    for n in batch
                ],
            )
        db.session.execute(
            sa.update(Claim)
            .where(Claim.id <= count)
            .values(
                status="published",
                published_verdict_id=Claim.id,
                slug=sa.literal("fc-") + sa.cast(Claim.id, sa.String),
                published_at=START,
            )
        )
        db.session.commit()
    return app


def raw_sql(dialect: Any) -> str:
    """The service's own query (``published_select``) as plain SQL for ``dialect``."""
    from factcheck.publishing.services import published_select

    return str(published_select().compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def raw_export(url: str, path: str) -> int:
    """The floor: the same rows through the bare driver (sqlite3 or psycopg, no SQLAlchemy)
    → one dict per row → ``orjson.dumps`` per line → file."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    written = 0
    with open(path, "wb") as fp:
        if target.get_backend_name() == "sqlite":
            import sqlite3

            from sqlalchemy.dialects import sqlite

            conn = sqlite3.connect(str(target.database))
            cursor = conn.execute(raw_sql(sqlite.dialect()))
            names = [d[0] for d in cursor.description]
            while batch := cursor.fetchmany(500):
                for row in batch:
                    fp.write(orjson.dumps(dict(zip(names, row, strict=True))) + b"\n")
                    written += 1
            conn.close()
        else:
            import psycopg
            from sqlalchemy.dialects import postgresql

            conninfo = target.set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(conninfo) as conn, conn.cursor(name="raw_export") as cursor:
                cursor.itersize = 500
                cursor.execute(raw_sql(postgresql.dialect()))
                names = None
                for row in cursor:
                    if names is None:
                        names = [d[0] for d in cursor.description or ()]
                    fp.write(orjson.dumps(dict(zip(names, row, strict=True))) + b"\n")
                    written += 1
    return written


def service_export(app: Any, path: str, fmt: str) -> int:
    """``factcheck export claimreview``'s streaming: the publishing service to a file."""
    from sqlalchemy.orm import Session

    from factcheck.extensions import db
    from factcheck.publishing import services

    with app.app_context(), Session(db.engine) as session, open(path, "w", encoding="utf-8") as fp:
        return services.export_claim_reviews(session, fp, ORG, format=fmt)  # type: ignore[arg-type]


def child(args: argparse.Namespace) -> None:
    """Run one export in this fresh process and print its count and peak RSS (MB)."""
    if args.child == "raw":
        written = raw_export(args.url, args.path)
    else:
        written = service_export(make_export_app(args.url), args.path, args.child)
    print(orjson.dumps({"written": written, "peak_mb": high_water_mb()}).decode())


def high_water_mb() -> float:
    """This process's peak resident memory (``VmHWM``: reset by exec, unlike ``ru_maxrss``,
    which a child started by fork inherits from its parent)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_subprocess(kind: str, url: str, path: str) -> tuple[int, float]:
    """(count, peak RSS MB) of one export run alone in a new process."""
    import json
    import subprocess
    import sys

    out = (
        subprocess.run(
            [sys.executable, __file__, "--child", kind, "--url", url, "--path", path],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    data = json.loads(out)
    return int(data["written"]), float(data["peak_mb"])


def make_export_app(url: str) -> Any:
    from factcheck import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "ORG_NAME": ORG.name,
            "ORG_URL": ORG.url,
        }
    )


GOAL_RATIO = 0.5
GOAL_PEAK_MB = 200


def bench_database(count: int, url: str, label: str, rounds: int = 3) -> None:
    """Export ``count`` published claims seeded at ``url``: the service against the raw driver,
    timed in turn (best of ``rounds``), then each once more alone in a subprocess for its peak
    memory (RSS, the whole process: interpreter, app, driver and buffers)."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        app = seed_published(url, count)
        seeded = time.perf_counter() - started
        path = os.path.join(tmp, "export")

        def command() -> None:
            result = app.test_cli_runner().invoke(
                args=["export", "claimreview", "-o", path, "--format", "jsonl"]
            )
            assert result.exit_code == 0, result.output

        def check(n: int) -> None:
            assert n == count, n

        rows = {
            "raw driver -> dicts -> orjson jsonl": lambda: check(raw_export(url, path)),
            "export_claim_reviews jsonl": lambda: check(service_export(app, path, "jsonl")),
            "export_claim_reviews json": lambda: check(service_export(app, path, "json")),
            "factcheck export claimreview jsonl": command,
        }
        best = dict.fromkeys(rows, float("inf"))
        for _ in range(rounds):
            for name, action in rows.items():
                best[name] = min(best[name], timed(action))
        size = os.path.getsize(path)
        peaks = {}
        for name, kind in (
            ("raw driver -> dicts -> orjson jsonl", "raw"),
            ("export_claim_reviews jsonl", "jsonl"),
            ("export_claim_reviews json", "json"),
        ):
            written, peaks[name] = in_subprocess(kind, url, path)
            assert written == count, (kind, written)
        with app.app_context():
            from factcheck.extensions import db

            db.engine.dispose()

    print(
        f"\nfrom the database, {label}: {count:,} published claims (seeded in {seeded:.1f} s); "
        f"jsonl file {size / 1e6:.1f} MB; best of {rounds}\n"
    )
    print(f"{'':40} {'reviews/s':>12} {'seconds':>8} {'peak RSS MB':>12}")
    for name in rows:
        shown = f"{peaks[name]:>12.0f}" if name in peaks else f"{'-':>12}"
        print(f"{name:40} {count / best[name]:>12,.0f} {best[name]:>8.2f} {shown}")
    raw = best["raw driver -> dicts -> orjson jsonl"]
    for name in ("export_claim_reviews jsonl", "export_claim_reviews json"):
        ratio = raw / best[name]
        print(f"ratio {name} / raw: {ratio:.2f}  ({verdict(ratio, GOAL_RATIO)})")
    worst = max(peaks["export_claim_reviews jsonl"], peaks["export_claim_reviews json"])
    state = "met" if worst < GOAL_PEAK_MB else f"MISSED by {worst - GOAL_PEAK_MB:.0f} MB"
    print(f"peak RSS of the service's export: {worst:.0f} MB (goal < {GOAL_PEAK_MB} MB: {state})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--db-count",
        type=int,
        default=100_000,
        help="published claims to export from SQLite afterwards (0 skips it)",
    )
    parser.add_argument("--postgres", help="a PostgreSQL URL: export from it as well")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    count = args.count

    precomputed = list(synthetic(count))
    feed = data_feed(precomputed, ORG)  # the same document write_feed streams, built up front
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "feed")

        def stream(fmt: str, items: Any) -> Callable[[], object]:
            def run() -> None:
                with open(path, "w", encoding="utf-8") as fp:
                    write_feed(items(), fp, format=fmt, org=ORG)  # type: ignore[arg-type]

            return run

        def orjson_feed() -> None:
            with open(path, "wb") as fp:
                fp.write(orjson.dumps(feed))

        def orjson_lines() -> None:
            with open(path, "wb") as fp:
                fp.write(b"\n".join(orjson.dumps(item) for item in precomputed) + b"\n")

        rows = [
            ("write_feed json (precomputed dicts)", stream("json", lambda: iter(precomputed))),
            ("write_feed jsonl (precomputed dicts)", stream("jsonl", lambda: iter(precomputed))),
            ("orjson.dumps DataFeed (whole list)", orjson_feed),
            ("orjson.dumps per line (jsonl)", orjson_lines),
        ]
        seconds = {name: timed(action) for name, action in rows}
        size = os.path.getsize(path)
        build_and_stream = timed(stream("json", lambda: synthetic(count)))
        build_peak = peak(stream("json", lambda: synthetic(count)))
        peaks = {name: peak(action) for name, action in rows}

    print(f"{count:,} reviews; jsonl file {size / 1e6:.1f} MB\n")
    print(f"{'':40} {'reviews/s':>12} {'seconds':>8} {'peak MB':>8}")
    for name, _ in rows:
        rate = count / seconds[name]
        print(f"{name:40} {rate:>12,.0f} {seconds[name]:>8.2f} {peaks[name] / 1e6:>8.1f}")
    print(
        f"{'build_claim_review + write_feed json':40} {count / build_and_stream:>12,.0f} "
        f"{build_and_stream:>8.2f} {build_peak / 1e6:>8.1f}"
    )
    ratio = (
        seconds["write_feed json (precomputed dicts)"]
        / seconds["orjson.dumps DataFeed (whole list)"]
    )
    ratio_lines = (
        seconds["write_feed jsonl (precomputed dicts)"] / seconds["orjson.dumps per line (jsonl)"]
    )
    print(f"\nwrite_feed / orjson time ratio: json {ratio:.1f}x, jsonl {ratio_lines:.1f}x")
    print(
        "peak memory excludes the precomputed list itself for the first four rows; the "
        "build + stream row holds no list at all."
    )
    if args.db_count <= 0:
        return
    with tempfile.TemporaryDirectory() as tmp:
        bench_database(args.db_count, f"sqlite:///{tmp}/bench.sqlite3", "SQLite")
    if not args.postgres:
        print("\nPostgreSQL export: skipped (no --postgres URL)")
        return
    reason = postgres_reachable(args.postgres)
    if reason:
        print(f"\nPostgreSQL export: skipped ({reason})")
        return
    url = postgres_schema_url(args.postgres, "bench_export")
    try:
        bench_database(args.db_count, url, "PostgreSQL")
    finally:
        drop_postgres_schema(args.postgres, "bench_export")


if __name__ == "__main__":
    main()
