"""The queue's queries at newsroom scale on PostgreSQL: median ms and the plan of each.

    .venv/bin/python bench/bench_scale.py --postgres URL [--count 1000000] [--runs 30]

Generates ``count`` claims (statuses — a twelfth published, with an approved verdict and its
rating snapshot —, priorities, scores with NULLs, two languages, claimants, assignees, one
article per 100 claims, and their search words as :func:`factcheck.textsearch.document` makes
them) and an audit event ``claim.accept`` (or ``claim.dismiss``) for every claim that left
*new*, in a ``bench_scale`` schema of that database (dropped first, and at the end) with
``INSERT … SELECT generate_series`` — not the ORM — after migrating it to head; the indexes are
dropped during the load and rebuilt after it, and the kept counts per status and language
(migrations 0019, 0024) are filled from the claims, and the dashboard's (migration 0023) by
migrating down to 0022 and up again. Then, for the queries behind ``/queue`` (the page in every
sort, a status filter and a language filter, a search for a common and for a rare word with the
counts as the page makes them — capped at ``queries.COUNT_CAP`` —, the counts per status, the
filter lists) and behind
``/dashboard`` (each of its figures over 12 weeks of the data, with and without a language),
prints the median and worst ms over ``runs`` runs and the top node of EXPLAIN's plan with the
scan under it, for each statement (goal: under 50 ms median, through an index).

With ``--keep`` the schema is kept after the run, marked with the count it holds, and a later
run with ``--keep`` and the same ``--count`` reuses it (migrated to head, then analysed) instead
of generating the rows again: for trying a change to the queries in minutes, not a quarter hour.

Without ``--postgres`` (or when it does not answer) it prints why and exits 0.
"""

# ruff: noqa: S608 - the generated SQL is built from constants and integers, no input
from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from _common import (
    CLAIMANTS,
    WORDS,
    drop_postgres_schema,
    make_app,
    postgres_reachable,
    postgres_schema_url,
    schema_url,
)

GOAL_MS = 50.0
SCHEMA = "bench_scale"


def generate(app: Any, count: int) -> float:
    """Migrate, then fill users, articles and ``count`` claims in SQL; return the seconds."""
    from flask_migrate import downgrade, upgrade

    from factcheck.extensions import db
    from factcheck.ratings.services import ensure_default_scales

    with app.app_context():
        upgrade()
        ensure_default_scales(db.session, actor=None)
        db.session.commit()
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
                "'in_review','awaiting_approval','dismissed','published'])[1 + (g * 7919) % 12]"
            )
            indices = [
                f"1 + ((g * {p}) + {i}) % {len(WORDS)}"
                for i, p in enumerate((31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89))
            ]
            text = " || ' ' || ".join(f"({words})[{i}]" for i in indices)
            run(
                "INSERT INTO claims (id, article_id, text, claim_reviewed, claimant_name, "
                "language, score, priority, status, dismiss_reason, assignee_id, created_at, "
                "updated_at, reasons, quantities, version, is_example, search_words, "
                "published_at, published_verdict_id, slug) "
                "SELECT g, a.id, t.text, left(t.text, 120), "
                f"({claimants})[1 + (g * 13) % {len(CLAIMANTS)}], a.language, "
                "CASE WHEN g % 13 = 0 THEN NULL ELSE ((g * 7727) % 10000) / 10000.0 END, "
                "(ARRAY[0,0,0,0,1,2,3])[1 + (g * 17) % 7], s.status, "
                "CASE WHEN s.status = 'dismissed' THEN 'opinion' END, "
                "CASE WHEN s.status IN ('in_review', 'awaiting_approval') "
                "THEN (SELECT min(id) FROM users) + g % 5 "
                # published: proposed by a reviewer, approved by the editor (two-person rule)
                "WHEN s.status = 'published' THEN (SELECT min(id) FROM users) + 1 + g % 4 END, "
                "timestamptz '2025-01-01' + g * interval '90 seconds', timestamptz '2025-01-01', "
                f"'[]', '[]', 1, false, {search_words(indices)}, "
                "CASE WHEN s.status = 'published' THEN timestamptz '2025-01-01' "
                "+ g * interval '90 seconds' + (50 + g % 350) * interval '1 hour' END, "
                "CASE WHEN s.status = 'published' THEN g END, "
                "CASE WHEN s.status = 'published' THEN 'claim-' || g END "
                f"FROM generate_series(1::bigint, {count}) g "
                f"CROSS JOIN LATERAL (SELECT {status} AS status) s "
                f"CROSS JOIN LATERAL (SELECT {text} || ' ' || g || '.' AS text) t "
                f"JOIN articles a ON a.id = (SELECT min(id) FROM articles) + g % {articles}"
            )
            run(
                "SELECT setval(pg_get_serial_sequence('claims', 'id'), "
                "(SELECT max(id) FROM claims))"
            )
            fill_published_and_events(run)
            run("SET LOCAL session_replication_role = origin")
            run("DELETE FROM claim_status_counts")
            run(
                "INSERT INTO claim_status_counts (status, language, n) "
                "SELECT status, language, count(*) FROM claims GROUP BY status, language"
            )
            for _name, definition in indexes:
                run(definition)
        # The dashboard's kept counts (migration 0023), filled from the rows as its upgrade does.
        downgrade(revision="0022")
        upgrade()
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        return time.perf_counter() - started


