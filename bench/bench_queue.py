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
import statistics
import tempfile
import time
from typing import Any

import sqlalchemy as sa
from _common import drop_postgres_schema, make_app, ms, postgres_schema_url, seed_claims


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
        seed_claims(app, args.count)
        print(f"SQLite: {args.count:,} claims inserted in {time.perf_counter() - start:.1f} s")
        run(app, f"SQLite, {args.count:,} claims", args.pages)
    if args.postgres:
        app = make_app(postgres_schema_url(args.postgres, "bench_queue"))
        start = time.perf_counter()
        seed_claims(app, args.count)
        print(f"PostgreSQL: {args.count:,} claims inserted in {time.perf_counter() - start:.1f} s")
        run(app, f"PostgreSQL, {args.count:,} claims", args.pages)
        drop_postgres_schema(args.postgres, "bench_queue")


if __name__ == "__main__":
    main()
