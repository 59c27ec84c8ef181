"""Backups that are consistent while the desk keeps writing, and restores that prove themselves.

* SQLite: the online backup API copies every page in one step inside a read transaction, so the
  copy is one moment of the database even while other processes commit (WAL lets them go on).
  The copy is written beside the target under a temporary name and renamed into place.
* PostgreSQL: ``pg_dump --format=custom`` of the app's schema, run on a snapshot exported from a
  REPEATABLE READ transaction in which the row counts of the manifest are taken too.

Every backup has a manifest beside it (``FILE.manifest.json``): row counts per table, the audit
chain head and the schema revision, all of the same snapshot. A restore replaces the configured
database (never a non-empty one unless forced), then verifies the audit chain and compares the
counts with the manifest.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from factcheck.database import SQLITE_BUSY_TIMEOUT_MS
from factcheck.models import Base

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
MANIFEST_SUFFIX = ".manifest.json"
# Rows that exist in an empty, migrated database; they do not make it "non-empty".
BOOKKEEPING_TABLES = frozenset({"audit_chain_head", "alembic_version", "login_attempts"})


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


@dataclass
class Snapshot:
    """What a backup holds, taken from the same snapshot as the data."""

    backend: str
    revision: str | None
    counts: dict[str, int]
    audit_seq: int
    audit_hash: str
    taken_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def summary(self) -> str:
        shown = ", ".join(f"{t} {n}" for t, n in sorted(self.counts.items()) if n)
        return f"{shown or 'no rows'}; audit head seq {self.audit_seq}"


def manifest_path(backup_file: Path) -> Path:
    return backup_file.with_name(backup_file.name + MANIFEST_SUFFIX)


def _tables() -> list[str]:
    return [t.name for t in Base.metadata.sorted_tables]


def _rows(conn: Any, sql: str) -> list[tuple[Any, ...]]:
    """Run ``sql`` on a DB-API (sqlite3) or a SQLAlchemy connection."""
    if isinstance(conn, sa.Connection):
        return [tuple(row) for row in conn.exec_driver_sql(sql)]
    return list(conn.execute(sql).fetchall())


def _snapshot_of(conn: Any, backend: str) -> Snapshot:
    """Row counts per table, the audit chain head and the schema revision, as ``conn`` sees them."""
    if backend == "sqlite":
        listed = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        listed = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    present = {row[0] for row in _rows(conn, listed)}
    # Table names come from the models' metadata, never from input.
    count_sql = 'SELECT count(*) FROM "{}"'
    counts = {t: int(_rows(conn, count_sql.format(t))[0][0]) for t in _tables() if t in present}
    head = (
        _rows(conn, "SELECT seq, hash FROM audit_chain_head WHERE id = 1")
        if "audit_chain_head" in present
        else []
    )
    revision = (
        _rows(conn, "SELECT version_num FROM alembic_version")
        if "alembic_version" in present
        else []
    )
    return Snapshot(
        backend=backend,
        revision=str(revision[0][0]) if revision else None,
        counts=counts,
        audit_seq=int(head[0][0]) if head else 0,
        audit_hash=str(head[0][1]) if head else "",
    )


def write_manifest(backup_file: Path, snapshot: Snapshot) -> Path:
    path = manifest_path(backup_file)
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    temp.write_text(json.dumps(asdict(snapshot), indent=2, sort_keys=True) + "\n", "utf-8")
    os.replace(temp, path)
    return path


def read_manifest(backup_file: Path) -> Snapshot | None:
    path = manifest_path(backup_file)
    if not path.is_file():
        return None
    try:
        return Snapshot(**json.loads(path.read_text("utf-8")))
    except (ValueError, TypeError) as exc:
        raise BackupError(f"the manifest {path} is not readable: {exc}") from None


def _temp_beside(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.partial")


# --- SQLite ---------------------------------------------------------------------------------


def sqlite_path(engine: sa.Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("the configured SQLite database is in memory: there is nothing to copy")
    return Path(database)


def backup_sqlite(db_path: Path, output: Path) -> Snapshot:
    """Copy a live SQLite database to ``output`` with the online backup API."""
    if not db_path.is_file():
        raise BackupError(f"no database at {db_path}: run `factcheck init` first")
    temp = _temp_beside(output)
    source = sqlite3.connect(db_path)
    target = sqlite3.connect(temp)
    try:
        source.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        # pages=-1 (the default): all pages in one step, inside one read transaction, so the
        # copy is a single moment even while other processes keep committing.
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")  # a self-contained file: no -wal beside it
        problem = target.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"the copy failed its integrity check: {problem}")
        snapshot = _snapshot_of(target, "sqlite")
        target.close()
        os.replace(temp, output)
    except BaseException:
        target.close()
        temp.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return snapshot


def _check_sqlite_backup(backup_file: Path) -> Snapshot:
    with backup_file.open("rb") as handle:
        magic = handle.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        kind = "a PostgreSQL backup" if magic.startswith(PG_CUSTOM_MAGIC) else "not a SQLite file"
        raise BackupError(f"{backup_file} is {kind}: the configured database is SQLite")
    conn = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        problem = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"{backup_file} is damaged: {problem}")
        return _snapshot_of(conn, "sqlite")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup_file} is not a factcheck database: {exc}") from None
    finally:
        conn.close()


def restore_sqlite(backup_file: Path, db_path: Path) -> None:
    """Replace the database at ``db_path`` with the backup, in one transaction of SQLite's own.

    The backup API writes through SQLite's locking: readers of the old database never see a
    half-restored file, and the WAL beside it stays coherent.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(db_path)
    try:
        target.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        source.backup(target)
        target.execute("PRAGMA journal_mode = WAL")
    finally:
        target.close()
        source.close()


