"""Background jobs of outlets and snapshots (found by ``factcheck.jobs`` at start-up).

Every minute the scheduler (``outlets.schedule``, a periodic job) submits one tracked job per
outlet whose poll is due and per pending snapshot, and dispatches them to the workers. Requests
never fetch: adding, resuming or "poll now" only make an outlet due, and attaching a source
only adds a pending snapshot. A poll records its own failures on the outlet (which backs off);
a capture retries network trouble a few times before it is stored as failed.
"""

from __future__ import annotations

import sqlalchemy as sa

from factcheck.extensions import db
from factcheck.jobs import RunningJob, crontab, dispatch, periodic_job, submit, tracked_job
from factcheck.models import Job, Outlet
from factcheck.outlets import services, snapshots
from factcheck.outlets.polling import poll_outlet

POLL = "outlets.poll"
CAPTURE = "snapshots.capture"
SCHEDULE = "outlets.schedule"


@tracked_job(POLL, max_attempts=1)
def poll(job: RunningJob) -> None:
    """Poll one outlet (its own transactions; failures go to the outlet's backoff)."""
    report = poll_outlet(int(job.payload["outlet_id"]))
    job.result(outcome=f"{report.status}, {report.new_articles} new articles")


@tracked_job(CAPTURE, max_attempts=3, backoff=30.0)
def capture(job: RunningJob) -> None:
    """Capture one pending snapshot; unreachable or 5xx pages are retried before failing."""
    found = snapshots.capture_snapshot(
        int(job.payload["snapshot_id"]), retry_temporary=job.attempt < job.max_attempts
    )
    job.result(outcome=found.status.value if found is not None else "gone")


@periodic_job(SCHEDULE, crontab(minute="*"))
def schedule() -> None:
    queue_due_work()


def queue_due_work() -> list[Job]:
    """Submit a job for each due outlet and pending snapshot; dispatch the new ones."""
    due = db.session.execute(
        sa.select(Outlet.id, Outlet.next_poll_at).where(
            Outlet.id.in_(services.due_outlets(db.session))
        )
    ).all()
    pending = snapshots.pending_ids(db.session)
    fresh: list[Job] = []
    for outlet_id, next_poll_at in due:
        job, new = submit(
            db.session,
            POLL,
            payload={"outlet_id": outlet_id},
            actor=None,
            key=f"outlet:{outlet_id}:{next_poll_at.isoformat()}",
            subject=("outlet", outlet_id),
        )
        if new:
            fresh.append(job)
    for snapshot_id in pending:
        job, new = submit(
            db.session,
            CAPTURE,
            payload={"snapshot_id": snapshot_id},
            actor=None,
            key=f"snapshot:{snapshot_id}",
            subject=("snapshot", snapshot_id),
        )
        if new:
            fresh.append(job)
    db.session.commit()
    for job in fresh:
        dispatch(job)
    return fresh
