"""Engine set-up shared by both backends, and the write-transaction switch for SQLite.

SQLite allows one writer at a time. A transaction that reads and then writes under the default
deferred ``BEGIN`` can fail when another writer commits in between, so requests and commands that
change data open their transaction with ``BEGIN IMMEDIATE`` and wait (busy timeout) for their turn.
PostgreSQL needs none of this: row locks serialise what must be serialised.
"""

from __future__ import annotations

import contextvars
import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeAlias, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session, scoped_session

SQLITE_BUSY_TIMEOUT_MS = 15_000

Build = TypeVar("Build", bound=Callable[..., Any])


def prebuilt(build: Build) -> Build:
    """A statement builder run once per process for each set of arguments, its values bound
    when the statement runs (``sa.bindparam``). A statement is immutable and holds no data, so
    every worker builds the same one and nothing read can go stale; building it, and
    SQLAlchemy's cache key of it, on every request cost more than running it (issue 19)."""
    return cast(Build, functools.cache(build))


_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar("write_intent", default=False)


def set_write_intent(value: bool) -> contextvars.Token[bool]:
    return _write_intent.set(value)


@contextmanager
def write_intent() -> Iterator[None]:
    """Open any transaction begun inside this block as a writer (SQLite ``BEGIN IMMEDIATE``)."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


@contextmanager
def read_intent() -> Iterator[None]:
    """Open any transaction begun inside this block as a reader (SQLite's deferred ``BEGIN``),
    so a long read never holds the single write lock."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


PRIVATE_FILE_MODE = 0o600


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True when it was created.

    SQLite would create a database file 0644 (less the umask), and its ``-wal`` and ``-shm``
    files take the main file's mode: made 0600 first, none of them is readable by other users.
    An empty file is a valid empty SQLite database.
    """
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    os.chmod(path, PRIVATE_FILE_MODE)  # whatever the umask said
    return True


def sqlite_file(engine: sa.Engine) -> Path | None:
    """The file behind a SQLite engine, or None (memory, or not SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or database in (None, "", ":memory:"):
        return None
    if str(database).startswith("file:"):
        return None  # a URI filename: its owner chose how to open it
    return Path(str(database))


def configure_engine(engine: sa.Engine) -> None:
    """Install the per-dialect connection settings on ``engine`` (idempotent)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_factcheck_configured", False):
        return
    engine._factcheck_configured = True  # type: ignore[attr-defined]
    path = sqlite_file(engine)
    if path is not None and path.parent.is_dir():
        create_private_file(path)

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver must not open transactions by itself
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


# Services take either a plain Session or Flask-SQLAlchemy's request-scoped ``db.session``.
DBSession: TypeAlias = "Session | scoped_session[Any]"
