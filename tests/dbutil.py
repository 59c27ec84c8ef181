"""Database plumbing for tests: URLs, migrating, and emptying tables between tests."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

GENESIS_HASH = "0" * 64


def sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def safe(url: str) -> str:
    return sa.engine.make_url(sqlalchemy_url(url)).render_as_string(hide_password=True)


def worker_database_url(url: str, worker: str) -> str:
    """The URL of a pytest-xdist worker's own database: ``…/test`` → ``…/test_gw0``."""
    parsed = sa.engine.make_url(sqlalchemy_url(url))
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


def create_database(maintenance_url: str, url: str) -> None:
    """Create ``url``'s database afresh, connected through ``maintenance_url`` (a leftover of an
    interrupted run is dropped first)."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(sqlalchemy_url(maintenance_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()


def drop_database(maintenance_url: str, url: str) -> None:
    """Drop ``url``'s database, ending any connection a test left open."""
    name = sa.engine.make_url(url).database
    engine = sa.create_engine(sqlalchemy_url(maintenance_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def reset_postgres_schema(url: str, schema: str) -> None:
    engine = sa.create_engine(sqlalchemy_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    from flask_migrate import upgrade as alembic_upgrade

    from tests.conftest import make_app

    app = make_app(url)
    with app.app_context():
        alembic_upgrade(revision=revision)
        _dispose(app)


def _dispose(app: Flask) -> None:
    from factcheck.extensions import db

    db.session.remove()
    db.engine.dispose()


def wipe(app: Flask) -> None:
    """Empty every table and reset the audit chain, then close the app's connections."""
    from factcheck.extensions import db

    with app.app_context():
        db.session.remove()
        engine = db.engine
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with engine.begin() as conn:
            if engine.dialect.name == "postgresql":
                _wipe_postgres(conn, tables)
            else:
                _wipe_sqlite(conn, tables)
        engine.dispose()


def _wipe_sqlite(conn: sa.Connection, tables: list[str]) -> None:
    triggers = conn.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
    ).all()
    for name, _sql in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for table in tables:
        conn.exec_driver_sql(f'DELETE FROM "{table}"')
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        conn.exec_driver_sql("DELETE FROM sqlite_sequence")
    conn.execute(
        sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, :h)"),
        {"h": GENESIS_HASH},
    )
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'claims_fts'").first():
        conn.exec_driver_sql("INSERT INTO claims_fts(claims_fts) VALUES ('delete-all')")
    for _name, sql in triggers:
        conn.exec_driver_sql(sql)


def _wipe_postgres(conn: sa.Connection, tables: list[str]) -> None:
    triggers = conn.exec_driver_sql(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
        "JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal AND n.nspname = current_schema()"
    ).all()
    for table, name, _state in triggers:
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    if conn.exec_driver_sql("SHOW is_superuser").scalar() == "on":
        # DELETE rather than TRUNCATE: on a test's few rows it is ~30 times cheaper (TRUNCATE
        # gives every table a new file, which the server creates, syncs and unlinks). The
        # foreign keys (claims and verdicts refer to each other) are not checked meanwhile:
        # replica mode skips them, which only a superuser may ask for.
        conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
    else:
        conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
    # RESTART IDENTITY: the sequences the tables own begin again.
    conn.execute(
        sa.text(
            "SELECT setval(s.seqrelid, s.seqstart, false) FROM pg_sequence s "
            "JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid "
            "AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY(:tables)"
        ),
        {"tables": tables},
    )
    conn.execute(
        sa.text("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, :h)"),
        {"h": GENESIS_HASH},
    )
    for table, name, state in triggers:
        mode = {"A": "ENABLE ALWAYS", "R": "ENABLE REPLICA", "D": "DISABLE"}.get(state, "ENABLE")
        conn.exec_driver_sql(f'ALTER TABLE "{table}" {mode} TRIGGER "{name}"')
