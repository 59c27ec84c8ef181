"""``factcheck audit``: verify the chain, sign checkpoints, export JSON Lines."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from factcheck.audit.actions import AuditAction
from factcheck.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    check_signature,
    fingerprint,
    key_path,
    load_key,
    load_or_create_key,
    load_public_key,
    make_checkpoint,
    public_key_pem,
    read_checkpoint,
)
from factcheck.audit.export import ExportError, atomic_writer, write_export
from factcheck.audit.log import AuditError, record
from factcheck.audit.store import chain_head, event_hash, seq_range, stream_rows, verify_database
from factcheck.audit.verify import ExportFormatError, VerifyResult, read_jsonl_rows, verify_rows
from factcheck.database import write_intent
from factcheck.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


def _cli_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def audit_command(fn: F) -> F:
    """An app context, and clean messages for the errors this group expects."""

    @wraps(fn)
    @with_appcontext
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (CheckpointError, ExportError, ExportFormatError, AuditError) as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        except sa.exc.OperationalError as exc:
            db.session.rollback()
            url = db.engine.url.render_as_string(hide_password=True)
            raise click.ClickException(f"database unreachable ({url}): {exc.orig or exc}") from None

    return wrapped  # type: ignore[return-value]


def _report(result: VerifyResult) -> None:
    if result.ok:
        click.echo(result.summary())
        return
    click.echo(result.summary(), err=True)
    raise SystemExit(1)


NO_TRUSTED_KEY = (
    "no trusted key to check the checkpoint against: pass --public-key PEM (the key printed by "
    "`factcheck audit public-key` where the checkpoint was signed), or run where the instance "
    "key ({path}) is. The key a checkpoint carries proves nothing: anyone can sign with a new one."
)


def _trusted_key(public_key_file: Path | None) -> tuple[Any, str]:
    """The key checkpoints must be signed with, and where it came from; refused when none."""
    if public_key_file is not None:
        return load_public_key(public_key_file), f"--public-key {public_key_file}"
    path = key_path(current_app.instance_path)
    if path.exists():
        return load_key(current_app.instance_path).public_key(), "the instance key"
    raise CheckpointError(NO_TRUSTED_KEY.format(path=path))


def _check_checkpoint(path: Path, public_key_file: Path | None) -> Checkpoint:
    cp = read_checkpoint(path)
    trusted, source = _trusted_key(public_key_file)
    key = check_signature(cp, trusted)
    click.echo(
        f"checkpoint: {cp.size} events, head {cp.head_hash}, {cp.time}; signature valid "
        f"({fingerprint(key)}, trusted: {source})"
    )
    return cp


@click.group("audit", help="Verify, checkpoint and export the audit trail.")
def audit() -> None:
    pass


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A signed checkpoint: also prove the log only grew since it was taken.",
)
@click.option(
    "--file",
    "export_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Verify an export (JSON Lines) instead of the database.",
)
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="PEM public key to check the checkpoint against (default: the instance key).",
)
@audit_command
def verify_command(
    checkpoint_file: Path | None, export_file: Path | None, public_key_file: Path | None
) -> None:
    """Recompute the hash chain; exit 1 naming the first bad event."""
    cp = _check_checkpoint(checkpoint_file, public_key_file) if checkpoint_file else None
    if export_file is None:
        _report(verify_database(db.session, cp))
        return
    try:
        fh = export_file.open("rb")
    except OSError as exc:
        raise click.ClickException(f"cannot read {export_file}: {exc.strerror or exc}") from None
    with fh:
        result = verify_rows(
            read_jsonl_rows(fh), from_first_row=True, pins=cp.pins() if cp else None
        )
    if result.ok and cp is not None and 0 < cp.size < (result.first_seq or 1):
        raise click.ClickException(
            f"the export starts at seq {result.first_seq}, after the checkpoint's event "
            f"{cp.size}: it cannot be checked against that checkpoint"
        )
    if result.ok and (result.first_seq or 1) > 1:
        click.echo(
            f"partial export: it starts at seq {result.first_seq}, trusting the prev_hash "
            "of its first line"
        )
    _report(result)


@audit.command("checkpoint")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Where to write the signed checkpoint (JSON).",
)
@audit_command
def checkpoint_command(output: Path) -> None:
    """Sign the current size and head hash of the log with the instance key."""
    result = verify_database(db.session)
    if not result.ok:
        _report(result)
    key = load_or_create_key(current_app.instance_path)
    size, head = chain_head(db.session)
    cp = make_checkpoint(
        key, size=size, head_hash=head, log_id=event_hash(db.session, 1) if size else None
    )
    with atomic_writer(output) as fh:
        fh.write(cp.to_json().encode())
    click.echo(f"checkpoint written to {output}: {size} events, head {head}, key {cp.key_id}")


@audit.command("public-key")
@audit_command
def public_key_command() -> None:
    """Print the PEM public key that signs checkpoints (give it to auditors)."""
    click.echo(public_key_pem(load_or_create_key(current_app.instance_path).public_key()), nl=False)


def _parse_bound(value: str | None, *, end: bool) -> datetime | None:
    """A date (whole day) or an ISO 8601 time (naive means UTC); ``end`` bounds are inclusive."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return start + timedelta(days=1) if end else start
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time"
        ) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment + timedelta(microseconds=1) if end else moment


@audit.command("export")
@click.option("--since", help="First day (YYYY-MM-DD) or time to include.")
@click.option("--until", help="Last day (YYYY-MM-DD) or time to include.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The JSON Lines file to write (replaced atomically).",
)
@audit_command
def export_command(since: str | None, until: str | None, output: Path) -> None:
    """Export events as JSON Lines that verify offline; the export itself is recorded."""
    start, stop = _parse_bound(since, end=False), _parse_bound(until, end=True)
    first_seq, last_seq = 1, None  # the whole trail
    if start or stop:  # no event in the window: the span 1–0, an empty export
        first_seq, last_seq = seq_range(db.session, start, stop) or (1, 0)
    with stream_rows(db.session, first_seq=first_seq, last_seq=last_seq) as rows:
        summary = write_export(output, rows)
    db.session.rollback()  # end the read; the record below is its own write transaction
    with write_intent():
        record(
            db.session,
            actor=None,
            actor_label=_cli_actor(),
            action=AuditAction.AUDIT_EXPORT,
            entity_type="audit",
            entity_id=None,
            data={
                "file": output.name,
                "since": since,
                "until": until,
                "first_seq": summary.first_seq,
                "last_seq": summary.last_seq,
                "events": summary.count,
                "sha256": summary.sha256,
            },
        )
        db.session.commit()
    where = f" (seq {summary.first_seq}–{summary.last_seq})" if summary.count else ""
    click.echo(f"exported {summary.count} events{where} to {output}; sha256 {summary.sha256}")


commands: list[click.Command] = [audit]
