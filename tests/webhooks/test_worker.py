"""A real ``factcheck worker`` process sends the deliveries a committed change queued.

The test's app and the worker share a SQLite database file and the SQLite job queue in one
instance folder. Ingesting an article commits its ``article.ingested`` delivery; the commit
hands the endpoint to the queue, and the worker (another process) signs and sends it to the
receiver on 127.0.0.1. SQLite only: the point is the process boundary, not the database.
"""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import DeliveryState, WebhookDelivery
from factcheck.webhooks import services
from tests import dbutil
from tests.conftest import make_app
from tests.factories import make_article
from tests.jobs.test_worker_process import _start_worker, _stop


def test_a_worker_process_delivers_what_a_commit_queued(tmp_path, monkeypatch, receiver):
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'desk.sqlite3'}",
        "FACTCHECK_INSTANCE_PATH": str(tmp_path / "instance"),
        "FACTCHECK_FETCH_ALLOW_HOSTS": "127.0.0.1",
        "FACTCHECK_JOBS_NAME": f"h18b-test-{uuid.uuid4().hex[:8]}",
    }
    monkeypatch.setenv("FACTCHECK_INSTANCE_PATH", settings["FACTCHECK_INSTANCE_PATH"])
    dbutil.upgrade(settings["DATABASE_URL"])
    app = make_app(
        settings["DATABASE_URL"],
        JOBS_IMMEDIATE=False,
        JOBS_NAME=settings["FACTCHECK_JOBS_NAME"],
        FETCH_ALLOW_HOSTS="127.0.0.1",
    )
    worker = _start_worker(settings)
    try:
        with app.app_context():
            endpoint = services.create_endpoint(
                db.session,
                {"url": receiver.url + "/cms", "events": ["article.ingested"]},
                actor=None,
            )
            db.session.commit()
            receiver.secret = endpoint.secret
            make_article()
            db.session.commit()  # the commit hands the endpoint to the queue; nothing is sent here
            ends = time.monotonic() + 90
            while not receiver.received and time.monotonic() < ends:
                time.sleep(0.2)
            log = (tmp_path / "worker.log").read_text(errors="replace")
            assert len(receiver.received) == 1, log[-3000:]
            [got] = receiver.received
            assert got.signature_ok and got.path == "/cms"
            assert got.payload["type"] == "article.ingested"
            while time.monotonic() < ends:
                db.session.rollback()
                state = db.session.scalar(sa.select(WebhookDelivery.state))
                if state is DeliveryState.SUCCEEDED:
                    break
                time.sleep(0.2)
            assert state is DeliveryState.SUCCEEDED
    finally:
        _stop(worker)
        app.extensions["factcheck.jobs"].flush()
