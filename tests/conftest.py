"""Fixtures shared by the whole suite.

Every database test runs twice: on SQLite (a file in a temporary folder) and on PostgreSQL
(``FACTCHECK_TEST_POSTGRES_URL``). Without that variable the PostgreSQL half is skipped and the
run says so; with it set and the server unreachable, the run stops at once. Each backend is
migrated to ``head`` once per session; after each test every table is emptied again (the
append-only triggers on the audit trail are lifted for that moment only).

Under pytest-xdist (``make test TEST_WORKERS=2``: ``-n 2 --dist loadfile``) each worker is a
session of its own: its own temporary folder (so its own SQLite files) and its own PostgreSQL
database, named after the given one (``…/test`` → ``…/test_gw0``), created when the worker
starts and dropped when it ends; the given database only serves to create them. Each module runs
whole on one worker, so tests that share something outside their worker within a module
(PostgreSQL roles, a browser module's server, the fuzzer's two halves) never meet on two.
(``--dist loadgroup`` no longer groups with pytest 9.2: pytest-xdist issue #1386.)
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests import dbutil
from tests.helpers import login

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
PG_GIVEN_URL = os.environ.get("FACTCHECK_TEST_POSTGRES_URL", "").strip()
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = (
    dbutil.worker_database_url(PG_GIVEN_URL, XDIST_WORKER)
    if PG_GIVEN_URL and XDIST_WORKER
    else PG_GIVEN_URL
)
PG_SKIP_REASON = (
    "PostgreSQL skipped: FACTCHECK_TEST_POSTGRES_URL is not set (tests ran on SQLite only)"
)
TEST_SECRET = "test-secret-key-that-is-long-enough-0123456789"


def pytest_configure(config: pytest.Config) -> None:
    if PG_URL:
        try:
            if PG_URL != PG_GIVEN_URL:
                dbutil.create_database(PG_GIVEN_URL, PG_URL)
                os.environ["FACTCHECK_TEST_POSTGRES_URL"] = PG_URL
            engine = sa.create_engine(dbutil.sqlalchemy_url(PG_URL))
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            engine.dispose()
        except sa.exc.SQLAlchemyError as exc:
            pytest.exit(
                f"FACTCHECK_TEST_POSTGRES_URL is set but PostgreSQL is unreachable: {exc}",
                returncode=3,
            )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Slow tests first (a stable sort): ``make test`` hands whole modules to its xdist workers in
    # collection order (``--dist loadfile --no-loadscope-reorder``), so a module holding a
    # minutes-long test starts first rather than last while the other worker has nothing left.
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


_SHARED_SKIP_WORDS = ("../shared", "shared data", "CheckThat", "shared/")
_shared_skips: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Note tests skipped for want of ../shared; where it is required (CI) they fail the run."""
    if report.skipped and isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
        if any(word in reason for word in _SHARED_SKIP_WORDS):
            _shared_skips.append(f"{report.nodeid}: {reason}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if PG_URL and PG_URL != PG_GIVEN_URL:
        # Here rather than at unconfigure: a worker is shut down soon after its session ends.
        dbutil.drop_database(PG_GIVEN_URL, PG_URL)
    if _shared_skips and os.environ.get("FACTCHECK_REQUIRE_SHARED") == "1":
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _shared_skips:
        required = os.environ.get("FACTCHECK_REQUIRE_SHARED") == "1"
        terminalreporter.write_line(
            f"{len(_shared_skips)} tests skipped for want of ../shared"
            + (" — FAILED: FACTCHECK_REQUIRE_SHARED=1 requires them" if required else ""),
            red=required,
            yellow=not required,
            bold=True,
        )
        for line in _shared_skips[:10]:
            terminalreporter.write_line(f"  {line}")
    if not PG_URL:
        terminalreporter.write_line(PG_SKIP_REASON, yellow=True, bold=True)
    else:
        where = dbutil.safe(PG_GIVEN_URL)
        if getattr(terminalreporter.config.option, "numprocesses", None):
            where += " (each xdist worker on a database of its own: <name>_gw0, <name>_gw1…)"
        terminalreporter.write_line(f"PostgreSQL tests ran against {where}")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared data folder; tests that need it skip with a reason on a fresh clone."""
    if not SHARED.is_dir():
        if os.environ.get("FACTCHECK_REQUIRE_SHARED") == "1":
            pytest.fail(f"FACTCHECK_REQUIRE_SHARED=1 but {SHARED} is absent")
        pytest.skip(f"needs ../shared beside the repository ({SHARED} is absent)")
    return SHARED


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database URL for each backend, shared by the tests of one session."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        url = dbutil.sqlalchemy_url(PG_URL)
        dbutil.reset_postgres_schema(url, "public")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'factcheck.sqlite3'}"
    dbutil.upgrade(url)
    yield url


_made_apps: list[Flask] = []


def make_app(url: str, **overrides: Any) -> Flask:
    """An app on ``url`` with test settings; its connections are closed after the test."""
    from factcheck import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": True,
        "ORG_URL": "https://factcheck.example.org/",
        # Jobs run where they are queued, in memory: no queue file, no worker to wait for.
        "JOBS_IMMEDIATE": True,
    }
    config.update(overrides)
    application = create_app(config)
    _made_apps.append(application)
    return application


@pytest.fixture(autouse=True)
def _instance_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test's apps keep their files (the memory's vectors, the TOTP key, a newsroom model) in
    a folder of the test's own, never in the checkout's ``instance/`` that workers would share."""
    folder = tmp_path_factory.mktemp("instance")
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", str(folder))


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    """Dispose of the engines of apps a test made, so no connection outlives its test."""
    yield
    from factcheck.extensions import db

    while _made_apps:
        application = _made_apps.pop()
        with application.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def app(backend: str) -> Iterator[Flask]:
    application = make_app(backend)
    yield application
    dbutil.wipe(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that call services directly."""
    with app.app_context():
        yield


@pytest.fixture
def users(app: Flask) -> dict[str, Any]:
    """A user per role, plus a second editor and reviewer; password ``PASSWORD``."""
    from tests.factories import make_users

    return make_users(app)


@pytest.fixture
def editor_client(client: FlaskClient, users: dict[str, Any]) -> FlaskClient:
    login(client, users["editor"].email)
    return client


@pytest.fixture
def reviewer_client(client: FlaskClient, users: dict[str, Any]) -> FlaskClient:
    login(client, users["reviewer"].email)
    return client


@pytest.fixture
def admin_client(client: FlaskClient, users: dict[str, Any]) -> FlaskClient:
    login(client, users["admin"].email)
    return client


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    """Cheap argon2id parameters for the suite: same code path, a fraction of the cost."""
    from argon2 import PasswordHasher

    from factcheck.auth import passwords

    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = original


@pytest.fixture(autouse=True, scope="session")
def _url_builders_compiled_once() -> Iterator[None]:
    """Every test makes an app, and Werkzeug writes and compiles two URL builders (Python code)
    for each of its ~130 rules: two thirds of making an app (50 → 17 ms). A builder's code
    depends only on the rule's text and parts (``_trace``) and on defaults; the suite compiles
    each once and binds it to every app's rule, as Werkzeug binds its own. Rules with defaults
    are compiled as Werkzeug does."""
    from werkzeug.routing.rules import Rule

    original = Rule._compile_builder
    compiled: dict[tuple[Any, ...], Any] = {}

    def compile_builder(self: Rule, append_unknown: bool = True) -> Any:
        if self.defaults:
            return original(self, append_unknown)
        key = (self.rule, tuple(self._trace), append_unknown)
        builder = compiled.get(key)
        if builder is None:
            builder = compiled[key] = original(self, append_unknown)
        return builder

    Rule._compile_builder = compile_builder  # type: ignore[method-assign]
    yield
    Rule._compile_builder = original  # type: ignore[method-assign]