def _sql_array(values: list[str | None]) -> str:
    return "(ARRAY[" + ",".join("NULL" if v is None else "'" + v + "'" for v in values) + "])"


def search_words(indices: list[str]) -> str:
    """The SQL of ``claims.search_words`` for the generated text (the words at ``indices``, the
    claim's number) and claimant: :func:`factcheck.textsearch.document` of each word in the
    claim's language, joined. A claim's tokens are a set (the tsvector keeps each once), so the
    words made one at a time are the words of the whole text."""
    from factcheck.textsearch import document

    def per_language(words: list[str | None], claimant: bool) -> dict[str, str]:
        return {
            lang: _sql_array(
                [document(None, w, lang) if claimant else document(w, None, lang) for w in words]
            )
            for lang in ("fr", "en")
        }

    tokens = per_language(list(WORDS), claimant=False)
    claimants = per_language(list(CLAIMANTS), claimant=True)

    def pick(arrays: dict[str, str], index: str) -> str:
        en, fr = arrays["en"], arrays["fr"]
        return f"CASE WHEN a.language = 'en' THEN {en}[{index}] ELSE {fr}[{index}] END"

    parts = [pick(tokens, i) for i in indices]
    parts += ["g::text", f"coalesce({pick(claimants, f'1 + (g * 13) % {len(CLAIMANTS)}')}, '')"]
    return "concat_ws(' ', " + ", ".join(parts) + ")"


