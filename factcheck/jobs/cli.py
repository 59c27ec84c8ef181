"""``factcheck worker`` runs a Huey consumer; ``factcheck jobs`` lists and recovers jobs."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup, with_appcontext

from factcheck.config import settings
from factcheck.extensions import db
from factcheck.extraction import extract
from factcheck.jobs.registry import current_queue
from factcheck.jobs.services import reap, recent_jobs


@click.command("worker")
@click.option(
    "-w", "--workers", default=1, show_default=True, help="Threads in this worker process."
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also run periodic tasks (feed polling, the reaper); keep it on one worker only.",
)
@with_appcontext
def worker_command(workers: int, periodic: bool) -> None:
    """Run a worker: take jobs from the queue until Ctrl-C (or SIGTERM) stops it."""

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    queue = current_queue()
    huey = queue.huey
    where = settings().jobs_url or "instance/jobs.sqlite3"
    if huey.immediate:
        raise click.ClickException("JOBS_IMMEDIATE is on: jobs run where they are queued")
    click.echo(f"worker: queue {huey.name!r} on {_safe(where)}, {workers} thread(s)")
    # Load the extraction model now, not in the first job (which would then take seconds more).

    extract("Le Pentagone estime que 10 000 soldats ont été envoyés.", "fr")
    db.session.remove()  # the consumer's threads open their own sessions
    click.echo("worker: ready", err=False)
    consumer = huey.create_consumer(
        workers=workers,
        worker_type="thread",
        periodic=periodic,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=1.0,
        check_worker_health=True,
    )
    # SIGTERM (systemd, docker, make run) stops like Ctrl-C: the jobs in hand finish first, so
    # none is left "running" for the reaper. A second Ctrl-C stops at once.
    consumer._handle_stop_signal = consumer._handle_interrupt_signal_gevent
    consumer.run()


def _safe(url: str) -> str:
    if "@" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


jobs_cli = AppGroup("jobs", help="Background jobs: list them, re-queue the work of dead workers.")


@jobs_cli.command("list")
@click.option("--limit", default=20, show_default=True)
@with_appcontext
def jobs_list(limit: int) -> None:
    """The latest jobs with their state and error."""

    for job in recent_jobs(db.session, limit=limit):
        article = f" article #{job.article_id}" if job.article_id else ""
        error = f" — {job.error}" if job.error else ""
        click.echo(
            f"{job.id:>6}  {job.kind:<22} {job.state.value:<8} "
            f"{job.attempts}/{job.max_attempts}{article}{error}"
        )


@jobs_cli.command("reap")
@click.option("--lease", type=float, default=None, help="Seconds (default: JOBS_LEASE_SECONDS).")
@with_appcontext
def jobs_reap(lease: float | None) -> None:
    """Re-queue jobs left running by a dead worker (or queued and never picked up)."""

    requeued = reap(lease=lease)
    click.echo(f"re-queued {len(requeued)} job(s)" + (f": {requeued}" if requeued else ""))


commands: list[click.Command] = [worker_command, jobs_cli]
