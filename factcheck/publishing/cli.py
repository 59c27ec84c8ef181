"""Command-line commands of this stage (registered by factcheck.cli).

``factcheck export claimreview`` streams every published ClaimReview to a file,
``factcheck validate`` checks a ClaimReview file offline, and ``factcheck import claimreview``
reads other publishers' markup and reports what it would import (it stores nothing yet).
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy.orm import Session

from factcheck.cli import db_command
from factcheck.database import set_write_intent
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.publishing import services
from factcheck.publishing.jsonld.importer import (
    ClaimReviewImportError,
    ImportedReview,
    load_claim_reviews,
)
from factcheck.publishing.jsonld.validate import main as validate_main

export_cli = AppGroup("export", help="Export published data.")
import_cli = AppGroup("import", help="Read data published elsewhere.")


@contextlib.contextmanager
def _read_session() -> Iterator[Session]:
    """A separate read-only transaction, so a long export never holds SQLite's write lock.

    ``db_command`` opens the command's own transaction as a writer (``BEGIN IMMEDIATE``);
    streaming 100,000 reviews inside it would keep the desk from saving anything meanwhile.
    """
    token = set_write_intent(False)
    try:
        with Session(db.engine) as session:
            yield session
    finally:
        token.var.reset(token)


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


@contextlib.contextmanager
def _progress(length: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal; nothing otherwise (logs, pipes, cron)."""
    if not _stderr_is_terminal():
        yield None
        return
    with click.progressbar(length=length, label="exporting", file=sys.stderr) as bar:
        yield bar.update


@export_cli.command("claimreview")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; replaced atomically when the export is complete.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl"]),
    default="json",
    show_default=True,
    help="json: one schema.org DataFeed; jsonl: one ClaimReview per line.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only reviews published or corrected on or after this day (YYYY-MM-DD, UTC).",
)
@db_command
def export_claimreview(output: Path, fmt: str, since: datetime | None) -> None:
    """Stream every published ClaimReview to a file, in bounded memory."""
    day: date | None = since.date() if since else None
    target = output.expanduser().absolute()
    skipped: list[int] = []

    def on_skip(claim_id: int, reason: str) -> None:
        skipped.append(claim_id)
        click.echo(f"warning: claim #{claim_id} left out: {reason}", err=True)

    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed or removed below
            "w",
            encoding="utf-8",
            newline="\n",
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".part",
            delete=False,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    temp = Path(handle.name)
    try:
        with handle, _read_session() as session:
            # Read in the export's own read-only transaction, like the reviews it authors.
            org = services.organisation(session, current_app.config)
            total = services.feed_state(session, since=day).count
            with _progress(total) as progress:
                count = services.export_claim_reviews(
                    session,
                    handle,
                    org,
                    format=fmt,  # type: ignore[arg-type]
                    since=day,
                    progress=progress,
                    on_skip=on_skip,
                )
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o644)
        # The audit event is flushed before the file appears: if it cannot be written, no
        # export exists; the command's transaction commits it right after the rename.
        services.record_export(db.session, count=count, path=str(target), format=fmt, since=day)
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    click.echo(f"exported {count} ClaimReview(s) to {target} ({fmt})")
    if skipped:
        click.echo(f"{len(skipped)} published claim(s) left out; see the warnings above", err=True)


def fetch_page(url: str) -> str:
    """The one place ``factcheck validate`` reaches the network: the ingestion fetcher.

    Same address checks (private and loopback hosts refused unless ``FETCH_ALLOW_PRIVATE``),
    size limit, timeouts and HTML-only rule as ``factcheck ingest URL``. A refusal is an
    ``OSError`` for the validator, which reports it as unreadable input (exit 2).
    """
    from factcheck.articles.reading import fetch_url

    allow = bool(current_app.config["FETCH_ALLOW_PRIVATE"])
    try:
        return fetch_url(url, allow_private=allow).raw
    except DomainError as exc:
        raise OSError(exc.message) from None


@click.command(
    "validate",
    add_help_option=False,
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
@with_appcontext
def validate_command(args: tuple[str, ...]) -> None:
    """Validate ClaimReview JSON-LD: FILE|URL|- [--org-url URL] [--errors-only] (--help)."""
    raise SystemExit(validate_main(list(args), fetch=fetch_page))


def _describe(item: ImportedReview) -> str:
    rating = item.rating_label
    if item.rating_value is not None and item.best_rating is not None:
        rating += f" ({item.rating_value:g}/{item.best_rating:g})"
    parts = [f"“{item.claim_reviewed}”", f"rated {rating}"]
    if item.publisher_name:
        parts.append(f"by {item.publisher_name}")
    if item.date_published:
        parts.append(f"on {item.date_published.isoformat()}")
    if item.review_url:
        parts.append(item.review_url)
    return ", ".join(parts)


@import_cli.command("claimreview")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False))
@click.option(
    "--dry-run",
    is_flag=True,
    help="Report only (the default for now: importing does not store anything yet).",
)
def import_claimreview(file: str, dry_run: bool) -> None:
    """Check and normalise other publishers' ClaimReviews; report what would be imported.

    This is a dry run whether or not --dry-run is given: nothing is stored in the database.
    Each item is listed as "would import" (with every repair and oddity as a warning) or as
    a problem. Exits 1 when any item could not be imported.
    """
    try:
        results = load_claim_reviews(file)
    except ClaimReviewImportError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    good = problems = warnings = 0
    for item in results:
        where = f" ({item.path})" if item.path else ""
        if isinstance(item, ImportedReview):
            good += 1
            warnings += len(item.warnings)
            click.echo(f"[{item.index}] would import{where}: {_describe(item)}")
            for warning in item.warnings:
                click.echo(f"    warning: {warning}")
        else:
            problems += 1
            click.echo(f"[{item.index}] problem{where}: {item.message}")
    click.echo(
        f"{file}: {good} would be imported, {problems} problem(s), {warnings} warning(s); "
        "nothing was stored (dry run)"
    )
    if problems:
        raise SystemExit(1)


commands: list[click.Command] = [export_cli, import_cli, validate_command]
