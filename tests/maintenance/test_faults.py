"""Faults: the database goes away, the disk fills up, a worker is killed mid-write.

Every case must end in a clean answer (503 "nothing was saved", never a traceback), leave nothing
half-written, and recover by itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import AuditChainHead, Note
from tests import dbutil
from tests.conftest import PG_SKIP_REASON, PG_URL, TEST_SECRET, make_app
from tests.factories import make_claim, make_users
from tests.helpers import PASSWORD, login, submit
from tests.maintenance.chain import check_chain

REPO = Path(__file__).resolve().parents[2]


def _state(app):
    with app.app_context():
        notes = db.session.scalar(sa.select(sa.func.count()).select_from(Note))
        head = db.session.get(AuditChainHead, 1)
        state = (notes, head.seq, head.hash)
        db.session.remove()
        return state


def _claim_id(app, users) -> int:
    from factcheck.models import User

    with app.app_context():
        claim = make_claim(actor=db.session.get(User, users["reviewer"].id))
        db.session.commit()
        claim_id = claim.id
        db.session.remove()
        return claim_id


def _assert_clean_503(response):
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "Nothing was saved" in text
    assert "Traceback" not in text and "sqlalchemy" not in text.lower()


# --- SQLite: disk full -----------------------------------------------------------------------


def test_sqlite_disk_full_is_a_clean_503_and_reads_go_on(app, client, users):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL has no page-count limit to reach")
    claim_id = _claim_id(app, users)
    login(client, users["reviewer"].email)
    page = f"/claims/{claim_id}"
    before = _state(app)
    with app.app_context():  # requests must not run inside it: they would share its g
        engine = db.engine
    # Earlier tests' deletions leave free pages that a write could reuse: drop them first,
    # so that "no page beyond those the file has" really means a full disk.
    raw = engine.raw_connection()  # outside SQLAlchemy's transaction: VACUUM needs none
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw.driver_connection.execute("VACUUM")
    finally:
        raw.close()

    def cap(dbapi_conn, _record):  # no page beyond those the file has now: a full disk
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count = {pages}")
        cur.close()

    sa.event.listen(engine, "connect", cap)
    engine.dispose()
    try:
        # A note too big for the free space: the note and its audit event need new pages.
        response = submit(client, page, {"body": "x" * 9000}, action=f"{page}/notes")
        _assert_clean_503(response)
        assert _state(app) == before  # nothing partial: no note, no audit event
        assert client.get(page).status_code == 200  # reading still works
        assert client.get("/queue").status_code == 200
        api = client.post(
            f"{page}/notes",
            data={"body": "y" * 9000, "csrf_token": _token(client, page)},
            headers={"Accept": "application/json"},
        )
        assert api.status_code == 503
        assert api.get_json()["error"] == "unavailable"
        assert _state(app) == before
    finally:
        sa.event.remove(engine, "connect", cap)
        engine.dispose()
    # Space again: the same write goes through.
    assert submit(client, page, {"body": "x" * 9000}, action=f"{page}/notes").status_code == 302
    assert _state(app)[0] == before[0] + 1


def _token(client, page):
    from tests.helpers import csrf_token

    return csrf_token(client, page)


# --- PostgreSQL: the server goes away --------------------------------------------------------


class Proxy:
    """A TCP relay to PostgreSQL that can be cut (connections reset, port closed) and restored."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = _free_port()
        self.conns: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        assert self.listener is not None
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes accept(); close alone would not
        self.listener.close()
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        self.conns = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def pg_proxy():
    if not PG_URL:
        pytest.skip(PG_SKIP_REASON)
    url = sa.engine.make_url(dbutil.sqlalchemy_url(PG_URL))
    proxy = Proxy((url.host or "127.0.0.1", url.port or 5432))
    proxy.start()
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    with contextlib.suppress(OSError):
        proxy.cut()


