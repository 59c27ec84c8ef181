"""Background jobs on Huey: ingestion, feed polling and snapshots run off the request path.

Declare (module ``factcheck/<package>/jobs.py``, found automatically)::

    from factcheck.jobs import crontab, job, periodic_job, tracked_job

    @tracked_job("articles.ingest_url", max_attempts=4, backoff=10)
    def ingest_url(job: RunningJob) -> None:       # runs in the app context, in a worker
        page = fetch(job.payload["url"])            # slow work first, outside any transaction
        with job.finish() as session:               # one write transaction, job marked done in it
            ...; job.result(article_id=article.id)

Submit from a service, dispatch after the commit::

    job, new = submit(db.session, "articles.ingest_url", key=..., payload={...}, actor=user)
    db.session.commit()
    if new:
        dispatch(job)

Errors whose ``temporary`` attribute is true (network, 5xx, deadline) are retried with backoff
(``backoff`` s, doubled each attempt); a :class:`~factcheck.domain.DomainError` fails the job
with its message. The ``jobs`` table records every state for pages and the API.
"""

from huey import crontab

from factcheck.jobs.queue import JobQueue
from factcheck.jobs.registry import (
    JobHandle,
    RunningJob,
    TemporaryError,
    current_queue,
    job,
    periodic_job,
    tracked_job,
)
from factcheck.jobs.services import (
    dispatch,
    job_json,
    jobs_for,
    reap,
    recent_jobs,
    submit,
)

__all__ = [
    "JobHandle",
    "JobQueue",
    "RunningJob",
    "TemporaryError",
    "crontab",
    "current_queue",
    "dispatch",
    "job",
    "job_json",
    "jobs_for",
    "periodic_job",
    "reap",
    "recent_jobs",
    "submit",
    "tracked_job",
]