def fill_published_and_events(run: Callable[[str], Any]) -> None:
    """An approved verdict (id = its claim's) for every published claim, rated on the shipped
    French scale with its snapshot; an audit event for every claim that left *new* (accepted,
    or dismissed), an hour to two days after it was found. Row triggers are off (replica): the
    events are not a hash chain here, and the dashboard reads only their times and actions."""
    from factcheck.extensions import db
    from factcheck.models import RatingScale, RatingValue
    from factcheck.review.proposal import rating_snapshot

    ratings = db.session.scalars(
        sa.select(RatingValue).join(RatingScale).where(RatingScale.language == "fr")
    ).all()
    rows = []
    for k, rating in enumerate(ratings):
        snap = rating_snapshot(rating)
        rows.append(
            f"({k}, {rating.id}, {snap['snapshot_value']}, {snap['snapshot_best']}, "
            f"{snap['snapshot_worst']}, "
            + ", ".join(
                "'" + str(snap[key]).replace("'", "''") + "'"
                for key in ("snapshot_label", "snapshot_definition", "snapshot_scale")
            )
            + f", '{snap['snapshot_language']}')"
        )
    editor = "(SELECT min(id) FROM users)"
    run(
        "INSERT INTO verdicts (id, claim_id, rating_value_id, summary, explanation, state, "
        "proposed_by_id, proposed_at, approved_by_id, approved_at, created_by_id, created_at, "
        "snapshot_value, snapshot_best, snapshot_worst, snapshot_label, snapshot_definition, "
        "snapshot_scale, snapshot_language) "
        "SELECT c.id, c.id, r.rating, 'Résumé.', '', 'approved', c.assignee_id, c.published_at, "
        f"{editor}, c.published_at, c.assignee_id, c.published_at, r.value, r.best, r.worst, "
        "r.label, r.definition, r.scale, r.language FROM claims c "
        f"JOIN (VALUES {', '.join(rows)}) AS r(k, rating, value, best, worst, label, definition, "
        f"scale, language) ON r.k = c.id % {len(rows)} WHERE c.status = 'published'"
    )
    run("SELECT setval(pg_get_serial_sequence('verdicts', 'id'), (SELECT max(id) FROM verdicts))")
    run(
        "INSERT INTO audit_events (seq, occurred_at, actor_id, actor, action, entity_type, "
        "entity_id, body, prev_hash, hash) "
        f"SELECT n, created_at + (1 + id % 48) * interval '1 hour', {editor}, "
        "'bench0@example.org', CASE WHEN status = 'dismissed' THEN 'claim.dismiss' "
        "ELSE 'claim.accept' END, 'claim', id::text, '{}', lpad(to_hex(n - 1), 64, '0'), "
        "lpad(to_hex(n), 64, '0') FROM (SELECT c.*, "
        "(SELECT coalesce(max(seq), 0) FROM audit_events) + row_number() OVER (ORDER BY id) AS n "
        "FROM claims c WHERE status <> 'new') e"
    )


def plans_of(session: Any, statements: list[tuple[str, Any]]) -> str:
    """EXPLAIN of each statement, in one transaction as they ran (a ``SET LOCAL`` among them is
    run, and shown as ``SET``, so the statements after it are planned under it)."""
    plans = []
    for sql, parameters in statements:
        if sql.lstrip().upper().startswith("SET "):
            session.connection().exec_driver_sql(sql, parameters)
            plans.append("SET")
        else:
            plans.append(plan_of(session, sql, parameters))
    session.rollback()
    return "; ".join(plans)


def plan_of(session: Any, sql: str, parameters: Any) -> str:
    """EXPLAIN's top node of one statement as it was run, and the first scan under it (with its
    index)."""
    raw = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql, parameters).scalar()
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
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the generated schema, and reuse one kept with the same --count",
    )
    args = parser.parse_args()
    if not args.postgres:
        print("PostgreSQL scale run: skipped (no --postgres URL)")
        return
    reason = postgres_reachable(args.postgres)
    if reason:
        print(f"PostgreSQL scale run: skipped ({reason})")
        return
    try:
        if args.keep and kept_count(args.postgres) == args.count:
            app = make_app(schema_url(args.postgres, SCHEMA))
            seconds = migrate_kept(app)
            print(
                f"PostgreSQL: {args.count:,} claims kept from an earlier run "
                f"(--keep: migrated to head and analysed in {seconds:.1f} s)"
            )
        else:
            app = make_app(postgres_schema_url(args.postgres, SCHEMA))
            seconds = generate(app, args.count)
            print(
                f"PostgreSQL: {args.count:,} claims generated (INSERT … SELECT) in {seconds:.1f} s"
            )
            if args.keep:
                mark_kept(app, args.count)
        measure(app, args.runs, args.count)
    finally:
        if not args.keep:
            drop_postgres_schema(args.postgres, SCHEMA)


KEPT_MARK = "bench_scale claims: "


def kept_count(base: str) -> int | None:
    """The claims a kept schema holds (``--keep``), as marked when its generation ended."""
    engine = sa.create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        mark = conn.exec_driver_sql(
            "SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = %s",
            (SCHEMA,),
        ).scalar()
    engine.dispose()
    if not mark or not mark.startswith(KEPT_MARK):
        return None
    return int(mark.removeprefix(KEPT_MARK))


