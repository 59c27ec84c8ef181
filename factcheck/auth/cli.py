"""``factcheck tokens``: personal access tokens for the API, made, listed and revoked."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from factcheck.auth import tokens as token_services
from factcheck.clitools import db_command
from factcheck.extensions import db
from factcheck.models import Scope, User, utcnow

tokens_cli = AppGroup("tokens", help="Personal access tokens for the API (/api/v1).")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for, e.g. 'CMS'.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    type=click.Choice([s.value for s in Scope]),
    help="May be given several times: read, ingest, review, publish.",
)
@click.option(
    "--expires",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Last day (UTC) the token works, YYYY-MM-DD; default: never expires.",
)
@db_command
def tokens_create(email: str, name: str, scopes: tuple[str, ...], expires: datetime | None) -> None:
    """Make a token for the user EMAIL; it is printed once (only its hash is stored)."""
    user = token_services.find_user(db.session, email)
    made = token_services.create_token(
        db.session,
        user,
        name=name,
        scopes=scopes,
        expires=expires.date() if expires else None,
        actor=None,
    )
    token = made.token
    until = token.expires_at.isoformat() if token.expires_at else "never"
    click.echo(
        f"token #{token.id} {token.name!r} for {user.email}: scopes {token.scopes}; expires {until}"
    )
    click.echo("Copy it now: it is shown only once.", err=True)
    click.echo(made.secret)


@tokens_cli.command("list")
@click.option("--user", "email", default=None, help="Only this user's tokens.")
@db_command
def tokens_list(email: str | None) -> None:
    """List tokens (never the tokens themselves): id, prefix, user, scopes, state."""
    user: User | None = token_services.find_user(db.session, email) if email else None
    now = utcnow()
    for token in token_services.tokens_of(db.session, user):
        used = token.last_used_at.isoformat(timespec="minutes") if token.last_used_at else "never"
        click.echo(
            f"{token.id:>4}  {token.prefix}…  {token.state(now):<8} {token.user.email:<28} "
            f"{token.scopes:<28} used {used}  {token.name}"
        )


@tokens_cli.command("revoke")
@click.argument("token_id", type=click.IntRange(1, 2**63 - 1))
@db_command
def tokens_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID at once (recorded in the audit trail as done by the system)."""
    token = token_services.get_token(db.session, token_id)
    if token_services.revoke_token(db.session, token, actor=None):
        click.echo(f"token #{token.id} ({token.prefix}…) revoked")
    else:
        click.echo(f"token #{token.id} ({token.prefix}…) was already revoked")


commands = [tokens_cli]
