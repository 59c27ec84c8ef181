"""Feeds of fact-checks: imported from a URL through the safe fetcher, and followed hourly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from factcheck.extensions import db
from factcheck.models import FollowedFeed, ImportedFactCheck, Job
from tests import dbutil
from tests.conftest import make_app
from tests.factories import make_users
from tests.fetching.servers import page, serve
from tests.helpers import csrf_token, login
from tests.memory.test_import import DPA


@pytest.fixture
def feed_app(backend: str) -> Iterator[Flask]:
    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2")
    yield app
    dbutil.wipe(app)


def _feed(n: int = 1) -> tuple[int, dict[str, str], bytes]:
    reviews = [
        {**DPA, "url": f"{DPA['url']}{i}", "datePublished": f"2024-06-1{i}"} for i in range(n)
    ]
    body = json.dumps(
        {"@context": "https://schema.org", "@type": "DataFeed", "dataFeedElement": reviews}
    )
    return (200, {"Content-Type": "application/ld+json"}, body.encode())


def _stored(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(ImportedFactCheck.id))) or 0


def test_cli_imports_a_url_and_refuses_private_addresses(feed_app):
    runner = feed_app.test_cli_runner()
    with serve("127.0.0.2", {"/feed.json": _feed(2)}) as site:
        result = runner.invoke(args=["import", "claimreview", f"{site.url}/feed.json"])
        assert result.exit_code == 0, result.output
        assert "2 imported" in result.output
    assert _stored(feed_app) == 2
    with serve("127.0.0.1", {"/feed.json": _feed(1)}) as private:
        refused = runner.invoke(args=["import", "claimreview", f"{private.url}/feed.json"])
    assert refused.exit_code == 1 and "private" in refused.output.lower(), refused.output
    assert _stored(feed_app) == 2


def _admin(app: Flask) -> Any:
    users = make_users(app)
    client = app.test_client()
    login(client, users["admin"].email)
    return client


def test_admin_follows_a_feed_and_the_worker_imports_it(feed_app):
    client = _admin(feed_app)
    with serve(
        "127.0.0.2", {"/feed.json": _feed(2), "/page.html": page("<p>no markup</p>")}
    ) as site:
        token = csrf_token(client, "/admin/fact-checks")
        followed = client.post(
            "/admin/fact-checks/feeds", data={"csrf_token": token, "url": f"{site.url}/feed.json"}
        )
        assert followed.status_code == 302
        with feed_app.app_context():
            [feed] = db.session.scalars(sa.select(FollowedFeed)).all()
            feed_id = feed.id
            # The hourly task queues one job per feed and hour, and the job imports the feed.
            from factcheck.memory.jobs import poll_feeds

            poll_feeds()  # what the worker runs every hour
        assert _stored(feed_app) == 2
        with feed_app.app_context():
            feed = db.session.get(FollowedFeed, feed_id)
            assert (
                feed is not None
                and feed.last_outcome
                and feed.last_outcome.startswith("2 imported")
            )
            jobs = db.session.scalars(sa.select(Job).where(Job.kind == "memory.import_url")).all()
            assert [j.state.value for j in jobs] == ["done"]
            from factcheck.memory.jobs import poll_feeds

            poll_feeds()  # what the worker runs every hour
            assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 1  # same hour: no new job
        listing = client.get("/admin/fact-checks").get_data(as_text=True)
        assert f"{site.url}/feed.json" in listing and "2 imported" in listing
        # Import now (a job), and an HTML page with no markup: the job fails and says why.
        token = csrf_token(client, "/admin/fact-checks")
        again = client.post(
            "/admin/fact-checks/feeds/import-now", data={"csrf_token": token, "feed_id": feed_id}
        )
        assert again.status_code == 302
        bad = client.post(
            "/admin/fact-checks/import",
            data={"csrf_token": token, "url": f"{site.url}/page.html"},
            follow_redirects=True,
        )
        assert "no &lt;script" in bad.get_data(as_text=True) or "no <script" in bad.get_data(
            as_text=True
        )
    assert _stored(feed_app) == 2


def test_admin_uploads_a_file_and_searches(feed_app):
    client = _admin(feed_app)
    from io import BytesIO

    token = csrf_token(client, "/admin/fact-checks")
    response = client.post(
        "/admin/fact-checks/import",
        data={"csrf_token": token, "file": (BytesIO(_feed(3)[2]), "feed.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert "3 stored, 0 refused" in response.get_data(as_text=True)
    found = client.get("/admin/fact-checks?q=NATO+dpa").get_data(as_text=True)
    assert found.count(DPA["url"]) == 3
    none = client.get("/admin/fact-checks?q=vaccine").get_data(as_text=True)
    assert "No imported fact-check matches" in none
    data = client.get("/admin/fact-checks", headers={"Accept": "application/json"}).get_json()
    assert data["total"] == 3 and data["fact_checks"][0]["author"]["name"] == "dpa"