def sqlite_snapshot(db_path: Path) -> Snapshot | None:
    if not db_path.is_file():
        return None
    conn = sqlite3.connect(db_path)
    try:
        conn.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        return _snapshot_of(conn, "sqlite")
    except sqlite3.OperationalError:
        return None  # no tables: a new, empty file
    finally:
        conn.close()


# --- PostgreSQL -----------------------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the server's major "
            "version or newer (Debian: apt-get install postgresql-client)"
        )
    return path


def _libpq(engine: sa.Engine) -> tuple[str, dict[str, str]]:
    """A libpq connection URI without the password, and the environment that carries it."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return conninfo, env


def _run(args: list[str], env: Mapping[str, str], what: str) -> None:
    # An argument list (no shell); the program is pg_dump/pg_restore found on PATH.
    done = subprocess.run(args, env=dict(env), capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {' / '.join(detail[-3:]) or done.returncode}")


def backup_postgres(engine: sa.Engine, output: Path) -> Snapshot:
    """``pg_dump`` the app's schema from a snapshot that the manifest's counts share."""
    pg_dump = _tool("pg_dump")
    conninfo, env = _libpq(engine)
    temp = _temp_beside(output)
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
                schema = conn.exec_driver_sql("SELECT current_schema()").scalar()
                snapshot = _snapshot_of(conn, "postgresql")
                _run(
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot_id}",
                        f"--schema={schema}",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={temp}",
                        f"--dbname={conninfo}",
                    ],
                    env,
                    "pg_dump",
                )
        os.replace(temp, output)
    finally:
        temp.unlink(missing_ok=True)
    return snapshot


def postgres_snapshot(engine: sa.Engine) -> Snapshot | None:
    with engine.connect() as conn:
        exists = conn.exec_driver_sql("SELECT to_regclass('audit_chain_head') IS NOT NULL").scalar()
        if not exists:
            return None
        return _snapshot_of(conn, "postgresql")


def restore_postgres(engine: sa.Engine, backup_file: Path) -> None:
    with backup_file.open("rb") as handle:
        magic = handle.read(len(PG_CUSTOM_MAGIC))
    if magic != PG_CUSTOM_MAGIC:
        kind = "a SQLite backup" if magic == SQLITE_MAGIC[:5] else "not a pg_dump custom archive"
        raise BackupError(f"{backup_file} is {kind}: the configured database is PostgreSQL")
    pg_restore = _tool("pg_restore")
    conninfo, env = _libpq(engine)
    engine.dispose()  # our own pooled connections must not hold locks on what is dropped
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(backup_file),
        ],
        env,
        "pg_restore",
    )
    # pg_restore leaves the tables without planner statistics (PostgreSQL's documentation says
    # to ANALYZE after a restore); without them the first searches would scan every claim.
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")


# --- both -----------------------------------------------------------------------------------


def is_empty(snapshot: Snapshot | None) -> bool:
    return snapshot is None or not any(
        n for t, n in snapshot.counts.items() if t not in BOOKKEEPING_TABLES
    )


def backup(engine: sa.Engine, output: Path) -> Snapshot:
    """Write a backup of the database behind ``engine`` to ``output`` and its manifest."""
    output = output.resolve()
    if output.is_dir():
        raise BackupError(f"{output} is a folder: give a file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        snapshot = backup_sqlite(sqlite_path(engine), output)
    elif engine.dialect.name == "postgresql":
        snapshot = backup_postgres(engine, output)
    else:
        raise BackupError(f"no backup method for {engine.dialect.name}")
    write_manifest(output, snapshot)
    return snapshot


def current_snapshot(engine: sa.Engine) -> Snapshot | None:
    if engine.dialect.name == "sqlite":
        return sqlite_snapshot(sqlite_path(engine))
    return postgres_snapshot(engine)


def check_backup(engine: sa.Engine, backup_file: Path) -> Snapshot | None:
    """Refuse a file that cannot be restored here; return what it holds when that is known."""
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    if engine.dialect.name == "sqlite":
        return _check_sqlite_backup(backup_file)
    with backup_file.open("rb") as handle:
        if handle.read(len(PG_CUSTOM_MAGIC)) != PG_CUSTOM_MAGIC:
            raise BackupError(
                f"{backup_file} is not a pg_dump custom archive: the configured database "
                "is PostgreSQL"
            )
    return None


def restore(engine: sa.Engine, backup_file: Path) -> None:
    """Replace the database behind ``engine`` with ``backup_file`` (checks are the caller's)."""
    engine.dispose()
    if engine.dialect.name == "sqlite":
        restore_sqlite(backup_file, sqlite_path(engine))
    else:
        restore_postgres(engine, backup_file)
    engine.dispose()


@dataclass
class Verification:
    ok: bool
    chain: str
    mismatches: list[str]

    def lines(self) -> list[str]:
        return [f"audit chain: {self.chain}", *self.mismatches]


def verify(session: Any, expected: Snapshot | None) -> Verification:
    """Verify the restored audit chain and compare row counts with the backup's manifest."""
    from factcheck.audit.store import verify_database

    result = verify_database(session)
    engine = session.get_bind()
    now = current_snapshot(engine)
    mismatches: list[str] = []
    if expected is not None and now is not None:
        for table in sorted(set(expected.counts) | set(now.counts)):
            want, got = expected.counts.get(table), now.counts.get(table)
            if want != got:
                mismatches.append(f"table {table}: the backup had {want} rows, now {got}")
        if (expected.audit_seq, expected.audit_hash) != (now.audit_seq, now.audit_hash):
            mismatches.append(
                f"audit head: the backup had seq {expected.audit_seq}, now {now.audit_seq}"
            )
    return Verification(
        ok=bool(result) and not mismatches, chain=result.summary(), mismatches=mismatches
    )
