"""Restore checks a backup in a copy and refuses a tampered one, leaving the live database whole.

Each tampered backup — an edited verdict, an extra trigger, a foreign file, a truncated file, an
unknown revision — is refused in one line naming the rule, and the database that was there
(holding data, replaced only with ``--force``) is exactly as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.maintenance import backup as ops
from tests import dbutil
from tests.conftest import PG_SKIP_REASON, PG_URL, make_app
from tests.factories import make_claim as new_claim
from tests.factories import make_users, people_of, walk_claim
from tests.maintenance.chain import check_chain

SCHEMA = "fc_restore_checks"
HAS_PG_TOOLS = bool(shutil.which("pg_dump") and shutil.which("pg_restore"))
EDITED_VERDICT = "UPDATE verdicts SET summary = 'Rewritten after publication.'"
SQLITE_TRIGGER = (
    "CREATE TRIGGER notes_make_admin AFTER INSERT ON notes "
    "BEGIN UPDATE users SET role = 'admin' WHERE id = NEW.author_id; END"
)
PG_TRIGGER = (
    "CREATE FUNCTION make_admin() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE users SET role = 'admin' WHERE id = NEW.author_id; RETURN NEW; END $$; "
    "CREATE TRIGGER notes_make_admin AFTER INSERT ON notes "
    "FOR EACH ROW EXECUTE FUNCTION make_admin()"
)
UNKNOWN_REVISION = "UPDATE alembic_version SET version_num = '0999'"


def _schema_url(schema: str) -> str:
    base = dbutil.sqlalchemy_url(PG_URL)
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def _fill(url: str) -> None:
    """Users, a published claim whose verdict was then corrected, and a claim in review."""
    from factcheck.review.services import approve_correction, draft_correction
    from tests.factories import default_rating

    app = make_app(url)
    users = make_users(app)
    with app.app_context():
        people = people_of(users)
        claim = walk_claim(people, new_claim(actor=people["reviewer"]), "published")
        draft_correction(
            db.session,
            claim,
            actor=people["editor"],
            rating_value_id=default_rating("Faux").id,
            summary="Corrigé : le chiffre était faux.",
            explanation="Nouvelles sources.",
            note="Le Pentagone a révisé son estimation.",
        )
        approve_correction(db.session, claim, actor=people["editor2"])
        other = new_claim(
            claim.article, text="Un rapport montre que 23 des 32 membres", actor=people["editor"]
        )
        walk_claim(people, other, "sourced")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _state(url: str) -> tuple[object, ...]:
    """What must not move when a restore is refused: counts, chain head, every verdict."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            verdicts = conn.exec_driver_sql(
                "SELECT id, summary, state FROM verdicts ORDER BY id"
            ).all()
            counts = {
                t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar()
                for t in ("users", "claims", "verdicts", "audit_events")
            }
            head = conn.exec_driver_sql("SELECT seq, hash FROM audit_chain_head").one()
    finally:
        engine.dispose()
    return (tuple(verdicts), counts, tuple(head), check_chain(url))


@dataclass
class Desk:
    """A live database holding data, a good backup of another one, and ways to spoil it."""

    backend: str
    url: str
    good: Path
    tampered: Callable[[str, str], Path]  # (name, SQL run on a copy) -> backup file
    folder: Path

    def restore(self, backup_file: Path) -> object:
        app = make_app(self.url)
        result = app.test_cli_runner().invoke(
            args=["restore", str(backup_file), "--force", "--yes"]
        )
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return result


def _sqlite_desk(tmp_path: Path) -> Desk:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    dbutil.upgrade(source)
    _fill(source)
    good = tmp_path / "good.backup"
    app = make_app(source)
    with app.app_context():
        ops.backup(db.engine, good)
        db.engine.dispose()
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    dbutil.upgrade(live)
    make_users(make_app(live))  # data of its own, which a refused restore must keep

    def tampered(name: str, sql: str) -> Path:
        path = tmp_path / name
        shutil.copyfile(good, path)
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.close()
        return path

    return Desk("sqlite", live, good, tampered, tmp_path)


