"""Backup while the desk writes, restore into a fresh database, and prove nothing was lost."""

from __future__ import annotations

import json
import shutil
import stat
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.maintenance import backup as ops
from tests import dbutil
from tests.conftest import PG_SKIP_REASON, PG_URL, make_app
from tests.factories import make_claim, make_user
from tests.maintenance.chain import check_chain, table_counts

DRILL_SCHEMA = "fc_backup_drill"
HAS_PG_TOOLS = bool(shutil.which("pg_dump") and shutil.which("pg_restore"))


def _schema_url(schema: str) -> str:
    base = dbutil.sqlalchemy_url(PG_URL)
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def source(request, tmp_path):
    """A migrated database of its own per backend: (url, a factory for the fresh target URL)."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        if not HAS_PG_TOOLS:
            pytest.skip("pg_dump/pg_restore are not installed (apt-get install postgresql-client)")
        dbutil.reset_postgres_schema(PG_URL, DRILL_SCHEMA)
        url = _schema_url(DRILL_SCHEMA)

        def fresh() -> str:
            # pg_restore puts objects back in the schema they were dumped from: empty it.
            dbutil.reset_postgres_schema(PG_URL, DRILL_SCHEMA)
            return url

        dbutil.upgrade(url)
        yield url, fresh
        dbutil.reset_postgres_schema(PG_URL, DRILL_SCHEMA)
    else:
        url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
        dbutil.upgrade(url)
        yield url, lambda: f"sqlite:///{tmp_path / 'restored.sqlite3'}"


class Writer(threading.Thread):
    """Creates users and notes, one committed transaction each, until stopped."""

    def __init__(self, app) -> None:
        super().__init__(daemon=True)
        self.app, self.stop, self.done = app, threading.Event(), 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with self.app.app_context():
                from factcheck.models import Claim, User
                from factcheck.review.services import add_note

                while not self.stop.is_set():
                    with write_intent():
                        n = self.done
                        user = make_user(f"writer{n}@example.org", role=_reviewer())
                        claim = db.session.scalars(sa.select(Claim)).first()
                        author = db.session.get(User, user.id)
                        add_note(
                            db.session, claim, f"note {n} written during the backup", actor=author
                        )
                        db.session.commit()
                    self.done += 1
                db.session.remove()
        except BaseException as exc:  # reported by the test
            self.error = exc


def _reviewer():
    from factcheck.models import Role

    return Role.REVIEWER


def _seed(app) -> None:
    from factcheck.models import Role

    with app.app_context(), write_intent():
        editor = make_user("editor@example.org", Role.EDITOR)
        make_claim(actor=editor)
        db.session.commit()
        db.session.remove()


def _dispose(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_backup_during_writes_restores_intact(source, tmp_path):
    url, fresh = source
    live = make_app(url)
    _seed(live)
    writer = Writer(live)
    writer.start()
    while writer.done < 5 and writer.is_alive():
        time.sleep(0.01)
    started_at = writer.done
    output = tmp_path / "desk.backup"
    result = live.test_cli_runner().invoke(args=["backup", "-o", str(output)])
    time.sleep(0.2)  # the writer goes on after the snapshot
    writer.stop.set()
    writer.join(30)
    _dispose(live)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert "written to" in result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600  # it holds password hashes
    manifest = json.loads(ops.manifest_path(output).read_text())
    assert manifest["counts"]["notes"] >= started_at
    assert manifest["counts"]["notes"] < writer.done, "writes went on after the snapshot"
    assert manifest["audit_seq"] == manifest["counts"]["audit_events"]

    target_url = fresh()
    target = make_app(target_url)
    restored = target.test_cli_runner().invoke(args=["restore", str(output), "--yes"])
    _dispose(target)
    assert restored.exit_code == 0, restored.output
    assert "audit chain: OK" in restored.output
    assert "every count matches the backup" in restored.output

    # Checked again, independently: the chain and the counts of the snapshot.
    assert check_chain(target_url) == manifest["audit_seq"]
    tables = ["users", "notes", "claims", "articles", "audit_events"]
    assert table_counts(target_url, tables) == {t: manifest["counts"][t] for t in tables}
    if target_url.startswith("postgresql"):  # analysed: the planner has statistics at once
        engine = sa.create_engine(target_url)
        with engine.connect() as conn:
            analysed = conn.exec_driver_sql(
                "SELECT DISTINCT tablename FROM pg_stats WHERE schemaname = current_schema() "
                "AND tablename IN ('claims', 'audit_events')"
            ).scalars()
            analysed = sorted(analysed)
        engine.dispose()
        assert analysed == ["audit_events", "claims"]


def test_restore_refuses_a_non_empty_database_without_force(source, tmp_path):
    url, _fresh = source
    app = make_app(url)
    _seed(app)
    output = tmp_path / "b.backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "-o", str(output)]).exit_code == 0
    refused = runner.invoke(args=["restore", str(output), "--yes"])
    assert refused.exit_code == 1
    assert "is not empty" in refused.output and "--force" in refused.output
    declined = runner.invoke(args=["restore", str(output), "--force"], input="n\n")
    assert declined.exit_code == 1
    forced = runner.invoke(args=["restore", str(output), "--force", "--yes"])
    assert forced.exit_code == 0, forced.output
    assert "every count matches the backup" in forced.output
    _dispose(app)


def test_restore_refuses_the_wrong_kind_of_file(source, tmp_path):
    url, _fresh = source
    app = make_app(url)
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    result = app.test_cli_runner().invoke(args=["restore", str(junk), "--yes", "--force"])
    _dispose(app)
    assert result.exit_code == 1
    assert "junk.backup is not" in result.output
    assert "Traceback" not in result.output


def test_missing_pg_dump_is_explained(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(ops.BackupError, match=r"pg_dump is not installed.*postgresql-client"):
        ops._tool("pg_dump")


def test_backup_to_a_folder_is_refused(source, tmp_path):
    url, _fresh = source
    app = make_app(url)
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(tmp_path)])
    _dispose(app)
    assert result.exit_code != 0
    assert Path(tmp_path).is_dir()


def test_backup_of_an_uninitialised_database_is_refused(tmp_path):
    app = make_app(f"sqlite:///{tmp_path / 'never-initialised.sqlite3'}")
    output = tmp_path / "empty.backup"
    result = app.test_cli_runner().invoke(args=["backup", "-o", str(output)])
    _dispose(app)
    assert result.exit_code == 1
    assert "holds no factcheck database: run `factcheck init` first" in result.output
    assert not output.exists() and not list(tmp_path.glob(".*.partial"))
