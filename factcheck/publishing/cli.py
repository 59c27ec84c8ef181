"""Command-line commands of this stage (registered by factcheck.cli).

``factcheck export claimreview`` streams every published ClaimReview to a file,
``factcheck validate`` checks a ClaimReview file offline, and ``factcheck import claimreview``
stores other publishers' fact-checks in the fact-check memory (``factcheck.memory``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from factcheck import fetching
from factcheck.clitools import db_command, part_file, read_session
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.memory.desk import refresh_open_claims
from factcheck.memory.fetching import fetch_document
from factcheck.memory.services import import_reviews
from factcheck.publishing import services
from factcheck.publishing.jsonld import command as validate_cli
from factcheck.publishing.jsonld.importer import ClaimReviewImportError, parse_claim_reviews

export_cli = AppGroup("export", help="Export published data.")
import_cli = AppGroup("import", help="Read data published elsewhere.")


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

    handle, temp = part_file(target, output, newline="\n")
    try:
        with handle, read_session() as session:
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
    """The one place ``factcheck validate`` reaches the network: the safe fetcher.

    Every hop of a redirect is checked, the connection goes to the checked address, with the
    deadline and byte cap of ingestion (private and loopback hosts refused unless
    ``FETCH_ALLOW_PRIVATE`` or ``FETCH_ALLOW_HOSTS`` allow them). The page need not be an
    article: JSON-LD and HTML are both accepted. A refusal is an ``OSError`` for the validator,
    which reports it as unreadable input (exit 2).
    """

    try:
        return fetching.fetch(url, accept=(*fetching.HTML_TYPES, *fetching.FEED_TYPES)).text()
    except DomainError as exc:
        raise OSError(exc.message) from None


# ``factcheck validate``: the validator's click command, reading URLs through the checked fetcher
# with the app's settings.
validate_command = validate_cli.command(fetch_page, wrap=with_appcontext)


MAX_IMPORT_BYTES = 50 * 1024 * 1024


def _read_input(source: str) -> bytes:
    """The bytes of FILE, URL (fetched with the ingestion guards) or ``-`` (stdin)."""

    if source == "-":
        data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
    elif source.startswith(("http://", "https://")):
        return fetch_document(source)
    else:
        try:
            with open(source, "rb") as fp:
                data = fp.read(MAX_IMPORT_BYTES + 1)
        except OSError as exc:
            raise ClaimReviewImportError(f"cannot read {source}: {exc.strerror}") from exc
    if len(data) > MAX_IMPORT_BYTES:
        raise ClaimReviewImportError(f"larger than {MAX_IMPORT_BYTES:,} bytes")
    return data


@import_cli.command("claimreview")
@click.argument("source", metavar="FILE|URL|-")
@click.option("--dry-run", is_flag=True, help="Report what would be stored; store nothing.")
@db_command
def import_claimreview(source: str, dry_run: bool) -> None:
    """Store other publishers' ClaimReviews in the fact-check memory.

    Reads JSON, JSON-LD, JSON Lines (our own export too), a DataFeed or an HTML page's
    embedded markup, from a file, a URL or stdin. The same review imported again updates its
    row. Each item is reported (with every repair as a warning); items without url or
    publisher, or with a rating off its scale, are refused with their reason. Exits 1 when
    anything was refused; nothing is stored when the input cannot be read at all.
    """

    try:
        results = parse_claim_reviews(_read_input(source))
    except ClaimReviewImportError as exc:
        raise click.ClickException(f"{source}: {exc}; nothing was stored") from None
    outcomes = import_reviews(db.session, results, source=source, actor=None, dry_run=dry_run)
    if not dry_run and any(o.action in ("created", "updated") for o in outcomes):
        matched = refresh_open_claims(db.session)
        click.echo(f"claims on the desk with an earlier fact-check: {matched}")
    counts: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0, "refused": 0}
    verbs = {
        "created": "would import" if dry_run else "imported",
        "updated": "would update" if dry_run else "updated",
        "unchanged": "unchanged",
        "refused": "refused",
    }
    for outcome in outcomes:
        counts[outcome.action] += 1
        where = f" ({outcome.path})" if outcome.path else ""
        target = f" #{outcome.fact_check_id}" if outcome.fact_check_id and not dry_run else ""
        click.echo(f"[{outcome.index}] {verbs[outcome.action]}{target}{where}: {outcome.message}")
        for warning in outcome.warnings:
            click.echo(f"    warning: {warning}")
    summary = ", ".join(f"{n} {verbs[a]}" for a, n in counts.items())
    if dry_run:
        tail = "nothing was stored (dry run)"
    elif counts["created"] or counts["updated"]:
        tail = "the others were stored" if counts["refused"] else "all stored"
    else:
        tail = "nothing was stored"
    click.echo(f"{source}: {summary}; {tail}")
    if counts["refused"]:
        if not dry_run:
            db.session.commit()
        raise SystemExit(1)


commands: list[click.Command] = [export_cli, import_cli, validate_command]