def _pg_restore_raw(url: str, archive: Path) -> None:
    """Put an archive back the plain way (test set-up only): the schema emptied first."""
    dbutil.reset_postgres_schema(PG_URL, SCHEMA)
    conninfo = sa.engine.make_url(dbutil.sqlalchemy_url(PG_URL)).set(drivername="postgresql")
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo.render_as_string(hide_password=False)}",
            str(archive),
        ],
        check=True,
        capture_output=True,
    )


def _pg_desk(tmp_path: Path) -> Desk:
    url = _schema_url(SCHEMA)
    dbutil.reset_postgres_schema(PG_URL, SCHEMA)
    dbutil.upgrade(url)
    _fill(url)
    good = tmp_path / "good.backup"
    app = make_app(url)
    with app.app_context():
        ops.backup(db.engine, good)
        db.engine.dispose()

    def tampered(name: str, sql: str) -> Path:
        """Spoil the database the backup came from, dump it, and put the good one back."""
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql(sql)
        engine.dispose()
        path = tmp_path / name
        spoiled = make_app(url)
        with spoiled.app_context():
            ops.backup_postgres(db.engine, path)
            db.engine.dispose()
        _pg_restore_raw(url, good)
        return path

    return Desk("postgresql", url, good, tampered, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Desk]:
    if request.param == "sqlite":
        yield _sqlite_desk(tmp_path)
        return
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    if not HAS_PG_TOOLS:
        pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
    yield _pg_desk(tmp_path)
    engine = sa.create_engine(dbutil.sqlalchemy_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        leftovers = conn.execute(
            sa.text(
                "SELECT nspname FROM pg_namespace "
                "WHERE nspname ~ '^fc_(parked|restored|retired|expected)_'"
            )
        ).scalars()
        leftovers = list(leftovers)
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    engine.dispose()
    assert leftovers == [], "a restore left scratch schemas behind"


def _refused(desk: Desk, backup_file: Path, rule: str | tuple[str, ...], *words: str) -> str:
    before = _state(desk.url)
    result = desk.restore(backup_file)
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    rules = (rule,) if isinstance(rule, str) else rule
    assert line.startswith("Error: "), result.output
    assert any(f"({r})" in line for r in rules), line
    assert backup_file.name in line and "the current database was not changed" in line
    for word in words:
        assert word in line, line
    assert "Traceback" not in result.output
    assert _state(desk.url) == before, "the refused restore changed the live database"
    assert not list(desk.folder.glob(".*.partial*")), "a temporary copy was left behind"
    return line


def test_a_good_backup_restores_over_data_with_force(desk):
    result = desk.restore(desk.good)
    assert result.exit_code == 0, result.output
    assert "schema: " in result.output and "exactly what the migrations create" in result.output
    assert "claims and verdicts agree with the audit trail" in result.output
    assert "every count matches the backup" in result.output
    verdicts, counts, _head, events = _state(desk.url)
    assert counts["verdicts"] == 3 and counts["claims"] == 2
    assert [state for _id, _summary, state in verdicts].count("superseded") == 1
    assert events == counts["audit_events"]


def test_an_edited_verdict_is_refused(desk):
    spoiled = desk.tampered("edited-verdict.backup", EDITED_VERDICT)
    _refused(desk, spoiled, "rows vs audit trail", "verdict #", "summary")


def test_an_extra_trigger_is_refused(desk):
    sql = SQLITE_TRIGGER if desk.backend == "sqlite" else PG_TRIGGER
    spoiled = desk.tampered("extra-trigger.backup", sql)
    _refused(desk, spoiled, "schema", "make_admin", "is not created by the migrations")


def test_a_disabled_audit_trigger_is_refused(desk):
    if desk.backend == "sqlite":
        sql = "DROP TRIGGER audit_events_no_update"
        word = "audit_events_no_update"
    else:
        sql = "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete"
        word = "audit_events_no_update_delete"
    spoiled = desk.tampered("no-trigger.backup", sql)
    _refused(desk, spoiled, "schema", word)


def test_an_unknown_revision_is_refused(desk):
    spoiled = desk.tampered("future.backup", UNKNOWN_REVISION)
    _refused(desk, spoiled, "revision", "'0999'", "does not know")


@pytest.mark.parametrize("kept", [0.5, 0.97])
def test_a_truncated_file_is_refused(desk, kept):
    """Cut in the middle, or near the end (the archive's table of contents is still whole,
    so on PostgreSQL pg_restore itself fails while the live schema is set aside)."""
    data = desk.good.read_bytes()
    cut = desk.folder / "truncated.backup"
    cut.write_bytes(data[: int(len(data) * kept)])
    line = _refused(desk, cut, ("unreadable", "damaged"))
    if desk.backend == "postgresql" and kept > 0.9:
        assert "pg_restore failed" in line


def test_a_foreign_database_is_refused(desk, tmp_path):
    foreign = tmp_path / "foreign.backup"
    if desk.backend == "sqlite":
        conn = sqlite3.connect(foreign)
        conn.executescript("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)")
        conn.close()
    else:  # another application's tables, dumped from a schema of the same name
        saved = tmp_path / "saved.backup"
        shutil.copyfile(desk.good, saved)
        dbutil.reset_postgres_schema(PG_URL, SCHEMA)
        engine = sa.create_engine(desk.url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE recipes (id serial PRIMARY KEY, name text)")
        engine.dispose()
        app = make_app(desk.url)
        with app.app_context():
            ops.backup_postgres(db.engine, foreign)
            db.engine.dispose()
        _pg_restore_raw(desk.url, saved)
    _refused(desk, foreign, "not a factcheck database", "alembic_version")


def test_a_backup_at_an_older_revision_is_checked_there_then_upgraded(tmp_path):
    """The schema is compared with what the migrations made at the backup's own revision."""
    from factcheck.maintenance.schema import known_revisions

    source = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    with make_app(source).app_context():
        revisions, head = known_revisions()
    older = revisions[-2]
    dbutil.upgrade(source, older)
    # Users written with the columns every revision has: the models describe the head, which
    # may have added columns to ``users`` since ``older`` (migration 0018 did).
    engine = sa.create_engine(source)
    with engine.begin() as conn:
        for n in range(5):
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, display_name, role, password_hash, active, "
                    "created_at) VALUES (:email, :name, 'reviewer', 'x', 1, :now)"
                ),
                {
                    "email": f"user{n}@example.org",
                    "name": f"User {n}",
                    "now": "2026-11-30 12:00:00",
                },
            )
    engine.dispose()
    old = tmp_path / "old.backup"
    app = make_app(source)
    with app.app_context():
        ops.backup(db.engine, old)
        db.engine.dispose()
    live = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    target = make_app(live)
    result = target.test_cli_runner().invoke(args=["restore", str(old), "--yes"])
    with target.app_context():
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    assert f"revision: {head} (upgraded from {older})" in result.output
    engine = sa.create_engine(live)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 5
    engine.dispose()


def test_an_interrupted_restore_is_pointed_out(desk):
    """A restore killed during pg_restore leaves the live data parked: say where, touch nothing."""
    if desk.backend != "postgresql":
        pytest.skip("PostgreSQL only: SQLite restores never move the live file aside")
    engine = sa.create_engine(dbutil.sqlalchemy_url(PG_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql('CREATE SCHEMA "fc_parked_h11dtest"')
    try:
        before = _state(desk.url)
        result = desk.restore(desk.good)
        assert result.exit_code == 1
        assert "fc_parked_h11dtest holds the database an interrupted restore" in result.output
        assert _state(desk.url) == before
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql('DROP SCHEMA "fc_parked_h11dtest"')
        engine.dispose()
