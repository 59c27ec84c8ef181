"""``factcheck export csv``: the queue as CSV, with the queue page's filters (and a progress bar).

The command joins the ``export`` group of ``factcheck.publishing.cli``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import cast

import click
from flask import current_app

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.claims import queries
from factcheck.clitools import db_command, part_file, read_session
from factcheck.dashboard import csvexport
from factcheck.extensions import db
from factcheck.models import ClaimStatus, User
from factcheck.publishing.cli import export_cli
from factcheck.publishing.services import organisation

commands: list[click.Command] = []  # ``export csv`` is added to the existing ``export`` group


@export_cli.command("csv")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; replaced atomically when the export is complete.",
)
@click.option("--status", type=click.Choice([s.value for s in ClaimStatus]), default=None)
@click.option("--assignee", type=click.Choice(["anyone", "unassigned"]), default="anyone")
@click.option("--language", default=None, help="Claims in this language only (fr, en…).")
@click.option("--article", "article_id", type=click.IntRange(1, 2**63 - 1), default=None)
@click.option("--min-score", type=click.FloatRange(0, 1), default=None)
@click.option("--search", "q", default=None, help="Words of the claim or the claimant.")
@click.option("--has-match", is_flag=True, help="Only claims an earlier fact-check looks like.")
@click.option(
    "--sort",
    type=click.Choice(list(queries.SORTS)),
    default=queries.DEFAULT_SORT,
    show_default=True,
)
@db_command
def export_csv(
    output: Path,
    status: str | None,
    assignee: str,
    language: str | None,
    article_id: int | None,
    min_score: float | None,
    q: str | None,
    has_match: bool,
    sort: str,
) -> None:
    """Write the queue (with the queue page's filters) as CSV, streamed in bounded memory."""
    filters = queries.QueueFilters(
        status=ClaimStatus(status) if status else None,
        assignee=assignee,
        language=(language or "").strip() or None,
        article_id=article_id,
        min_score=min_score,
        q=(q or "").strip() or None,
        sort=sort,
        has_match=has_match,
    )
    nobody = cast(User, None)  # "me" is not offered here: no user runs the command
    target = output.expanduser().absolute()
    handle, temp = part_file(target, output, newline="")
    count = 0
    try:
        with handle, read_session() as session:
            org_url = organisation(session, current_app.config).url
            total = csvexport.queue_count(session, filters, nobody)
            with click.progressbar(
                length=total,
                label="exporting",
                file=sys.stderr,  # drawn on a terminal only; elsewhere just its label
            ) as bar:
                rows = csvexport.queue_rows(session, filters, nobody, org_url, progress=bar.update)
                for chunk in csvexport.lines(csvexport.QUEUE_COLUMNS, rows):
                    handle.write(chunk)
                count = total
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        record(
            db.session,
            actor=None,
            action=AuditAction.EXPORT_CSV,
            entity_type="claim",
            data={"count": count, "path": str(target), "filters": _described(filters)},
        )
        db.session.flush()
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    click.echo(f"wrote {count} claims to {target}")


def _described(filters: queries.QueueFilters) -> dict[str, object]:
    return {
        "status": filters.status.value if filters.status else None,
        "assignee": filters.assignee,
        "language": filters.language,
        "article_id": filters.article_id,
        "min_score": None if filters.min_score is None else str(filters.min_score),
        "q": filters.q,
        "sort": filters.sort,
        "has_match": filters.has_match,
    }
