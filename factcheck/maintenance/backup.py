"""Backups that are consistent while the desk keeps writing, and restores that prove themselves.

* SQLite: the online backup API copies every page in one step inside a read transaction, so the
  copy is one moment of the database even while other processes commit (WAL lets them go on).
  The copy is written beside the target under a temporary name and renamed into place.
* PostgreSQL: ``pg_dump --format=custom`` of the app's schema, run on a snapshot exported from a
  REPEATABLE READ transaction in which the row counts of the manifest are taken too.

Every backup has a manifest beside it (``FILE.manifest.json``): row counts per table, the audit
chain head and the schema revision, all of the same snapshot.

A restore (:class:`Restore`) never works on the live database until the backup has proved
itself: it is restored into a copy (a temporary file, or a schema of its own), which must be a
factcheck database at a known revision whose schema objects are exactly those the migrations
create (:mod:`.schema`), whose audit chain verifies and whose claims and verdicts are what their
audit events replay to (:mod:`.consistency`), with the manifest's counts. Only then is the copy
swapped in, atomically; any refusal names the rule and leaves the live database as it was.
"""

from __future__ import annotations

import json
import os
import re
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
from sqlalchemy.orm import Session

from factcheck.audit.store import verify_database
from factcheck.database import SQLITE_BUSY_TIMEOUT_MS, create_private_file
from factcheck.maintenance import schema
from factcheck.maintenance.consistency import trail_differences
from factcheck.maintenance.roles import grant_app_role, grantees
from factcheck.maintenance.schema import describe_postgres, quote
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
    current = sqlite_snapshot(db_path)
    if current is None or current.revision is None:
        raise BackupError(f"{db_path} holds no factcheck database: run `factcheck init` first")
    temp = _temp_beside(output)
    create_private_file(temp)  # a backup holds password hashes: 0600 like the database
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
        os.chmod(temp, 0o600)  # a backup holds password hashes: readable by its owner only
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


def read_header(backup_file: Path) -> bytes:
    if not backup_file.is_file():
        raise BackupError(f"no backup file at {backup_file}")
    with backup_file.open("rb") as handle:
        return handle.read(len(SQLITE_MAGIC))


def check_kind(engine: sa.Engine, backup_file: Path) -> None:
    """Refuse a file of the wrong kind for the configured database, naming the file."""
    magic = read_header(backup_file)
    if engine.dialect.name == "sqlite" and magic != SQLITE_MAGIC:
        kind = "a PostgreSQL backup" if magic.startswith(PG_CUSTOM_MAGIC) else "not a SQLite file"
        raise BackupError(f"{backup_file} is {kind}: the configured database is SQLite")
    if engine.dialect.name == "postgresql" and not magic.startswith(PG_CUSTOM_MAGIC):
        kind = "a SQLite backup" if magic == SQLITE_MAGIC else "not a pg_dump custom archive"
        raise BackupError(f"{backup_file} is {kind}: the configured database is PostgreSQL")
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise BackupError(f"no restore method for {engine.dialect.name}")


# --- restore: into a copy, checked there, then swapped in ----------------------------------


class Refused(BackupError):
    """The backup failed a check; the current database was not changed."""

    def __init__(self, backup_file: Path, rule: str, detail: str) -> None:
        self.rule = rule
        super().__init__(
            f"{backup_file.name} refused ({rule}): {detail}; the current database was not changed"
        )


@dataclass
class Checked:
    """A restored copy that passed every check: what it holds, and what was checked."""

    snapshot: Snapshot
    revision: str
    upgraded_from: str | None
    chain: str
    schema_objects: int
    rows_replayed: int
    manifest_compared: bool

    def lines(self) -> list[str]:
        lines = [
            f"revision: {self.revision}"
            + (f" (upgraded from {self.upgraded_from})" if self.upgraded_from else ""),
            f"schema: {self.schema_objects} objects, exactly what the migrations create",
            f"audit chain: {self.chain}",
            f"rows: {self.rows_replayed} claims and verdicts agree with the audit trail",
        ]
        lines.append(
            "manifest: every count matches the backup"
            if self.manifest_compared
            else "manifest: none beside the backup, row counts were not compared"
        )
        return lines


