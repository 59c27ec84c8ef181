"""URL ingestion as a job, through the safe fetcher, seen as a user sees it (HTML and JSON).

Pages are served on 127.0.0.2, the "intranet CMS" this deployment allows with
``FETCH_ALLOW_HOSTS``; 127.0.0.1 and ``localhost`` stay private. Every bad page is refused with
its reason on the job's page and stores nothing; a page that drips does not slow other users.
"""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.models import Article, AuditEvent, Claim, Job
from tests.articles.test_ingest import PAGE
from tests.conftest import make_app
from tests.dbutil import wipe
from tests.factories import make_claim
from tests.fetching.servers import page, redirect, serve
from tests.helpers import csrf_token, login

JSON = {"Accept": "application/json"}


@pytest.fixture
def private():
    with serve("127.0.0.1", {"/admin": page(PAGE)}) as server:
        yield server


@pytest.fixture
def intranet_app(backend):
    app = make_app(
        backend, FETCH_ALLOW_HOSTS="127.0.0.2", FETCH_DEADLINE=1.5, FETCH_MAX_BYTES=200_000
    )
    yield app
    wipe(app)


def _counts(app):
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Article, Claim)
        )


def _post_url(client, url, headers=None):
    token = csrf_token(client, "/articles/new")
    return client.post(
        "/articles/new",
        data={"language": "auto", "url": url, "csrf_token": token},
        headers=headers or {},
    )


def test_json_clients_get_202_with_the_job_then_its_article(intranet_app, users):
    client = intranet_app.test_client()
    login(client, users["editor"].email)
    with serve("127.0.0.2", {"/a.html": page(PAGE)}) as site:
        response = _post_url(client, f"{site.url}/a.html", JSON)
        assert response.status_code == 202, response.get_data(as_text=True)
        job = response.get_json()["job"]
        assert job["kind"] == "articles.ingest_url"
        polled = client.get(f"/articles/jobs/{job['id']}", headers=JSON).get_json()["job"]
        assert polled["state"] == "done" and polled["outcome"] == "stored"
        assert polled["article_id"] and polled["attempts"] == 1
        # The same page again (another spelling of the URL): the article already stored.
        again = _post_url(client, f"{site.url.upper().replace('HTTP', 'http')}/a.html", JSON)
        assert again.status_code == 200
        assert again.get_json()["article"]["id"] == polled["article_id"]
    assert _counts(intranet_app)[0] == 1
    with intranet_app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"job.submit", "article.ingest"} <= actions


@pytest.mark.parametrize(
    ("path", "state", "message"),
    [
        ("/to-private", "failed", "private or local address"),
        ("/to-localhost", "failed", "private or local address"),
        ("/to-mapped", "failed", "private or local address"),
        ("/drip", "queued", "took longer than 1.5 s"),
        ("/huge", "failed", "is larger than 200,000 bytes"),
        ("/report.pdf", "failed", "is not a web page (Content-Type: application/pdf)"),
    ],
)
def test_bad_pages_are_refused_with_their_reason_and_nothing_is_stored(
    intranet_app, users, private, path, state, message
):
    port = private.server_address[1]
    routes = {
        "/to-private": redirect(f"{private.url}/admin"),
        "/to-localhost": redirect(f"http://localhost:{port}/admin"),
        "/to-mapped": redirect(f"http://[::ffff:127.0.0.1]:{port}/admin"),
        "/drip": ("drip", 0.3),
        "/huge": ("huge", 2_000_000),
        "/report.pdf": page("%PDF-1.4", "application/pdf"),
    }
    client = intranet_app.test_client()
    login(client, users["editor"].email)
    before = _counts(intranet_app)
    with serve("127.0.0.2", routes) as site:
        response = _post_url(client, site.url + path)
        assert response.status_code == 303
        shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f'id="job-state">{state}<' in shown, shown
    assert message in shown
    assert private.seen == [], "the private server was reached"
    assert _counts(intranet_app) == before


def test_a_private_address_is_refused_before_any_job(intranet_app, users, private):
    client = intranet_app.test_client()
    login(client, users["editor"].email)
    for url in (f"{private.url}/admin", f"http://localhost:{private.server_address[1]}/"):
        response = _post_url(client, url, JSON)
        assert response.status_code == 422
        body = response.get_json()
        assert body["field"] == "url" and "private or local address" in body["message"]
    with intranet_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Job.id))) == 0


def test_a_dripping_page_does_not_slow_other_users_writes(backend, users):
    """Even fetched in the request itself (immediate jobs), no transaction is open meanwhile."""
    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2", FETCH_DEADLINE=4.0)
    try:
        with app.app_context():
            claim_id = make_claim().id
            db.session.commit()
        slow, quick = app.test_client(), app.test_client()
        login(slow, users["editor"].email)
        login(quick, users["reviewer"].email)
        token = csrf_token(quick, f"/claims/{claim_id}")
        timings: dict[str, float] = {}
        with serve("127.0.0.2", {"/drip": ("drip", 0.5)}) as site:

            def ingest() -> None:
                started = time.monotonic()
                _post_url(slow, f"{site.url}/drip")
                timings["ingest"] = time.monotonic() - started

            thread = threading.Thread(target=ingest)
            thread.start()
            while not site.seen:
                time.sleep(0.05)
            time.sleep(0.5)  # the fetch is under way, dripping
            started = time.monotonic()
            note = quick.post(
                f"/claims/{claim_id}/notes",
                data={"body": "Checked the source.", "csrf_token": token},
            )
            timings["note"] = time.monotonic() - started
            started = time.monotonic()
            other = app.test_client()
            login(other, users["admin"].email)
            timings["sign-in"] = time.monotonic() - started
            thread.join(15)
        assert note.status_code == 302, note.get_data(as_text=True)
        assert timings["ingest"] >= 3.5, timings  # the drip really held that request
        assert timings["note"] < 1.0 and timings["sign-in"] < 2.0, timings
    finally:
        wipe(app)
