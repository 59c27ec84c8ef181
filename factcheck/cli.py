"""The ``factcheck`` command line: thin Click commands that call the same services as the views."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup, FlaskGroup
from flask_migrate import upgrade

import factcheck
from factcheck.articles import cli as articles_cli
from factcheck.audit import cli as audit_cli
from factcheck.auth import cli as auth_cli
from factcheck.auth.services import create_user, list_users, parse_role
from factcheck.clitools import db_command, language_option, safe_url
from factcheck.config import ConfigError, settings
from factcheck.dashboard import cli as dashboard_cli
from factcheck.extensions import db
from factcheck.extraction import cli as extraction_cli
from factcheck.jobs import cli as jobs_cli
from factcheck.maintenance import cli as maintenance_cli
from factcheck.maintenance import roles
from factcheck.memory import cli as memory_cli
from factcheck.outlets import cli as outlets_cli
from factcheck.publishing import cli as publishing_cli
from factcheck.seeding import default_seeds_dir, load_seeds, publish_worked_example
from factcheck.webhooks import cli as webhooks_cli


@click.command("init")
@click.option(
    "--app-role",
    "app_role",
    default=None,
    metavar="NAME",
    help="PostgreSQL: also create (or re-grant) the login role NAME the app should use: it may "
    "read and write the data but not alter tables or their triggers.",
)
@db_command
def init_command(app_role: str | None) -> None:
    """Create or upgrade the database schema to the latest migration."""
    engine = db.engine
    if app_role is not None:
        if engine.dialect.name != "postgresql":
            raise click.ClickException(
                f"--app-role {app_role}: roles exist on PostgreSQL only; the configured "
                f"database is {engine.dialect.name} (its file is created 0600 instead); nothing "
                "was changed"
            )
        try:
            roles.check_role_name(app_role)
            with engine.connect() as conn:
                roles.check_app_role(conn, app_role)
        except roles.RoleError as exc:
            raise click.ClickException(f"{exc}; nothing was changed") from None
    upgrade()
    click.echo(f"database at head: {safe_url()}")
    if app_role is None:
        return
    try:
        with engine.begin() as conn:
            made = roles.ensure_app_role(conn, app_role)
    except roles.RoleError as exc:
        raise click.ClickException(str(exc)) from None
    except sa.exc.ProgrammingError as exc:
        raise click.ClickException(
            f"--app-role {app_role}: {str(exc.orig).strip()}; the role was not made (a role "
            "needs CREATEROLE to create another: create it as a superuser with CREATE ROLE "
            f"{app_role} LOGIN PASSWORD '…', then run init --app-role {app_role} again)"
        ) from None
    if made.created:
        assert made.password is not None
        url = engine.url.set(drivername="postgresql", username=made.name, password=made.password)
        click.echo(f"app role {made.name} created; its password is shown once, here:")
        click.echo(f"  DATABASE_URL={url.render_as_string(hide_password=False)}")
    else:
        click.echo(f"app role {made.name} exists; its password was not changed")
    click.echo(
        f"granted {made.name}: read and write the data, append to the audit trail; "
        "it cannot alter tables, disable triggers or change audit events"
    )


@click.command("seed")
@click.option(
    "--seeds",
    "seeds_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder of seed articles (default: seeds/).",
)
@click.option("--demo-users", is_flag=True, help="Also create the demo admin, editor and reviewer.")
@click.option(
    "--worked-example",
    is_flag=True,
    help="Also publish the worked example (M2 of the seed article), reviewed by the demo "
    "reviewer and approved by the demo editor; once.",
)
@db_command
def seed_command(seeds_dir: Path | None, demo_users: bool, worked_example: bool) -> None:
    """Load the seed articles and their claims, the default rating scales, and demo users."""
    folder = seeds_dir or Path(settings().seeds_dir or default_seeds_dir())
    report = load_seeds(db.session, folder, demo_users=demo_users)
    for result in report.articles:
        state = "loaded" if result.created else "already loaded"
        click.echo(
            f"article #{result.article.id} {state}: {result.article.title} "
            f"({len(result.claims)} new claims)"
        )
    if report.scales_created:
        click.echo(f"rating scales created: {report.scales_created}")
    if report.demo_credentials:
        click.echo("\nDemo users (these passwords are shown once; only their hashes are stored):")
        for email, password, role in report.demo_credentials:
            click.echo(f"  {role.value:<9} {email:<32} {password}")
        click.echo("")
    if worked_example:
        click.echo(publish_worked_example(db.session, folder).message)


users_cli = AppGroup("users", help="Manage newsroom users.")


def _read_password() -> str:
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    return sys.stdin.readline().rstrip("\r\n")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True, help="reviewer, editor or admin.")
@click.option(
    "--name", "display_name", default=None, help="Display name (default: from the email)."
)
@db_command
def users_create(email: str, role: str, display_name: str | None) -> None:
    """Create a user; the password is read from a prompt, or from stdin when piped."""
    parsed_role = parse_role(role)
    user = create_user(
        db.session,
        email=email,
        password=_read_password(),
        role=parsed_role,
        display_name=display_name,
        actor=None,
    )
    click.echo(f"created {user.role.value} {user.email} (#{user.id})")


@users_cli.command("list")
@db_command
def users_list() -> None:
    """List users with their role and whether they are active."""
    for user in list_users(db.session):
        state = "active" if user.active else "inactive"
        click.echo(
            f"{user.id:>4}  {user.role.value:<9} {state:<8} {user.email}  {user.display_name}"
        )


# Each workflow stage keeps its commands beside its services, in ``<package>/cli.py``.
COMMAND_MODULES = (
    audit_cli,
    articles_cli,
    extraction_cli,
    publishing_cli,
    memory_cli,
    maintenance_cli,
    outlets_cli,
    jobs_cli,
    dashboard_cli,  # adds ``export csv`` to the export group
    webhooks_cli,
    auth_cli,  # ``tokens``
)
__all__ = ["db_command", "language_option", "main", "register_commands", "safe_url"]


def register_commands(app: Flask) -> None:
    for command in (init_command, seed_command, users_cli):
        app.cli.add_command(command)
    for module in COMMAND_MODULES:
        for command in module.commands:
            app.cli.add_command(command)


def _create_app() -> Flask:
    try:
        return factcheck.create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


def main() -> None:
    """Entry point of the ``factcheck`` console script."""
    cli = FlaskGroup(
        create_app=_create_app,
        add_version_option=False,
        help="factcheck: the newsroom fact-check desk.",
    )
    cli.main(prog_name="factcheck")


if __name__ == "__main__":
    main()
