"""Background imports: a feed or page URL fetched by a worker, and followed feeds on a schedule.

The fetch (bounded by the fetch deadline) happens before the one write transaction, in which the
reviews, their audit events, the refreshed claim matches and the job's ``done`` state commit
together: a worker killed at any point leaves the import whole or not at all.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.jobs import RunningJob, crontab, dispatch, periodic_job, submit, tracked_job
from factcheck.memory.desk import refresh_open_claims
from factcheck.memory.fetching import fetch_document
from factcheck.memory.services import import_reviews, summary
from factcheck.models import FollowedFeed, User
from factcheck.publishing.jsonld.importer import ClaimReviewImportError, parse_claim_reviews

IMPORT_URL = "memory.import_url"


@tracked_job(IMPORT_URL, max_attempts=3, backoff=30.0)
def import_url(job: RunningJob) -> None:
    """Fetch ``payload["url"]`` through the safe fetcher and import its fact-checks."""

    url = job.payload["url"]
    feed_id = job.payload.get("feed_id")
    db.session.commit()  # no transaction stays open while we fetch
    data = fetch_document(url)
    try:
        results = parse_claim_reviews(data)
    except ClaimReviewImportError as exc:
        results = None
        message = f"{url}: {exc}; nothing was stored"
    with job.finish() as session:
        if results is not None:
            actor = session.get(User, job.created_by_id) if job.created_by_id else None
            outcomes = import_reviews(session, results, source=url, actor=actor)
            if any(o.action in ("created", "updated") for o in outcomes):
                refresh_open_claims(session)
            message = summary(outcomes)
        feed = session.get(FollowedFeed, feed_id) if feed_id else None
        if feed is not None:
            feed.last_polled_at = datetime.now(UTC)
            feed.last_outcome = message[:2000]
        job.result(outcome=message[:200])


@periodic_job("memory.poll_feeds", crontab(minute="7"))
def poll_feeds() -> None:
    """Every hour: queue one import per followed feed (one per feed and hour, however often)."""
    hour = datetime.now(UTC).strftime("%Y-%m-%dT%H")
    feeds = db.session.scalars(sa.select(FollowedFeed).where(FollowedFeed.active.is_(True)))
    queued = [
        submit(
            db.session,
            IMPORT_URL,
            payload={"url": feed.url, "feed_id": feed.id},
            actor=None,
            key=f"feed:{feed.id}:{hour}",
            subject=("followed_feed", feed.id),
        )
        for feed in feeds
    ]
    db.session.commit()
    for job, new in queued:
        if new:
            dispatch(job)
