"""Benchmark the streamed ClaimReview export against orjson on the same data, in one run.

    .venv/bin/python bench/bench_export.py [--count 100000]

Streams ``count`` synthetic reviews through ``write_feed`` (JSON DataFeed and JSON Lines) to a
temporary file, then serialises the same precomputed dicts with ``orjson.dumps`` (one call on
the whole feed, built up front and untimed, as a non-streaming exporter would; and one call per
line), and prints reviews/s, the ratio and the peak traced memory of each. Memory is measured
in a second pass so tracemalloc does not distort the timings.

Then (``--db-count``, default 100,000; 0 skips it) the same from a database: that many published
claims are bulk-inserted into a migrated SQLite file, and the publishing service that backs
``/claimreview.json`` and ``factcheck export claimreview`` streams them (query with
``yield_per``, ReviewData, build_claim_review, write_feed) to a file; the command itself is
timed too (it adds the atomic rename and the audit event).
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

    from factcheck import create_app
    from factcheck.auth.services import create_user
    from factcheck.extensions import db
    from factcheck.models import Claim, RatingScale, RatingValue, Role, Verdict
    from factcheck.ratings.services import ensure_default_scales
    from factcheck.review.proposal import rating_snapshot

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
            "ORG_NAME": ORG.name,
            "ORG_URL": ORG.url,
        }
    )
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


def bench_database(count: int) -> None:
    from sqlalchemy.orm import Session

    from factcheck.extensions import db
    from factcheck.publishing import services

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        app = seed_published(f"sqlite:///{tmp}/bench.sqlite3", count)
        seeded = time.perf_counter() - started
        path = os.path.join(tmp, "export")

        def export(fmt: str) -> Callable[[], object]:
            def run() -> None:
                with (
                    app.app_context(),
                    Session(db.engine) as session,
                    open(path, "w", encoding="utf-8") as fp,
                ):
                    written = services.export_claim_reviews(
                        session,
                        fp,
                        ORG,
                        format=fmt,  # type: ignore[arg-type]
                    )
                assert written == count, written

            return run

        def command() -> None:
            result = app.test_cli_runner().invoke(
                args=["export", "claimreview", "-o", path, "--format", "jsonl"]
            )
            assert result.exit_code == 0, result.output

        rows = [
            ("export_claim_reviews json (SQLite)", export("json")),
            ("export_claim_reviews jsonl (SQLite)", export("jsonl")),
            ("factcheck export claimreview jsonl", command),
        ]
        seconds = {name: timed(action) for name, action in rows}
        peaks = {name: peak(action) for name, action in rows[:2]}
        size = os.path.getsize(path)

    print(
        f"\nfrom the database: {count:,} published claims in SQLite (seeded in {seeded:.1f} s); "
        f"jsonl file {size / 1e6:.1f} MB\n"
    )
    print(f"{'':40} {'reviews/s':>12} {'seconds':>8} {'peak MB':>8}")
    for name, _ in rows:
        shown = f"{peaks[name] / 1e6:>8.1f}" if name in peaks else f"{'-':>8}"
        print(f"{name:40} {count / seconds[name]:>12,.0f} {seconds[name]:>8.2f} {shown}")
    print(
        "peak memory is tracemalloc's: Python allocations while streaming "
        "(SQLite's page cache is not counted)."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument(
        "--db-count",
        type=int,
        default=100_000,
        help="published claims to export from SQLite afterwards (0 skips it)",
    )
    args = parser.parse_args()
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
    if args.db_count > 0:
        bench_database(args.db_count)


if __name__ == "__main__":
    main()
