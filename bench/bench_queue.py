"""Benchmark the claim queue on 100,000 claims: ms per page, first and deep, for every sort.

    .venv/bin/python bench/bench_queue.py [--count 100000] [--pages 200] [--postgres URL]

Bulk-inserts ``count`` claims (statuses, priorities, scores with some NULLs, two languages,
French claimants) into a SQLite file migrated to head (and, with ``--postgres``, into that
database's ``bench_queue`` schema, which it drops first), then times ``queries.queue_page`` —
the query behind ``/queue`` — walking ``pages`` pages by keyset cursor for each sort and filter,
plus full-text searches and the counts per status. Prints the median and worst ms per page.
Page 1 and page ``pages`` cost the same: there is no OFFSET.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

WORDS = " ".join(
    (
        "Le Pentagone estime que soldats nord-coréens envoyés région Koursk rapport OTAN membres",
        "objectif dépenses défense PIB Trump Rutte Ukraine Russie alliance sommet Budapest Chine",
        "Iran sécurité européenne troupes technologies élection",
    )
).split(" ")
CLAIMANTS = (None, "Mark Rutte", "Pentagone", "Donald Trump", "OTAN", "Edi Rama", "Petteri Orpo")
STATUSES = ("new",) * 5 + ("queued",) * 3 + ("in_review", "awaiting_approval", "dismissed")


def make_app(url: str) -> Any:
    from factcheck import create_app

    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": url,
        }
    )


def seed(app: Any, count: int) -> None:
    """Migrate, then bulk-insert ``count`` claims (no audit events: only reading is measured)."""
    from flask_migrate import upgrade

    from factcheck.auth.services import create_user
    from factcheck.extensions import db
    from factcheck.models import Article, Claim, Role

    rng = random.Random(42)
    with app.app_context():
        upgrade()
        reviewers = [
            create_user(
                db.session,
                email=f"bench{i}@example.org",
                password="bench password, long enough",  # noqa: S106 - a throwaway bench user
                role=Role.REVIEWER,
                display_name=f"Bench {i}",
                actor=None,
            )
            for i in range(5)
        ]
        articles = []
        for i in range(50):
            article = Article(
                title=f"Article {i}",
                language="fr" if i % 4 else "en",
                body="x",
                raw="x",
                content_hash=f"{i:064d}",
            )
            db.session.add(article)
            articles.append(article)
        db.session.flush()
        start = datetime(2025, 1, 1, tzinfo=UTC)
        batch: list[dict[str, Any]] = []
        for n in range(count):
            article = articles[n % len(articles)]
            status = rng.choice(STATUSES)
            text = " ".join(rng.choice(WORDS) for _ in range(14)) + f" {n}."
            batch.append(
                {
                    "article_id": article.id,
                    "text": text,
                    "claim_reviewed": text[:120],
                    "claimant_name": rng.choice(CLAIMANTS),
                    "language": article.language,
                    "score": None if n % 13 == 0 else round(rng.random(), 4),
                    "priority": rng.choice((0, 0, 0, 0, 1, 2, 3)),
                    "status": status,
                    "dismiss_reason": "opinion" if status == "dismissed" else None,
                    "assignee_id": (
                        rng.choice(reviewers).id
                        if status in ("in_review", "awaiting_approval")
                        else None
                    ),
                    "created_at": start + timedelta(seconds=n * 7),
                    "updated_at": start,
                    "reasons": [],
                    "quantities": [],
                }
            )
            if len(batch) == 5000:
                db.session.execute(sa.insert(Claim), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(Claim), batch)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")


def ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def run(app: Any, label: str, pages: int) -> None:
    from factcheck.claims import queries
    from factcheck.extensions import db
    from factcheck.models import ClaimStatus, User

    cases: list[tuple[str, dict[str, Any]]] = [
        (f"sort={sort}", {"sort": sort}) for sort in queries.SORTS
    ]
    cases += [
        ("status=queued sort=priority", {"status": ClaimStatus.QUEUED}),
        ("status=new sort=score", {"status": ClaimStatus.NEW, "sort": "score"}),
        ("assignee=unassigned min_score=0.5", {"assignee": "unassigned", "min_score": 0.5}),
        ("language=en sort=newest", {"language": "en", "sort": "newest"}),
        ("q=pentagone koursk", {"q": "pentagone koursk"}),
        ("q=rutte status=queued", {"q": "rutte", "status": ClaimStatus.QUEUED}),
    ]
    print(f"\n{label}: ms per page of {queries.PAGE_SIZE} (median / worst over the pages walked)")
    print(f"  {'filters':40} {'page 1':>8} {'median':>8} {'worst':>8} {'pages':>6}")
    with app.app_context():
        me = db.session.scalar(sa.select(User).order_by(User.id))
        for name, kwargs in cases:
            filters = queries.QueueFilters(**kwargs)
            timings, cursor, walked = [], None, 0
            for _ in range(pages):
                holder: dict[str, Any] = {}

                def one(
                    cursor: str | None = cursor,
                    holder: dict[str, Any] = holder,
                    filters: queries.QueueFilters = filters,
                ) -> None:
                    holder["page"] = queries.queue_page(
                        db.session, filters, me, cursor=cursor, with_counts=False
                    )

                timings.append(ms(one))
                walked += 1
                cursor = holder["page"].next_cursor
                db.session.rollback()
                if cursor is None:
                    break
            print(
                f"  {name:40} {timings[0]:8.1f} {statistics.median(timings):8.1f} "
                f"{max(timings):8.1f} {walked:6d}"
            )
        counts = [ms(lambda: queries.status_counts(db.session)) for _ in range(5)]
        print(f"  {'counts per status (all claims)':40} {statistics.median(counts):8.1f}")
        conds = [queries.search_condition(db.session, ["rutte"])]
        counts = [ms(lambda: queries.status_counts(db.session, conds)) for _ in range(5)]
        print(f"  {'counts per status (q=rutte)':40} {statistics.median(counts):8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--postgres", help="a PostgreSQL URL to run against as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        app = make_app(url)
        start = time.perf_counter()
        seed(app, args.count)
        print(f"SQLite: {args.count:,} claims inserted in {time.perf_counter() - start:.1f} s")
        run(app, f"SQLite, {args.count:,} claims", args.pages)
    if args.postgres:
        base = args.postgres.replace("postgresql://", "postgresql+psycopg://", 1)
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS bench_queue CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA bench_queue")
        sep = "&" if "?" in base else "?"
        app = make_app(f"{base}{sep}options=-csearch_path%3Dbench_queue")
        start = time.perf_counter()
        seed(app, args.count)
        print(f"PostgreSQL: {args.count:,} claims inserted in {time.perf_counter() - start:.1f} s")
        run(app, f"PostgreSQL, {args.count:,} claims", args.pages)
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP SCHEMA bench_queue CASCADE")
        admin.dispose()


if __name__ == "__main__":
    main()