def _check_candidate(
    conn: sa.Connection,
    backup_file: Path,
    expected_schema: Any,
    manifest: Snapshot | None,
    describe: Any,
) -> Checked:
    """Every check of the restore, on the copy behind ``conn`` (never the live database).

    ``expected_schema(revision)`` gives what the migrations create at a revision and
    ``describe(conn)`` what the copy holds; the copy is upgraded to head when it is older.
    """

    backend = conn.dialect.name
    tables = describe(conn)
    if not any(
        kind in ("table", "r") and name == "alembic_version" for kind, name, _t, _d in tables
    ):
        raise Refused(backup_file, "not a factcheck database", "it has no alembic_version table")
    versions = [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(versions) != 1:
        raise Refused(
            backup_file, "not a factcheck database", f"alembic_version holds {len(versions)} rows"
        )
    revision = str(versions[0])
    known, head = schema.known_revisions()
    if revision not in known:
        raise Refused(
            backup_file,
            "revision",
            f"it is at revision {revision!r}, which this code does not know (it knows "
            f"{known[0]}–{head}); restore it with the factcheck version that made it",
        )
    problems = schema.differences(expected_schema(revision), tables)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise Refused(backup_file, "schema", problems[0] + more)
    upgraded_from = None
    if revision != head:
        schema.migrate(conn, head)
        upgraded_from, revision = revision, head
    session = Session(bind=conn)
    try:
        result = verify_database(session)
        if not result:
            raise Refused(backup_file, "audit chain", result.summary())
        differences = trail_differences(session)
        if differences:
            more = f" (and {len(differences) - 1} more)" if len(differences) > 1 else ""
            raise Refused(backup_file, "rows vs audit trail", differences[0] + more)
        snapshot = _snapshot_of(conn, backend)
        rows = snapshot.counts.get("claims", 0) + snapshot.counts.get("verdicts", 0)
    finally:
        session.close()
    if manifest is not None:
        for table in sorted(set(manifest.counts) | set(snapshot.counts)):
            want, got = manifest.counts.get(table), snapshot.counts.get(table)
            if want is None and upgraded_from is not None:
                continue  # a table the upgrade past the backup's revision created
            if want != got:
                raise Refused(
                    backup_file,
                    "manifest",
                    f"table {table}: the manifest says {want} rows, the file holds {got}",
                )
        if (manifest.audit_seq, manifest.audit_hash) != (snapshot.audit_seq, snapshot.audit_hash):
            raise Refused(
                backup_file,
                "manifest",
                f"the manifest says audit head seq {manifest.audit_seq}, the file holds "
                f"{snapshot.audit_seq}",
            )
    return Checked(
        snapshot=snapshot,
        revision=revision,
        upgraded_from=upgraded_from,
        chain=result.summary(),
        schema_objects=len(tables),
        rows_replayed=rows,
        manifest_compared=manifest is not None,
    )


class Restore:
    """A backup restored into a copy beside the live database and checked there.

    Use as a context manager: entering copies and checks (or raises :class:`Refused`), ``swap()``
    puts the copy in place of the live database atomically, and leaving removes whatever was not
    swapped in. Until ``swap()`` returns, the live database is exactly as it was.
    """

    def __init__(self, engine: sa.Engine, backup_file: Path) -> None:
        self.engine = engine
        self.backup_file = backup_file
        self.checked: Checked | None = None
        self.swapped = False
        self._temp: Path | None = None  # SQLite: the checked copy
        self._schema: str | None = None  # PostgreSQL: the schema holding the checked copy
        self._live_schema: str | None = None

    def __enter__(self) -> Restore:
        check_kind(self.engine, self.backup_file)
        manifest = read_manifest(self.backup_file)
        self.engine.dispose()
        try:
            if self.engine.dialect.name == "sqlite":
                self.checked = self._prepare_sqlite(manifest)
            else:
                self.checked = self._prepare_postgres(manifest)
        except BaseException:
            self._discard()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        self._discard()
        self.engine.dispose()

    def _discard(self) -> None:
        if self._temp is not None:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self._temp}{suffix}").unlink(missing_ok=True)
            self._temp = None
        if self._schema is not None:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {quote(self._schema)} CASCADE")
            self._schema = None

    # SQLite: a copy in a temporary file beside the database, swapped in by the backup API.

    def _prepare_sqlite(self, manifest: Snapshot | None) -> Checked:

        db_path = sqlite_path(self.engine)
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._temp = temp = _temp_beside(db_path)
        create_private_file(temp)
        source = sqlite3.connect(f"file:{self.backup_file}?mode=ro", uri=True)
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            problem = copy.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise Refused(self.backup_file, "unreadable", f"SQLite says: {exc}") from None
        finally:
            copy.close()
            source.close()
        if problem != "ok":
            raise Refused(self.backup_file, "damaged", f"integrity check: {problem}")
        engine = sa.create_engine(f"sqlite:///{temp}", poolclass=sa.pool.NullPool)
        try:
            with engine.begin() as conn:
                return _check_candidate(
                    conn, self.backup_file, schema.expected_sqlite, manifest, schema.describe_sqlite
                )
        except sa.exc.DatabaseError as exc:
            raise Refused(self.backup_file, "unreadable", f"{exc.orig}") from None
        finally:
            engine.dispose()

    def _swap_sqlite(self) -> None:
        assert self._temp is not None and self.checked is not None
        db_path = sqlite_path(self.engine)
        create_private_file(db_path)
        source = sqlite3.connect(f"file:{self._temp}?mode=ro", uri=True)
        live = sqlite3.connect(db_path)
        try:
            live.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            # One step (pages=-1) under the live file's write lock, committed through its own
            # journal: readers see the old database or the new one, never a mixture, and a
            # failure leaves the old one whole.
            source.backup(live)
            live.execute("PRAGMA journal_mode = WAL")
        except sqlite3.DatabaseError as exc:
            raise BackupError(
                f"the checked copy could not replace {db_path}: {exc}; the current database "
                "was not changed"
            ) from None
        finally:
            live.close()
            source.close()

    # PostgreSQL: pg_restore into a schema of its own, checked there, swapped by renaming.

    def _prepare_postgres(self, manifest: Snapshot | None) -> Checked:

        pg_restore = _tool("pg_restore")
        conninfo, env = _libpq(self.engine)
        with self.engine.connect() as conn:
            live = conn.exec_driver_sql("SELECT current_schema()").scalar()
        if live is None:
            raise BackupError("the configured database has no current schema to restore into")
        self._live_schema = live
        with self.engine.connect() as conn:
            parked_before = conn.execute(
                sa.text("SELECT nspname FROM pg_namespace WHERE nspname ~ '^fc_parked_'")
            ).scalars()
            left = sorted(parked_before)
        if left:
            # Only a restore killed while pg_restore ran leaves one: it holds the live data.
            raise BackupError(
                f"schema {left[0]} holds the database an interrupted restore set aside: put it "
                f"back first (DROP SCHEMA {quote(live)} CASCADE; ALTER SCHEMA {left[0]} RENAME "
                f"TO {quote(live)}); nothing was changed"
            )
        dumped = _archive_schema(pg_restore, self.backup_file, env)
        if dumped != live:
            raise Refused(
                self.backup_file,
                "schema name",
                f"it holds schema {dumped!r} but the configured database uses {live!r}",
            )
        # pg_restore writes into the schema the archive names, so the live schema steps aside
        # under another name for the restore alone, and comes back before anything is checked.
        token = secrets.token_hex(6)
        parked, restored = f"fc_parked_{token}", f"fc_restored_{token}"
        with self.engine.begin() as conn:
            conn.exec_driver_sql(f"ALTER SCHEMA {quote(live)} RENAME TO {quote(parked)}")
            conn.exec_driver_sql(f"CREATE SCHEMA {quote(live)}")
        failure: BackupError | None = None
        try:
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
                    str(self.backup_file),
                ],
                env,
                "pg_restore",
            )
        except BackupError as exc:
            failure = exc
        finally:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"ALTER SCHEMA {quote(live)} RENAME TO {quote(restored)}")
                conn.exec_driver_sql(f"ALTER SCHEMA {quote(parked)} RENAME TO {quote(live)}")
            self._schema = restored
        if failure is not None:
            raise Refused(self.backup_file, "unreadable", str(failure))

        def expected(revision: str) -> Any:
            return schema.expected_postgres(self.engine, revision)

        try:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f"SET LOCAL search_path TO {quote(restored)}")
                checked = _check_candidate(
                    conn,
                    self.backup_file,
                    expected,
                    manifest,
                    lambda c: _describe_restored(c, restored),
                )
                # pg_restore leaves no planner statistics (PostgreSQL's documentation says to
                # ANALYZE after a restore); without them the first searches scan every claim.
                for table in _tables():
                    conn.exec_driver_sql(f"ANALYZE {quote(restored)}.{quote(table)}")
        except sa.exc.DBAPIError as exc:
            raise Refused(self.backup_file, "unreadable", f"{exc.orig}".strip()) from None
        return checked

    def _swap_postgres(self) -> None:

        assert self._schema is not None and self._live_schema is not None
        live, restored = self._live_schema, self._schema
        retired = f"fc_retired_{secrets.token_hex(6)}"
        with self.engine.begin() as conn:  # one transaction: the old schema or the new one
            roles = grantees(conn, live)
            conn.exec_driver_sql(f"ALTER SCHEMA {quote(live)} RENAME TO {quote(retired)}")
            conn.exec_driver_sql(f"ALTER SCHEMA {quote(restored)} RENAME TO {quote(live)}")
            for role in roles:  # the app role keeps its (least) privileges on the new tables
                grant_app_role(conn, role, live)
        self._schema = retired  # dropped by _discard, only now that the swap has committed

    def swap(self) -> None:
        if self.engine.dialect.name == "sqlite":
            self._swap_sqlite()
        else:
            self._swap_postgres()
        self.swapped = True
        self.engine.dispose()


def _describe_restored(conn: sa.Connection, schema_name: str) -> Any:

    described = describe_postgres(conn, schema_name)
    conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema_name}"')
    return described


def _archive_schema(pg_restore: str, backup_file: Path, env: Mapping[str, str]) -> str:
    """The schema a pg_dump archive's tables belong to, from its table of contents."""
    done = subprocess.run(  # noqa: S603 - an argument list, pg_restore found on PATH
        [pg_restore, "--list", str(backup_file)], env=dict(env), capture_output=True, text=True
    )
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise Refused(backup_file, "unreadable", f"pg_restore --list: {' / '.join(detail[-2:])}")
    schemas = set()
    for line in done.stdout.splitlines():
        # "215; 1259 16390 TABLE public claims postgres" (not "TABLE DATA public claims …")
        found = re.match(r"^\d+; \d+ \d+ TABLE (?!DATA )(\S+) ", line)
        if found:
            schemas.add(found.group(1))
    if len(schemas) != 1:
        listed = ", ".join(sorted(schemas)) or "none"
        raise Refused(backup_file, "not a factcheck database", f"tables in schemas: {listed}")
    return schemas.pop()
