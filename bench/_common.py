"""Set-up shared by the benchmarks: apps, bulk-seeded claims, PostgreSQL schemas, timing.

Nothing here is timed itself. Seeding writes rows in bulk (no audit events): the benchmarks
measure reading.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SECRET = "bench-secret-key-that-is-long-enough-0123456789"  # noqa: S105 - throwaway databases
PASSWORD = "bench password, long enough"  # noqa: S105 - throwaway bench users
WORDS = " ".join(
    (
        "Le Pentagone estime que soldats nord-coréens envoyés région Koursk rapport OTAN membres",
        "objectif dépenses défense PIB Trump Rutte Ukraine Russie alliance sommet Budapest Chine",
        "Iran sécurité européenne troupes technologies élection",
    )
).split(" ")
CLAIMANTS = (None, "Mark Rutte", "Pentagone", "Donald Trump", "OTAN", "Edi Rama", "Petteri Orpo")
STATUSES = ("new",) * 5 + ("queued",) * 3 + ("in_review", "awaiting_approval", "dismissed")
START = datetime(2025, 1, 1, tzinfo=UTC)


def make_app(url: str, **extra: Any) -> Any:
    from factcheck import create_app

    config = {"TESTING": True, "SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url}
    config.update(extra)
    return create_app(config)


def postgres_schema_url(base: str, schema: str) -> str:
    """A fresh ``schema`` in the database at ``base`` (dropped first); the URL that uses it."""
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    admin.dispose()
    return schema_url(base, schema)


def schema_url(base: str, schema: str) -> str:
    """The URL of the database at ``base`` that uses ``schema`` (as it is)."""
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def drop_postgres_schema(base: str, schema: str) -> None:
    base = base.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    admin.dispose()


def postgres_reachable(url: str) -> str | None:
    """``None`` when PostgreSQL answers at ``url``, else the reason it does not."""
    try:
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


def analyze(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")
            conn.commit()


def seed_claims(app: Any, count: int, *, users: int = 5, articles: int = 50) -> None:
    """Migrate, then bulk-insert ``count`` claims over ``articles`` articles: statuses,
    priorities, scores with some NULLs, two languages, French claimants, assignees."""
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
                password=PASSWORD,
                role=Role.EDITOR if i == 0 else Role.REVIEWER,
                display_name=f"Bench {i}",
                actor=None,
            )
            for i in range(users)
        ]
        made = []
        for i in range(articles):
            article = Article(
                title=f"Article {i}",
                language="fr" if i % 4 else "en",
                body="x",
                raw="x",
                content_hash=f"{i:064d}",
            )
            db.session.add(article)
            made.append(article)
        db.session.flush()
        batch: list[dict[str, Any]] = []
        for n in range(count):
            article = made[n % len(made)]
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
                    "created_at": START + timedelta(seconds=n * 7),
                    "updated_at": START,
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
        analyze(db.engine)


@contextmanager
def counted_statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    statements: list[str] = []

    def listen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listen)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", listen)


def ms(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def interleaved(
    actions: dict[str, Callable[[], object]], rounds: int, warm: int = 3
) -> dict[str, float]:
    """Median ms of each action, run in turn ``rounds`` times so the machine's load (shared
    CPU) hits every one alike."""
    for action in actions.values():
        for _ in range(warm):
            action()
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            times[name].append(ms(action))
    return {name: statistics.median(values) for name, values in times.items()}


def verdict(ratio: float, goal: float) -> str:
    """``met`` or how far short of ``goal`` the ratio is."""
    if ratio >= goal:
        return f"goal >= {goal}: met"
    return f"goal >= {goal}: MISSED by {goal - ratio:.2f} ({ratio / goal:.0%} of the goal)"
