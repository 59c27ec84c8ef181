"""Real workers: ``factcheck worker`` processes on Huey's SQLite storage and on Redis.

Each test starts worker processes on a database file of its own (SQLite: the worker is another
process, so the per-test database must be a file both can open), queues URL jobs for pages served
on 127.0.0.2, and waits — bounded — for their rows to settle. One worker is killed with SIGKILL
in the middle of a job: no partial article is left, and the reaper gives the job back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.jobs import dispatch, reap, submit
from factcheck.models import Article, Claim, Job, JobState
from tests import dbutil
from tests.articles.test_ingest import PARAGRAPHS
from tests.conftest import REPO, make_app
from tests.fetching.servers import page, serve

pytestmark = pytest.mark.slow  # worker processes: ten seconds and more each

REDIS_URL = "redis://127.0.0.1:6379/0"


def _page(n: int) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html lang='fr'><head><title>Article {n}</title></head><body><article>"
        f"<h1>Article {n}</h1><p>Numéro {n} : le Pentagone estime que {n} 000 soldats sont là.</p>"
        f"{body}</article></body></html>"
    )


def _settings(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        "FACTCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
        "FACTCHECK_FETCH_ALLOW_HOSTS": "127.0.0.2",
        "FACTCHECK_JOBS_NAME": f"h12a-test-{uuid.uuid4().hex[:8]}",
        **extra,
    }


def _start_worker(settings: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, **settings, "PYTHONPATH": str(REPO), "SECRET_KEY": "x" * 40}
    env.pop("FACTCHECK_TEST_POSTGRES_URL", None)
    log = Path(settings["FACTCHECK_INSTANCE_PATH"]).parent / "worker.log"
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from factcheck.cli import main; main()",
                "worker",
                "--no-periodic",
                *args,
            ],
            env=env,
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _app(settings: dict[str, str], monkeypatch: pytest.MonkeyPatch):
    # The test's app and the worker processes share the instance folder (the SQLite queue).
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", settings["FACTCHECK_INSTANCE_PATH"])
    url = settings["DATABASE_URL"]
    dbutil.upgrade(url)
    return make_app(
        url,
        JOBS_IMMEDIATE=False,
        JOBS_NAME=settings["FACTCHECK_JOBS_NAME"],
        JOBS_URL=settings.get("FACTCHECK_JOBS_URL"),
        FETCH_ALLOW_HOSTS="127.0.0.2",
    )


def _queue(urls: list[str]) -> list[int]:
    ids = []
    for url in urls:
        with write_intent():
            job, new = submit(
                db.session, "articles.ingest_url", payload={"url": url}, actor=None, key=url
            )
            db.session.commit()
        assert new
        ids.append(job.id)
        dispatch(job.id)
    return ids


def _wait(ids: list[int], states: set[JobState], timeout: float) -> list[Job]:
    ends = time.monotonic() + timeout
    while True:
        db.session.rollback()
        jobs = [db.session.get(Job, i) for i in ids]
        if all(j.state in states for j in jobs) or time.monotonic() > ends:
            return jobs
        time.sleep(0.2)


def _run_two_workers(settings: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(settings, monkeypatch)
    routes = {f"/a{i}.html": page(_page(i)) for i in range(6)}
    workers = [_start_worker(settings), _start_worker(settings)]
    try:
        with app.app_context(), serve("127.0.0.2", routes) as site:
            urls = [f"{site.url}/a{i}.html" for i in range(6)]
            ids = _queue(urls)
            ids += _queue([f"{site.url}/missing.html"])
            jobs = _wait(ids, {JobState.DONE, JobState.FAILED}, timeout=90)
            states = [j.state for j in jobs]
            log = (Path(settings["FACTCHECK_INSTANCE_PATH"]).parent / "worker.log").read_text()
            assert states == [JobState.DONE] * 6 + [JobState.FAILED], (
                [(j.state, j.error) for j in jobs],
                log[-3000:],
            )
            assert "answered HTTP 404" in (jobs[-1].error or "")
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 6
            assert len({j.article_id for j in jobs[:6]}) == 6
    finally:
        for proc in workers:
            _stop(proc)
        app.extensions["factcheck.jobs"].flush()


def test_two_workers_on_sqlite_storage(tmp_path, monkeypatch):
    _run_two_workers(_settings(tmp_path), monkeypatch)


def test_two_workers_on_redis(tmp_path, monkeypatch):
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings = _settings(tmp_path, FACTCHECK_JOBS_URL=REDIS_URL)
    try:
        _run_two_workers(settings, monkeypatch)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"huey.*{settings['FACTCHECK_JOBS_NAME']}*"):
            client.delete(key)
        assert not list(client.scan_iter(f"*{settings['FACTCHECK_JOBS_NAME']}*"))


def test_a_worker_killed_mid_job_leaves_no_partial_article(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    app = _app(settings, monkeypatch)
    started = {"n": 0}

    def slow_then_fine(handler):
        started["n"] += 1
        if started["n"] == 1:
            return ("drip", 0.5)  # the first attempt hangs mid-body: we kill the worker then
        return page(_page(1))

    worker = _start_worker(settings)
    try:
        with app.app_context(), serve("127.0.0.2", {"/a.html": slow_then_fine}) as site:
            [job_id] = _queue([f"{site.url}/a.html"])
            [job] = _wait([job_id], {JobState.RUNNING}, timeout=30)
            assert job.state == JobState.RUNNING
            deadline = time.monotonic() + 20
            while not site.seen and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(0.5)
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(5)
            db.session.rollback()
            assert db.session.get(Job, job_id).state == JobState.RUNNING
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0
            assert db.session.scalar(sa.select(sa.func.count(Claim.id))) == 0
            # The reaper (every minute in the worker that runs periodic tasks) re-queues it.
            assert reap(lease=0) == [job_id]
            worker = _start_worker(settings)
            [job] = _wait([job_id], {JobState.DONE, JobState.FAILED}, timeout=60)
            assert job.state == JobState.DONE, job.error
            assert job.attempts == 2
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 1
    finally:
        _stop(worker)
        app.extensions["factcheck.jobs"].flush()


def test_sigterm_lets_the_job_in_hand_finish(tmp_path, monkeypatch):
    settings = _settings(tmp_path)
    app = _app(settings, monkeypatch)

    def slow(handler):
        time.sleep(2.0)  # the worker is stopped while it waits for this page
        return page(_page(7))

    worker = _start_worker(settings)
    try:
        with app.app_context(), serve("127.0.0.2", {"/slow.html": slow}) as site:
            log = Path(settings["FACTCHECK_INSTANCE_PATH"]).parent / "worker.log"
            ends = time.monotonic() + 60
            while "worker: ready" not in log.read_text() and time.monotonic() < ends:
                time.sleep(0.2)
            [job_id] = _queue([f"{site.url}/slow.html"])
            while not site.seen and time.monotonic() < ends:
                time.sleep(0.05)
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(30) == 0
            db.session.rollback()
            job = db.session.get(Job, job_id)
            assert job.state == JobState.DONE, (job.state, job.error, log.read_text()[-2000:])
            assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 1
    finally:
        _stop(worker)
        app.extensions["factcheck.jobs"].flush()
