"""Tracked jobs in immediate mode: states, idempotency, retries with backoff, the reaper."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from factcheck.articles.jobs import INGEST_TEXT, INGEST_URL
from factcheck.database import write_intent
from factcheck.extensions import db
from factcheck.jobs import current_queue, dispatch, reap, submit
from factcheck.models import Article, Job, JobState
from tests.articles.test_ingest import PAGE, SEED
from tests.conftest import make_app
from tests.dbutil import wipe
from tests.fetching.servers import closed_port, page, serve


def _submit(kind, payload, key=None):
    with write_intent():
        job, new = submit(db.session, kind, payload=payload, actor=None, key=key)
        db.session.commit()
    if new:
        dispatch(job)
    db.session.commit()
    return db.session.get(Job, job.id), new


def test_a_text_job_stores_once(app, ctx):
    job, new = _submit(INGEST_TEXT, {"name": "a.txt", "text": SEED}, key="text:1")
    assert new and job.state == JobState.DONE and job.attempts == 1
    assert job.payload["outcome"] == "stored" and job.article_id
    again, new = _submit(INGEST_TEXT, {"name": "a.txt", "text": SEED}, key="text:1")
    assert not new and again.id == job.id
    other, new = _submit(INGEST_TEXT, {"name": "b.txt", "text": SEED}, key="text:2")
    assert new and other.state == JobState.DONE and other.article_id == job.article_id
    assert other.payload["outcome"] == "already known"
    assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 1


def test_a_refused_document_fails_with_its_reason(app, ctx):
    job, _ = _submit(INGEST_TEXT, {"name": "a.txt", "text": "   "}, key="text:empty")
    assert job.state == JobState.FAILED and job.error == "article is empty"
    assert job.attempts == 1
    assert db.session.scalar(sa.select(sa.func.count(Article.id))) == 0


def test_an_unreachable_page_is_retried_with_backoff_then_fails(backend):
    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2")
    try:
        with app.app_context(), closed_port() as port:
            url = f"http://127.0.0.2:{port}/a"
            job, _ = _submit(INGEST_URL, {"url": url}, key="u1")
            assert job.state == JobState.QUEUED and job.attempts == 1
            assert job.error.startswith("attempt 1 of 4: could not reach")
            first_wait = job.next_attempt_at - job.updated_at
            assert 9 <= first_wait.total_seconds() <= 11
            queue = current_queue()
            for attempt in (2, 3, 4):
                queue.huey.storage.flush_schedule()
                with write_intent():
                    db.session.get(Job, job.id).next_attempt_at = None
                    db.session.commit()
                dispatch(job.id)
                db.session.expire_all()
                job = db.session.get(Job, job.id)
                assert job.attempts == attempt
            assert job.state == JobState.FAILED
            assert job.error == f"could not reach {url}; check the address or try again later"
    finally:
        wipe(app)


def test_a_page_job_stores_the_article_and_the_same_url_is_one_job(backend):
    app = make_app(backend, FETCH_ALLOW_HOSTS="127.0.0.2")
    try:
        with app.app_context(), serve("127.0.0.2", {"/a.html": page(PAGE)}) as site:
            job, _ = _submit(INGEST_URL, {"url": f"{site.url}/a.html"}, key="k")
            assert job.state == JobState.DONE, job.error
            article = db.session.get(Article, job.article_id)
            assert article.url == f"{site.url}/a.html"
            assert article.title == "Message de Rutte à Trump"
            assert len(site.seen) == 1
    finally:
        wipe(app)


def test_the_reaper_requeues_a_job_whose_worker_died(app, ctx):
    with write_intent():  # as a SIGKILLed worker leaves it: running, nothing stored
        job, _ = submit(db.session, INGEST_TEXT, payload={"text": SEED}, actor=None, key="t")
        job.state, job.attempts, job.started_at = JobState.RUNNING, 1, job.created_at
        db.session.commit()
    assert reap(lease=3600) == []
    assert reap(lease=0) == [job.id]
    db.session.commit()
    job = db.session.get(Job, job.id)
    assert job.state == JobState.DONE and job.attempts == 2 and job.article_id


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTP://Example.ORG:80/a?utm_source=x&id=3#top", "http://example.org/a?id=3"),
        ("https://example.org", "https://example.org/"),
        ("https://example.org:8443/a?fbclid=1", "https://example.org:8443/a"),
    ],
)
def test_canonical_urls(url, canonical):
    from factcheck.articles.services import canonical_url

    assert canonical_url(url) == canonical
