"""Least privilege: the app's PostgreSQL role changes data, never schema; SQLite files are 0600."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from tests import dbutil
from tests.conftest import PG_SKIP_REASON, PG_URL, make_app
from tests.factories import make_claim, make_users
from tests.maintenance.chain import check_chain

SCHEMA = "fc_h11d_app_role"


def _schema_url(schema: str) -> str:
    base = dbutil.sqlalchemy_url(PG_URL)
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _admin() -> sa.Engine:
    return sa.create_engine(dbutil.sqlalchemy_url(PG_URL), isolation_level="AUTOCOMMIT")


@pytest.fixture
def owner_url() -> Iterator[str]:
    """A schema of its own, migrated by the owner; a unique app role name, dropped afterwards."""
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    dbutil.reset_postgres_schema(PG_URL, SCHEMA)
    yield _schema_url(SCHEMA)
    engine = _admin()
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        roles = conn.execute(
            sa.text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'h11d\\_app\\_%'")
        ).scalars()
        for role in list(roles):
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE "{role}"')
    engine.dispose()


def _init(url: str, *args: str) -> object:
    app = make_app(url)
    result = app.test_cli_runner().invoke(args=["init", *args])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def _app_url(output: str) -> str:
    found = re.search(r"DATABASE_URL=(\S+)", output)
    assert found, output
    return dbutil.sqlalchemy_url(found.group(1))


def _refused(engine: sa.Engine, sql: str) -> str:
    with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError) as caught:
        conn.exec_driver_sql(sql)
    return str(caught.value.orig)


def test_app_role_reads_and_writes_but_cannot_touch_the_schema(owner_url):
    role = f"h11d_app_{secrets.token_hex(4)}"
    result = _init(owner_url, "--app-role", role)
    assert result.exit_code == 0, result.output
    assert f"app role {role} created" in result.output
    app_url = _app_url(result.output)
    assert sa.engine.make_url(app_url).username == role
    assert "search_path" in app_url  # the configured URL's options are kept

    # The desk works when signed in as the app role: users, a claim, their audit events.
    app = make_app(app_url)
    make_users(app)
    with app.app_context():
        make_claim()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    assert check_chain(app_url) >= 6

    engine = sa.create_engine(app_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT current_user").scalar() == role
            assert conn.exec_driver_sql("SELECT count(*) FROM claims").scalar() == 1
        assert "must be owner" in _refused(engine, "ALTER TABLE audit_events DISABLE TRIGGER ALL")
        assert "must be owner" in _refused(engine, "ALTER TABLE claims ADD COLUMN x int")
        assert "must be owner" in _refused(engine, "DROP TABLE notes")
        assert "permission denied" in _refused(engine, "UPDATE audit_events SET actor = 'x'")
        assert "permission denied" in _refused(engine, "DELETE FROM audit_events")
        assert "permission denied" in _refused(engine, "TRUNCATE claims")
        assert "permission denied" in _refused(engine, "CREATE TABLE sneaky (id int)")
        assert "permission denied" in _refused(
            engine,
            "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END'",
        )
    finally:
        engine.dispose()

    # A table a later migration creates (as the owner) is the app's to use at once.
    owner = sa.create_engine(owner_url)
    with owner.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE later_table (id serial PRIMARY KEY, note text)")
    owner.dispose()
    engine = sa.create_engine(app_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO later_table (note) VALUES ('ok')")
    engine.dispose()

    again = _init(owner_url, "--app-role", role)
    assert again.exit_code == 0, again.output
    assert "exists; its password was not changed" in again.output
    assert "DATABASE_URL" not in again.output


@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump/pg_restore are not installed")
def test_a_restore_keeps_the_app_roles_grants(owner_url, tmp_path):
    role = f"h11d_app_{secrets.token_hex(4)}"
    result = _init(owner_url, "--app-role", role)
    assert result.exit_code == 0, result.output
    app_url = _app_url(result.output)
    make_users(make_app(app_url))
    owner = make_app(owner_url)
    runner = owner.test_cli_runner()
    backup = tmp_path / "desk.backup"
    assert runner.invoke(args=["backup", "-o", str(backup)]).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    restored = runner.invoke(args=["restore", str(backup), "--force", "--yes"])
    assert restored.exit_code == 0, restored.output
    with owner.app_context():
        db.engine.dispose()
    engine = sa.create_engine(app_url)
    try:
        with engine.begin() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 5
            conn.exec_driver_sql("DELETE FROM login_attempts")
        assert "must be owner" in _refused(engine, "ALTER TABLE audit_events DISABLE TRIGGER ALL")
        assert "permission denied" in _refused(engine, "UPDATE audit_events SET actor = 'x'")
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("Bad-Name", ["--app-role 'Bad-Name'", "lower-case"]),
        ("postgres", ["--app-role postgres", "owner"]),
    ],
)
def test_bad_app_roles_are_refused_before_anything_changes(owner_url, name, words):
    engine = _admin()
    with engine.connect() as conn:
        me = conn.exec_driver_sql("SELECT current_user").scalar()
    engine.dispose()
    if name == "postgres" and me != "postgres":
        words = [f"--app-role {me}", "owner"]
        name = me
    result = _init(owner_url, "--app-role", name)
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    for word in words:
        assert word in line, line
    assert "nothing was changed" in line
    engine = sa.create_engine(owner_url)
    with engine.connect() as conn:  # not even migrated
        assert conn.exec_driver_sql("SELECT to_regclass('claims')").scalar() is None
    engine.dispose()


def test_app_role_on_sqlite_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    result = _init(url, "--app-role", "factcheck_app")
    assert result.exit_code == 1
    line = result.output.strip().splitlines()[-1]
    assert "--app-role factcheck_app" in line and "PostgreSQL only" in line
    assert "nothing was changed" in line


def test_the_sqlite_file_and_its_wal_are_created_0600(tmp_path):
    path = tmp_path / "desk.sqlite3"
    previous = os.umask(0o022)  # the usual umask, which would give 0644
    try:
        result = _init(f"sqlite:///{path}")
        assert result.exit_code == 0, result.output
        app = make_app(f"sqlite:///{path}")
        make_users(app)  # a write: the -wal and -shm files exist while the app is connected
        with app.app_context():
            db.session.execute(sa.text("SELECT count(*) FROM users"))
            made = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
            present = [p for p in made if p.exists()]
            assert Path(f"{path}-wal") in present
            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in present}
            db.session.remove()
            db.engine.dispose()
    finally:
        os.umask(previous)
    assert modes == dict.fromkeys(modes, 0o600), modes
