"""Declaring jobs: plain tasks, tracked jobs (a row in ``jobs``) and periodic tasks.

Declarations are module-level and know nothing of the app; ``factcheck.jobs.queue`` binds them
to each app's Huey instance, wrapping each call in that app's context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import current_app

from factcheck.database import DBSession, write_intent
from factcheck.extensions import db
from factcheck.models import Job, JobState, utcnow

if TYPE_CHECKING:
    from factcheck.jobs.queue import JobQueue

EXTENSION = "factcheck.jobs"  # where ``factcheck.jobs.queue.init_app`` keeps the app's queue
BACKOFF_CAP = 240.0  # seconds; must stay below JOBS_LEASE_SECONDS so a waiting job is not reaped


class TemporaryError(Exception):
    """Raise (or raise any exception with ``temporary = True``) to have the job retried later."""

    temporary = True

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_temporary(exc: BaseException) -> bool:
    return bool(getattr(exc, "temporary", False))


def backoff_delay(base: float, attempt: int) -> float:
    """Seconds to wait before attempt ``attempt + 1``: ``base``, doubled each time, capped."""
    return float(min(base * 2 ** max(attempt - 1, 0), BACKOFF_CAP))


@dataclass
class JobSpec:
    name: str
    fn: Callable[..., Any]
    kind: str  # "plain", "tracked" or "periodic"
    retries: int = 0  # plain jobs: extra attempts on temporary errors
    max_attempts: int = 1  # tracked jobs: attempts in all
    backoff: float = 10.0
    schedule: Any = None  # periodic jobs: a huey ``crontab(...)``


SPECS: dict[str, JobSpec] = {}


class JobHandle:
    """What a job decorator returns: call it directly (in an app context) or ``enqueue`` it."""

    def __init__(self, spec: JobSpec) -> None:
        self.spec = spec
        self.name = spec.name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.spec.fn(*args, **kwargs)

    def enqueue(self, **kwargs: Any) -> None:
        """Queue a plain job with keyword arguments (ints, strings, lists, dicts: picklable)."""

        current_queue().enqueue(self.name, **kwargs)


def _register(spec: JobSpec) -> JobHandle:
    known = SPECS.get(spec.name)
    # A module imported again (tests reloading it) declares the same function: keep the latest.
    if known is not None and known.fn.__qualname__ != spec.fn.__qualname__:
        raise ValueError(f"job {spec.name!r} is declared twice")
    SPECS[spec.name] = spec
    return JobHandle(spec)


def job(name: str, *, retries: int = 0, backoff: float = 10.0) -> Callable[..., JobHandle]:
    """A plain task ``fn(**kwargs)``, run in the app context; temporary errors are retried
    ``retries`` times after ``backoff`` s, doubling each time. Commit your own transactions."""

    def decorate(fn: Callable[..., Any]) -> JobHandle:
        return _register(JobSpec(name, fn, "plain", retries=retries, backoff=backoff))

    return decorate


def tracked_job(
    name: str, *, max_attempts: int = 4, backoff: float = 10.0
) -> Callable[..., JobHandle]:
    """A job with a row in ``jobs``: ``fn(job: RunningJob)``; submit it with
    ``factcheck.jobs.submit(...)`` then ``dispatch(job)`` after the commit."""

    def decorate(fn: Callable[..., Any]) -> JobHandle:
        spec = JobSpec(name, fn, "tracked", max_attempts=max_attempts, backoff=backoff)
        return _register(spec)

    return decorate


def periodic_job(name: str, schedule: Any) -> Callable[..., JobHandle]:
    """A task ``fn()`` the worker runs on ``schedule`` (``crontab(minute="*/15")``)."""

    def decorate(fn: Callable[..., Any]) -> JobHandle:
        return _register(JobSpec(name, fn, "periodic", schedule=schedule))

    return decorate


@dataclass
class RunningJob:
    """A tracked job as its function sees it, while it runs in a worker."""

    id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    created_by_id: int | None
    subject_type: str | None = None
    subject_id: int | None = None
    finished: bool = False
    _result: dict[str, Any] = field(default_factory=dict)

    def result(self, *, article_id: int | None = None, outcome: str | None = None) -> None:
        """Record what the job made (and ``outcome``, a word such as "stored" or "already
        known", kept in the payload); saved with the ``done`` state by :meth:`finish`."""
        self._result.update(article_id=article_id, outcome=outcome)

    @contextmanager
    def finish(self) -> Iterator[DBSession]:
        """The job's one write transaction: what it stores and its ``done`` state commit together.

        Do the slow work (fetching, parsing, extraction) before entering: the block runs under
        the write lock (``BEGIN IMMEDIATE`` on SQLite).
        """

        db.session.commit()  # end any read transaction: the next one must begin as a writer
        with write_intent():
            try:
                yield db.session
                mark_done(db.session, self.id, **self._result)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
        self.finished = True


def current_queue() -> JobQueue:
    """The queue of the current app (bound by ``factcheck.jobs.queue.init_app``)."""
    queue: JobQueue = current_app.extensions[EXTENSION]
    return queue


def mark_done(
    session: DBSession, job_id: int, *, article_id: int | None = None, outcome: str | None = None
) -> None:
    job = session.get(Job, job_id)
    if job is None:
        return
    now = utcnow()
    job.state = JobState.DONE
    job.error = None
    job.finished_at = job.updated_at = now
    job.next_attempt_at = None
    if article_id is not None:
        job.article_id = article_id
    if outcome is not None:
        job.payload = {**(job.payload or {}), "outcome": outcome}
    session.flush()