def mark_kept(app: Any, count: int) -> None:
    from factcheck.extensions import db

    with app.app_context(), db.engine.begin() as conn:
        conn.exec_driver_sql(f"COMMENT ON SCHEMA {SCHEMA} IS '{KEPT_MARK}{int(count)}'")


def migrate_kept(app: Any) -> float:
    """Bring a kept schema to head (a new migration fills from its rows) and analyse it."""
    from flask_migrate import upgrade

    from factcheck.extensions import db

    started = time.perf_counter()
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    return time.perf_counter() - started


def measure(app: Any, runs: int, count: int) -> None:
    from datetime import date

    from factcheck.claims import queries
    from factcheck.dashboard import figures
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
    print(f"\n  {'query':44} {'median':>8} {'worst':>8}  plan of each statement  goal")
    with app.app_context():
        session = db.session
        me = session.scalar(sa.select(User).order_by(User.id))

        def row(name: str, action: Callable[[], object]) -> None:
            """Time ``action`` (median of ``runs``) and print EXPLAIN of each statement it ran."""
            with captured(db.engine) as statements:
                action()
            times = []
            started = time.perf_counter()
            action()
            session.rollback()
            slow = (time.perf_counter() - started) > 1.0  # seconds each: three runs say enough
            for _ in range(3 if slow else runs):
                started = time.perf_counter()
                action()
                times.append((time.perf_counter() - started) * 1000)
                session.rollback()
            median = statistics.median(times)
            plans = plans_of(session, statements)
            met = "met" if median < GOAL_MS else f"MISSED by {median - GOAL_MS:.0f} ms"
            print(f"  {name:44} {median:8.1f} {max(times):8.1f}  {plans}  ({met})", flush=True)

        for name, kwargs in cases:
            filters = queries.QueueFilters(**kwargs)
            if filters.q:  # as /queue runs them: the counts (capped) first, then the page
                name += " (counts + page)"
            row(
                name,
                lambda f=filters: queries.queue_page(session, f, me, count_cap=queries.COUNT_CAP),
            )
        row("counts per status (kept, migration 0019)", lambda: queries.status_counts(session))
        for word in ("rutte", rare):
            conds = [queries.search_condition(session, [word])]
            row(
                f"counts q={word}, capped at {queries.COUNT_CAP:,}",
                lambda c=conds: queries.capped_counts(session, c, None),
            )
            row(f"counts q={word}, exact", lambda c=conds: queries.status_counts(session, c))
        # The queue page reads both filter lists in one statement (the 200 newest articles,
        # each row with the languages); the dashboard reads the languages alone.
        row(
            "filter lists: 200 newest articles + languages", lambda: queries.filter_choices(session)
        )
        row("filter list: languages (dashboard)", lambda: queries.language_choices(session))
        # The dashboard over 12 weeks, as /dashboard?start=…&end=… asks: the claims are found
        # every 90 s from 1 January 2025 (1,000,000 claims: 2.9 years), so 12 weeks hold about
        # 80,000 of them (at 100,000 claims: 104 days, most of them).
        weeks = figures.Filters(date(2025, 2, 3), date(2025, 4, 27))
        for language in (None, "fr"):
            flt = figures.Filters(weeks.start, weeks.end, language)
            suffix = f", {language}" if language else ""
            row(f"dashboard: weekly{suffix}", lambda f=flt: figures.weekly(session, f))
            row(
                f"dashboard: time to publish{suffix}",
                lambda f=flt: figures.time_to_publish(session, f),
            )
            row(
                f"dashboard: open by status and age{suffix}",
                lambda f=flt: figures.open_by_status_and_age(session, f),
            )
            row(
                f"dashboard: load per reviewer{suffix}",
                lambda f=flt: figures.reviewer_load(session, f),
            )
            row(f"dashboard: verdicts{suffix}", lambda f=flt: figures.verdicts(session, f))
            row(f"dashboard: whole page{suffix}", lambda f=flt: figures.dashboard(session, f))


@contextmanager
def captured(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) run on ``engine`` inside the block."""
    statements: list[tuple[str, Any]] = []

    def listen(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if not statement.startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


if __name__ == "__main__":
    main()
