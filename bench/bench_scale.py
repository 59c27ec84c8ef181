"""The queue's queries at newsroom scale on PostgreSQL: median ms and the plan of each.

    .venv/bin/python bench/bench_scale.py --postgres URL [--count 1000000] [--runs 30]

Generates ``count`` claims (statuses, priorities, scores with NULLs, two languages, claimants,
assignees, one article per 100 claims) in a ``bench_scale`` schema of that database (dropped
first, and at the end) with ``INSERT … SELECT generate_series`` — not the ORM — after migrating
it to head; the indexes are dropped during the load and rebuilt after it, and the kept counts
per status (migration 0019) are filled from the claims. Then, for the queries behind ``/queue``
(the page in every sort and a status filter, a search for a common and for a rare word, the
counts per status, the filter lists), prints the median and worst ms over ``runs`` runs and the
top node of EXPLAIN's plan with the scan under it (goal: under 50 ms median, through an index).
There are no dashboard queries to measure yet (the dashboard is not in this branch).

Without ``--postgres`` (or when it does not answer) it prints why and exits 0.
"""

# ruff: noqa: S608 - the generated SQL is built from constants and integers, no input
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from _common import (
    CLAIMANTS,
    WORDS,
    drop_postgres_schema,
    make_app,
    postgres_reachable,
    postgres_schema_url,
)

GOAL_MS = 50.0
SCHEMA = "bench_scale"


def generate(app: Any, count: int) -> float:
    """Migrate, then fill users, articles and ``count`` claims in SQL; return the seconds."""
    from flask_migrate import upgrade

    from factcheck.extensions import db

    with app.app_context():
        upgrade()
        started = time.perf_counter()
        words = "ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "]"
        claimants = "ARRAY[" + ",".join(f"'{c}'" if c else "NULL" for c in CLAIMANTS) + "]"
        articles = max(1, count // 100)
        with db.engine.begin() as conn:

            def run(sql: str, c: Any = conn) -> Any:
                return c.exec_driver_sql(sql.replace("%", "%%"))  # no parameters: % is modulo

            run(
                "INSERT INTO users (email, display_name, role, password_hash, active, created_at) "
                "SELECT 'bench' || g || '@example.org', 'Bench ' || g, "
                "CASE WHEN g = 0 THEN 'editor' ELSE 'reviewer' END, '-', true, now() "
                "FROM generate_series(0, 4) g"
            )
            run(
                "INSERT INTO articles (title, language, body, raw, content_hash, created_at) "
                "SELECT 'Article ' || g, CASE WHEN g % 4 = 0 THEN 'en' ELSE 'fr' END, 'x', 'x', "
                "md5(g::text) || md5((g + 1)::text), "
                "timestamptz '2025-01-01' + g * interval '1 minute' "
                f"FROM generate_series(1, {articles}) g"
            )
            # The indexes are built once after the load rather than row by row during it.
            indexes = run(
                "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                "WHERE i.schemaname = current_schema() AND i.tablename = 'claims' "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                "WHERE c.conname = i.indexname AND c.connamespace = "
                "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()))"
            ).all()
            for name, _definition in indexes:
                run(f'DROP INDEX "{name}"')
            # Row triggers (the kept counts) are skipped for the load and the counts filled after.
            run("SET LOCAL session_replication_role = replica")
            status = (
                "(ARRAY['new','new','new','new','new','queued','queued','queued',"
                "'in_review','awaiting_approval','dismissed'])[1 + (g * 7919) % 11]"
            )
            text = " || ' ' || ".join(
                f"({words})[1 + ((g * {p}) + {i}) % {len(WORDS)}]"
                for i, p in enumerate((31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89))
            )
            run(
                "INSERT INTO claims (article_id, text, claim_reviewed, claimant_name, language, "
                "score, priority, status, dismiss_reason, assignee_id, created_at, updated_at, "
                "reasons, quantities, version, is_example) "
                "SELECT a.id, t.text, left(t.text, 120), "
                f"({claimants})[1 + (g * 13) % {len(CLAIMANTS)}], a.language, "
                "CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 7727) % 10000) / 10000.0 END, "
                "(ARRAY[0,0,0,0,1,2,3])[1 + (g * 17) % 7], s.status, "
                "CASE WHEN s.status = 'dismissed' THEN 'opinion' END, "
                "CASE WHEN s.status IN ('in_review', 'awaiting_approval') "
                "THEN (SELECT min(id) FROM users) + g % 5 END, "
                "timestamptz '2025-01-01' + g * interval '7 seconds', timestamptz '2025-01-01', "
                "'[]', '[]', 1, false "
                f"FROM generate_series(1::bigint, {count}) g "
                f"CROSS JOIN LATERAL (SELECT {status} AS status) s "
                f"CROSS JOIN LATERAL (SELECT {text} || ' ' || g || '.' AS text) t "
                f"JOIN articles a ON a.id = (SELECT min(id) FROM articles) + g % {articles}"
            )
            run("SET LOCAL session_replication_role = origin")
            run("DELETE FROM claim_status_counts")
            run(
                "INSERT INTO claim_status_counts (status, n) "
                "SELECT status, count(*) FROM claims GROUP BY status"
            )
            for _name, definition in indexes:
                run(definition)
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        return time.perf_counter() - started


def plan_of(session: Any, statement: Any) -> str:
    """EXPLAIN's top node, and the first scan under it (with its index)."""
    dialect = session.get_bind().dialect
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    raw = session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql.replace(":", "\\:"))).scalar()
    plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    top = plan["Node Type"]
    stack, scan = [plan], None
    while stack and scan is None:
        node = stack.pop(0)
        if "Scan" in node["Node Type"]:
            scan = node
        stack.extend(node.get("Plans", []))
    if scan is None:
        return top
    where = scan.get("Index Name") or scan.get("Relation Name") or ""
    return f"{top} > {scan['Node Type']} {where}".strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--postgres", help="a PostgreSQL URL (required; skipped without it)")
    args = parser.parse_args()
    if not args.postgres:
        print("PostgreSQL scale run: skipped (no --postgres URL)")
        return
    reason = postgres_reachable(args.postgres)
    if reason:
        print(f"PostgreSQL scale run: skipped ({reason})")
        return
    url = postgres_schema_url(args.postgres, SCHEMA)
    try:
        app = make_app(url)
        seconds = generate(app, args.count)
        print(f"PostgreSQL: {args.count:,} claims generated (INSERT … SELECT) in {seconds:.1f} s")
        measure(app, args.runs, args.count)
    finally:
        drop_postgres_schema(args.postgres, SCHEMA)


