"""Each app's task queue: a Huey instance chosen by the settings, with every declared job bound.

- ``JOBS_IMMEDIATE``: jobs run at once, in the process that queues them (tests, scripts).
- ``JOBS_URL=redis://…``: Redis storage, for several workers on several hosts.
- otherwise: SQLite storage in ``instance/jobs.sqlite3``, for one machine.

The queue carries only a job's name and arguments (for tracked jobs, the row id); the state the
desk shows lives in the ``jobs`` table.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.exceptions import RetryTask

from factcheck.extensions import db
from factcheck.jobs.registry import (
    EXTENSION,
    SPECS,
    JobSpec,
    backoff_delay,
    is_temporary,
)
from factcheck.jobs.services import run_tracked_job

log = logging.getLogger("factcheck.jobs")


class JobQueue:
    """The app's Huey instance (made on first use) and its bound tasks by job name."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._huey: Huey | None = None
        self.tasks: dict[str, Any] = {}

    @property
    def huey(self) -> Huey:
        if self._huey is None:
            self._huey = build_huey(self.app.config, Path(self.app.instance_path))
            for spec in SPECS.values():
                self.tasks[spec.name] = _bind(self.app, self._huey, spec)
        return self._huey

    @property
    def immediate(self) -> bool:
        return bool(self.huey.immediate)

    def enqueue(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Queue job ``name`` (in immediate mode: run it now, in this thread)."""
        self.huey  # noqa: B018 (makes the Huey instance and binds the tasks on first use)
        if name not in self.tasks:
            raise KeyError(f"no job named {name!r} is declared")
        self.tasks[name](*args, **kwargs)

    def run_due(self) -> int:
        """Run scheduled work that is due (retries after their backoff), in this process."""
        huey = self.huey
        count = 0
        for task in huey.read_schedule():
            huey.execute(task)
            count += 1
        return count

    def pending(self) -> int:
        return int(self.huey.pending_count()) + int(self.huey.scheduled_count())

    def flush(self) -> None:
        """Drop every queued and scheduled message (tests, and ``factcheck jobs flush``)."""
        self.huey.flush()


def build_huey(config: Any, instance: Path) -> Huey:
    name = config.get("JOBS_NAME") or "factcheck"
    if config.get("JOBS_IMMEDIATE"):
        return MemoryHuey(name, immediate=True, utc=True)
    url = config.get("JOBS_URL")
    if url:
        return RedisHuey(name, url=url, utc=True)
    instance.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(instance / "jobs.sqlite3"), utc=True)


def init_app(app: Flask) -> None:
    """Bind the jobs declared so far (``create_app`` imports every ``<package>/jobs.py`` first)."""
    app.extensions[EXTENSION] = JobQueue(app)


def _bind(app: Flask, huey: Huey, spec: JobSpec) -> Any:
    if spec.kind == "tracked":

        def run_tracked(job_id: int) -> None:

            with app.app_context():
                run_tracked_job(spec, job_id)

        return huey.task(name=spec.name)(run_tracked)

    if spec.kind == "periodic":

        def run_periodic() -> None:
            with app.app_context():
                _run_plain(spec, {}, attempt=1, retries_left=0)

        return huey.periodic_task(spec.schedule, name=spec.name)(run_periodic)

    def run_plain(task: Any = None, **kwargs: Any) -> None:
        retries_left = task.retries if task is not None else 0
        attempt = spec.retries - retries_left + 1
        with app.app_context():
            _run_plain(spec, kwargs, attempt=attempt, retries_left=retries_left, task=task)

    return huey.task(name=spec.name, retries=spec.retries, context=True)(run_plain)


def _run_plain(
    spec: JobSpec, kwargs: dict[str, Any], *, attempt: int, retries_left: int, task: Any = None
) -> None:

    try:
        spec.fn(**kwargs)
    except Exception as exc:
        db.session.rollback()
        if is_temporary(exc) and retries_left > 0 and task is not None:
            delay = backoff_delay(spec.backoff, attempt)
            log.warning("%s: %s; retrying in %.0f s", spec.name, exc, delay)
            task.retries -= 1  # RetryTask adds one back: a retry is spent
            raise RetryTask(str(exc), delay=delay) from exc
        log.exception("%s failed", spec.name)
        if task is not None:
            task.retries = 0  # a permanent error is not retried by Huey either
        raise
    finally:
        db.session.remove()
