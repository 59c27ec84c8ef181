"""Tracked jobs: submitting one (idempotently), running it, and recovering from dead workers."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from huey import crontab
from huey.exceptions import RetryTask

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, change_and_record
from factcheck.config import settings
from factcheck.database import DBSession, write_intent
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.jobs.registry import (
    SPECS,
    JobSpec,
    RunningJob,
    backoff_delay,
    current_queue,
    is_temporary,
    mark_done,
    periodic_job,
)
from factcheck.models import Job, JobState, User, utcnow

log = logging.getLogger("factcheck.jobs")
JOB_FIELDS = ("kind", "key", "state", "subject_type", "subject_id")
DEFAULT_LEASE_SECONDS = 300


def get_job(session: DBSession, kind: str, key: str) -> Job | None:
    return session.scalar(sa.select(Job).where(Job.kind == kind, Job.key == key))


def submit(
    session: DBSession,
    kind: str,
    *,
    payload: dict[str, Any],
    actor: User | None,
    key: str | None = None,
    subject: tuple[str, int] | None = None,
) -> tuple[Job, bool]:
    """The job for ``(kind, key)``, created queued if new; ``(job, needs_dispatch)``.

    Asking again for a job that is queued, running or done gives that job (nothing to dispatch);
    a failed one is queued again. Call :func:`dispatch` after the transaction commits.
    """
    spec = SPECS.get(kind)
    if spec is None or spec.kind != "tracked":
        raise ValueError(f"no tracked job named {kind!r} is declared")
    if key is not None:
        existing = get_job(session, kind, key)
        if existing is not None:
            if existing.state != JobState.FAILED:
                return existing, False
            change_and_record(
                session,
                existing,
                {"state": JobState.QUEUED, "attempts": 0, "error": None, "payload": payload},
                actor=actor,
                action=AuditAction.JOB_RESUBMIT,
                entity_type="job",
            )
            existing.finished_at = existing.next_attempt_at = existing.started_at = None
            existing.updated_at = utcnow()
            return existing, True
    job = Job(
        kind=kind,
        key=key,
        state=JobState.QUEUED,
        payload=payload,
        max_attempts=spec.max_attempts,
        subject_type=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        created_by_id=actor.id if actor else None,
    )
    try:
        with session.begin_nested():
            add_and_record(
                session,
                job,
                JOB_FIELDS,
                actor=actor,
                action=AuditAction.JOB_SUBMIT,
                entity_type="job",
            )
    except sa.exc.IntegrityError:
        # Someone submitted the same key in between (PostgreSQL; SQLite writers are serialised).
        found = get_job(session, kind, key) if key is not None else None
        if found is None:
            raise
        return found, False
    return job, True


def dispatch(job: Job | int) -> None:
    """Hand a committed job to the queue (in immediate mode it runs now, in this process)."""

    queue = current_queue()
    job_id = job if isinstance(job, int) else job.id
    row = db.session.get(Job, job_id)
    if row is None:
        raise ValueError(f"no job #{job_id}")
    kind = row.kind
    session = db.session()
    if not (session.new or session.dirty or session.deleted):
        # End the (read) transaction: on SQLite the caller's next write would have to upgrade
        # it, and that fails at once if a worker wrote in between.
        session.commit()
    if queue.immediate:
        # The job runs now on its own session: end ours first (nothing may be pending: dispatch
        # follows the commit), so that no lock is held and we read its outcome afterwards.
        db.session.commit()
    queue.enqueue(kind, job_id)
    if queue.immediate:
        db.session.expire_all()


def _claim(job_id: int) -> RunningJob | None:
    """queued → running in one short write transaction; ``None`` if someone else has it."""
    now = utcnow()
    with write_intent():
        taken = db.session.execute(  # type: ignore[attr-defined]
            sa.update(Job)
            .where(Job.id == job_id, Job.state == JobState.QUEUED)
            .values(
                state=JobState.RUNNING,
                attempts=Job.attempts + 1,
                started_at=now,
                updated_at=now,
                next_attempt_at=None,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        job = db.session.get(Job, job_id) if taken else None
        running = (
            RunningJob(
                id=job.id,
                kind=job.kind,
                payload=dict(job.payload or {}),
                attempt=job.attempts,
                max_attempts=job.max_attempts,
                created_by_id=job.created_by_id,
                subject_type=job.subject_type,
                subject_id=job.subject_id,
            )
            if job is not None
            else None
        )
        db.session.commit()
    return running


def _settle(job_id: int, **values: Any) -> None:
    with write_intent():
        job = db.session.get(Job, job_id)
        if job is not None:
            for name, value in values.items():
                setattr(job, name, value)
            job.updated_at = utcnow()
        db.session.commit()


def run_tracked_job(spec: JobSpec, job_id: int) -> None:
    """Run one attempt of a tracked job and record how it ended."""
    running = _claim(job_id)
    if running is None:
        log.info("job %s is not queued (done, failed, or taken by another worker)", job_id)
        return
    try:
        spec.fn(running)
    except Exception as exc:
        db.session.rollback()
        _failed_attempt(spec, running, exc)
        return
    if not running.finished:
        with write_intent():
            mark_done(db.session, running.id, **running._result)
            db.session.commit()


def _failed_attempt(spec: JobSpec, running: RunningJob, exc: Exception) -> None:
    if isinstance(exc, DomainError):
        message = exc.message
    else:
        message = str(getattr(exc, "message", "") or "") if is_temporary(exc) else ""
        message = message or f"unexpected error ({type(exc).__name__}); see the worker's log"
        if not is_temporary(exc):
            log.exception("job %s (%s) failed", running.id, running.kind, exc_info=exc)
    retry = (is_temporary(exc) or not isinstance(exc, DomainError)) and (
        running.attempt < running.max_attempts
    )
    if retry:
        delay = backoff_delay(spec.backoff, running.attempt)
        _settle(
            running.id,
            state=JobState.QUEUED,
            error=f"attempt {running.attempt} of {running.max_attempts}: {message}",
            next_attempt_at=utcnow() + timedelta(seconds=delay),
        )
        raise RetryTask(message, delay=delay) from exc
    _settle(running.id, state=JobState.FAILED, error=message, finished_at=utcnow())


def lease_seconds() -> float:
    return settings().jobs_lease_seconds


def reap(*, lease: float | None = None, now: datetime | None = None) -> list[int]:
    """Jobs whose worker died (running past the lease) or whose message was lost (queued past it)
    go back to the queue, or fail once their attempts are spent. Returns the re-queued ids."""
    lease = lease_seconds() if lease is None else lease
    now = now or utcnow()
    cutoff = now - timedelta(seconds=lease)
    requeued: list[int] = []
    lost = sa.and_(
        Job.state == JobState.QUEUED,
        sa.func.coalesce(Job.next_attempt_at, Job.updated_at) <= cutoff,
    )
    # A job queued long ago is lost only if the queue is empty: behind a long backlog it is
    # merely waiting, and queueing it again each minute would only grow the backlog.

    queue_empty = current_queue().huey.pending_count() == 0
    with write_intent():
        stale = db.session.scalars(
            sa.select(Job)
            .where(
                sa.or_(
                    sa.and_(Job.state == JobState.RUNNING, Job.started_at <= cutoff),
                    lost if queue_empty else sa.false(),
                )
            )
            .order_by(Job.id)
            .with_for_update(skip_locked=True)
        ).all()
        for job in stale:
            if job.state == JobState.RUNNING:
                note = f"the worker stopped during attempt {job.attempts} of {job.max_attempts}"
                if job.attempts >= job.max_attempts:
                    job.state, job.error, job.finished_at = JobState.FAILED, note, now
                    job.updated_at = now
                    continue
                job.state, job.error = JobState.QUEUED, f"{note}; trying again"
            job.updated_at = now
            requeued.append(job.id)
        db.session.commit()
    for job_id in requeued:
        dispatch(job_id)
    return requeued


@periodic_job("jobs.reap", crontab(minute="*"))
def reap_stale_jobs() -> None:
    """Every minute: give the work of dead workers (and lost messages) back to the queue."""
    requeued = reap()
    if requeued:
        log.warning("re-queued jobs %s (their worker stopped or their message was lost)", requeued)


def job_json(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "state": job.state.value,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "error": job.error,
        "article_id": job.article_id,
        "outcome": (job.payload or {}).get("outcome"),
        "subject": {"type": job.subject_type, "id": job.subject_id} if job.subject_type else None,
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "next_attempt_at": job.next_attempt_at.isoformat() if job.next_attempt_at else None,
    }


def recent_jobs(session: DBSession, *, limit: int = 20, unfinished_only: bool = False) -> list[Job]:
    query = sa.select(Job).order_by(Job.id.desc()).limit(limit)
    if unfinished_only:
        query = query.where(Job.state != JobState.DONE)
    return list(session.scalars(query))


def jobs_for(
    session: DBSession, subject_type: str, subject_id: int, *, limit: int = 20
) -> list[Job]:
    """The latest jobs about a feed, a source… (for its page)."""
    return list(
        session.scalars(
            sa.select(Job)
            .where(Job.subject_type == subject_type, Job.subject_id == subject_id)
            .order_by(Job.id.desc())
            .limit(limit)
        )
    )
