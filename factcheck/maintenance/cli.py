"""``factcheck backup`` and ``factcheck restore``: thin commands over :mod:`.backup`."""

from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from factcheck.extensions import db
from factcheck.maintenance import backup as ops


def _where() -> str:
    return db.engine.url.render_as_string(hide_password=True)


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The backup file to write (its manifest goes beside it as FILE.manifest.json).",
)
@with_appcontext
def backup_command(output: Path) -> None:
    """Back up the configured database while it stays in use (SQLite copy or pg_dump)."""
    try:
        snapshot = ops.backup(db.engine, output)
    except ops.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except sa.exc.OperationalError as exc:
        raise click.ClickException(f"database unreachable ({_where()}): {exc.orig}") from None
    size = output.stat().st_size
    click.echo(f"backup of {_where()} written to {output} ({size:,} bytes)")
    click.echo(f"snapshot: {snapshot.summary()}")
    click.echo(f"manifest: {ops.manifest_path(output)}")


@click.command("restore")
@click.argument("backup_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@with_appcontext
def restore_command(backup_file: Path, yes: bool, force: bool) -> None:
    """Check BACKUP_FILE in a copy, then swap it in for the configured database.

    The copy must be a factcheck database at a known revision whose schema is exactly what the
    migrations create, whose audit chain verifies and whose claims and verdicts agree with the
    trail; any failure leaves the current database as it was. Stop the app servers first. A
    database that holds data is replaced only with --force.
    """
    engine = db.engine
    try:
        ops.check_kind(engine, backup_file)
        current = ops.current_snapshot(engine)
    except ops.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except sa.exc.OperationalError as exc:
        raise click.ClickException(f"database unreachable ({_where()}): {exc.orig}") from None
    if not ops.is_empty(current):
        assert current is not None
        if not force:
            raise click.ClickException(
                f"{_where()} is not empty ({current.summary()}): refusing to replace it; "
                "pass --force to overwrite it"
            )
        click.echo(f"{_where()} holds data that will be replaced: {current.summary()}")
    db.session.remove()
    try:
        with ops.Restore(engine, backup_file) as restore:
            checked = restore.checked
            assert checked is not None
            click.echo(f"checked {backup_file} in a copy (the current database is untouched):")
            for line in checked.lines():
                click.echo(f"  {line}")
            click.echo(f"the backup holds: {checked.snapshot.summary()}")
            if not yes:
                click.confirm(f"Restore {backup_file} into {_where()}?", abort=True)
            restore.swap()
    except ops.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    except sa.exc.OperationalError as exc:
        raise click.ClickException(
            f"database unreachable ({_where()}): {exc.orig}; the current database was not changed"
        ) from None
    click.echo(f"restored {backup_file} into {_where()}")
    if checked.upgraded_from:
        click.echo(
            f"the backup was at revision {checked.upgraded_from}; it is now at {checked.revision}"
        )
    click.echo(
        "verified: the audit chain is intact and every count matches the backup"
        if checked.manifest_compared
        else "verified: the audit chain is intact (no manifest: row counts were not compared)"
    )


commands: list[click.Command] = [backup_command, restore_command]