def measure(app: Any, runs: int, count: int) -> None:
    from factcheck.claims import queries
    from factcheck.extensions import db
    from factcheck.models import ClaimStatus, User

    rare = str(count // 2 + 7)  # a number: in one claim's text (and the few it prefixes)
    cases: list[tuple[str, dict[str, Any]]] = [
        (f"queue sort={sort}", {"sort": sort}) for sort in queries.SORTS
    ]
    cases += [
        ("queue status=queued", {"status": ClaimStatus.QUEUED}),
        ("queue language=en", {"language": "en"}),
        ("search q=rutte (in ~1/3 of claims)", {"q": "rutte"}),
        (f"search q={rare} (rare)", {"q": rare}),
    ]
    print(f"\n  {'query':40} {'median':>8} {'worst':>8}  plan (top node > first scan)  goal")
    with app.app_context():
        session = db.session
        me = session.scalar(sa.select(User).order_by(User.id))

        def row(name: str, action: Callable[[], object], statement: Any) -> None:
            action()
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                action()
                times.append((time.perf_counter() - started) * 1000)
                session.rollback()
            median = statistics.median(times)
            plan = plan_of(session, statement) if statement is not None else "-"
            met = "met" if median < GOAL_MS else f"MISSED by {median - GOAL_MS:.0f} ms"
            print(f"  {name:40} {median:8.1f} {max(times):8.1f}  {plan}  ({met})")

        for name, kwargs in cases:
            filters = queries.QueueFilters(**kwargs)
            searching = bool(filters.q)
            few = False
            if searching:  # as /queue does: the counts first, which choose the page's plan
                conds = [queries.search_condition(session, queries.search_terms(filters.q))]
                few = sum(queries.status_counts(session, conds).values()) <= queries.FEW_MATCHES
                name += " (page + counts)"
            statement = queries.queue_statement(session, filters, me, few=few)
            row(
                name,
                lambda f=filters, c=searching: queries.queue_page(session, f, me, with_counts=c),
                statement,
            )
        row(
            "counts per status (kept, migration 0019)",
            lambda: queries.status_counts(session),
            queries.counts_statement(session, []),
        )
        for word in ("rutte", rare):
            conds = [queries.search_condition(session, [word])]
            row(
                f"counts per status q={word}",
                lambda c=conds: queries.status_counts(session, c),
                queries.counts_statement(session, conds),
            )
        row(
            "filter list: articles (200 newest)",
            lambda: queries.article_choices(session),
            sa.select(queries.Article.id, queries.Article.title)
            .order_by(queries.Article.created_at.desc())
            .limit(200),
        )
        row(
            "filter list: languages",
            lambda: queries.language_choices(session),
            sa.select(queries.Article.language).distinct(),
        )
        print("  dashboard queries: none in this branch yet (not measured)")


if __name__ == "__main__":
    main()