def test_postgres_going_away_gives_503_then_recovers(pg_proxy):
    proxy, url = pg_proxy
    dbutil.reset_postgres_schema(PG_URL, "public")
    dbutil.upgrade(url)
    app = make_app(url)
    users = make_users(app)
    client = app.test_client()
    login(client, users["editor"].email)
    assert client.get("/").status_code == 200

    proxy.cut()  # mid-run: pooled connections die and new ones are refused
    _assert_clean_503(client.get("/"))
    api = client.get("/queue", headers={"Accept": "application/json"})
    assert api.status_code == 503 and api.get_json()["error"] == "unavailable"
    refused = client.post("/logout", data={"csrf_token": "whatever"})
    assert refused.status_code in (400, 503)
    assert client.get("/healthz").status_code == 503

    proxy.start()  # back: the pool's pre-ping replaces dead connections
    deadline = time.monotonic() + 5
    while client.get("/").status_code != 200:
        assert time.monotonic() < deadline, "no recovery within 5 s"
        time.sleep(0.1)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    dbutil.wipe(make_app(dbutil.sqlalchemy_url(PG_URL)))


def test_terminated_backends_are_replaced_on_the_next_request(backend, users):
    if not backend.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    app = make_app(backend)
    client = app.test_client()
    login(client, users["editor"].email)
    assert client.get("/").status_code == 200
    killer = sa.create_engine(backend, isolation_level="AUTOCOMMIT")
    with killer.connect() as conn:
        ended = conn.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        ).scalar()
    killer.dispose()
    assert ended >= 1
    started = time.monotonic()
    assert client.get("/").status_code == 200  # pre-ping found the dead connection
    assert time.monotonic() - started < 5
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    dbutil.wipe(app)


# --- gunicorn: a worker killed mid-write -----------------------------------------------------


class Browser:
    """Just enough of a browser for a form post: cookies and CSRF tokens."""

    TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post(self, path: str, data: dict[str, str], token_from: str) -> int:
        _status, page = self.get(token_from)
        token = self.TOKEN.search(page)
        assert token, f"no CSRF token on {token_from}"
        body = urllib.parse.urlencode({**data, "csrf_token": token.group(1)}).encode()
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


@pytest.mark.slow
def test_killed_worker_loses_only_its_request_and_the_chain_verifies(tmp_path):
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    dbutil.upgrade(url)
    app = make_app(url)
    users = make_users(app)
    claim_id = _claim_id(app, users)
    with app.app_context():
        db.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": TEST_SECRET,
        "FACTCHECK_SESSION_COOKIE_SECURE": "false",
        "FACTCHECK_INSTANCE_PATH": str(tmp_path),
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*gunicorn, "--graceful-timeout", "5", "factcheck:create_app()"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).close()  # noqa: S310 - http
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        page = f"/claims/{claim_id}"
        results: list[str] = []

        def write(n: int) -> None:
            browser = Browser(base)
            status = browser.post(
                "/login", {"email": users["reviewer"].email, "password": PASSWORD}, "/login"
            )
            assert status == 302
            for i in range(25):
                try:
                    status = browser.post(f"{page}/notes", {"body": f"note {n}.{i}"}, page)
                    results.append("ok" if status == 302 else f"http {status}")
                except (OSError, urllib.error.URLError):
                    results.append("lost")

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        while len(results) < 20:
            time.sleep(0.01)
        victim = _workers(server.pid)[0]
        os.kill(victim, signal.SIGKILL)
        for thread in threads:
            thread.join(120)
        assert len(results) == 100
        lost = results.count("lost")
        ok = results.count("ok")
        assert ok + lost == 100, results
        assert lost <= 1, f"more than the in-flight request failed: {results}"
        assert victim not in _workers(server.pid)  # gunicorn replaced it
        assert Browser(base).get("/healthz")[0] == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    check_chain(url)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        notes = conn.exec_driver_sql("SELECT count(*) FROM notes").scalar()
        events = conn.exec_driver_sql(
            "SELECT count(*) FROM audit_events WHERE action = 'note.add'"
        ).scalar()
    engine.dispose()
    assert notes == events  # every saved note has its event, and no event lacks its note
    assert ok <= notes <= ok + lost  # the lost request may have committed before the kill
