"""The background wiring: the scheduler submits a tracked job per due outlet and pending
snapshot, and the workers run them (``JOBS_IMMEDIATE`` in tests: in this process)."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.fetching import FetchUnreachable
from factcheck.models import Article, Job, JobState, Outlet, SnapshotStatus, SourceSnapshot
from factcheck.outlets import services
from factcheck.outlets.jobs import CAPTURE, POLL, queue_due_work
from factcheck.outlets.snapshots import capture_snapshot
from tests.outlets.conftest import article_page, rss
from tests.outlets.test_snapshots import cite


def jobs(app) -> list[tuple[str, str, str | None, int | None]]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Job).order_by(Job.id))
        return [(j.kind, j.state.value, j.subject_type, j.subject_id) for j in rows]


def test_the_scheduler_polls_due_outlets_and_captures_pending_snapshots(app, users, site):
    site.set("/a/1", article_page("Un", 1))
    feed = site.set("/feed.xml", rss(site, ["/a/1"]), content_type="application/rss+xml")
    _, snapshot_id = cite(app, users, site.set("/report", article_page("Rapport", 2)))
    with app.app_context():
        outlet = services.add_outlet(db.session, {"url": feed, "kind": "rss"}, actor=None)
        db.session.commit()
        outlet_id = outlet.id

        fresh = queue_due_work()

        assert [j.kind for j in fresh] == [POLL, CAPTURE]
        assert db.session.scalar(sa.select(Article.url).where(Article.url.is_not(None))) == (
            site.url("/a/1")
        )
        found = db.session.get(SourceSnapshot, snapshot_id)
        assert found is not None and found.status is SnapshotStatus.CAPTURED
        assert queue_due_work() == []  # polled: due again in an hour; nothing pending
        due = db.session.get(Outlet, outlet_id)
        assert due is not None and due.articles_found == 1
    assert jobs(app) == [
        (POLL, "done", "outlet", outlet_id),
        (CAPTURE, "done", "snapshot", snapshot_id),
    ]


def test_a_capture_that_cannot_reach_the_page_is_retried_then_failed(app, users):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, snapshot_id = cite(app, users, f"http://127.0.0.1:{port}/report")
    with app.app_context():
        [job] = queue_due_work()
        db.session.refresh(job)
        assert job.state is JobState.QUEUED and "attempt 1 of 3" in (job.error or "")
        snapshot = db.session.get(SourceSnapshot, snapshot_id)
        assert snapshot is not None and snapshot.status is SnapshotStatus.PENDING
        # Its last attempt stores the failure (the job layer's own retries are its tests').
        with pytest.raises(FetchUnreachable):
            capture_snapshot(snapshot_id, retry_temporary=True)
        capture_snapshot(snapshot_id, retry_temporary=False)
        db.session.expire_all()
        snapshot = db.session.get(SourceSnapshot, snapshot_id)
        assert snapshot is not None and snapshot.status is SnapshotStatus.FAILED
        assert "could not reach" in (snapshot.error or "")


def test_the_outlet_page_lists_its_recent_poll_jobs(app, users, site, client):
    from tests.helpers import login

    feed = site.set("/feed.xml", rss(site, []), content_type="application/rss+xml")
    with app.app_context():
        outlet_id = services.add_outlet(db.session, {"url": feed, "kind": "rss"}, actor=None).id
        db.session.commit()
        [job] = queue_due_work()
        job_id = job.id
    login(client, users["reviewer"].email)
    page = client.get(f"/outlets/{outlet_id}").get_data(as_text=True)
    assert "Recent polls by the workers" in page and f"#{job_id}" in page
    assert "ok, 0 new articles" in page
    data = client.get(f"/outlets/{outlet_id}", headers={"Accept": "application/json"}).get_json()
    assert [(j["id"], j["state"]) for j in data["jobs"]] == [(job_id, "done")]
