"""``factcheck webhooks add|list|remove|secret``: the same services as the admin page."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from factcheck.clitools import db_command
from factcheck.extensions import db
from factcheck.models import WEBHOOK_EVENTS
from factcheck.webhooks import services

webhooks_cli = AppGroup(
    "webhooks", help="Signed webhooks for CMSs: register, list and remove endpoints."
)


@webhooks_cli.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    required=True,
    type=click.Choice(WEBHOOK_EVENTS),
    help="An event to send (repeat the option for several).",
)
@click.option("--description", default="", help="What the endpoint is (shown on the page).")
@click.option("--inactive", is_flag=True, help="Register it without sending anything yet.")
@db_command
def add_command(url: str, events: tuple[str, ...], description: str, inactive: bool) -> None:
    """Register an endpoint; prints its signing secret."""
    endpoint = services.create_endpoint(
        db.session,
        {"url": url, "events": list(events), "description": description, "active": not inactive},
        actor=None,
    )
    click.echo(f"webhook #{endpoint.id} registered: {endpoint.url} ({', '.join(endpoint.events)})")
    click.echo(f"secret: {endpoint.secret}")


@webhooks_cli.command("list")
@db_command
def list_command() -> None:
    """Endpoints with their events, state and deliveries per state."""
    rows = services.list_endpoints(db.session)
    if not rows:
        click.echo("no webhook endpoints")
    for endpoint, counts in rows:
        state = "active" if endpoint.active else "inactive"
        tally = ", ".join(f"{n} {s}" for s, n in counts.items())
        click.echo(
            f"{endpoint.id:>4}  {endpoint.url}  [{state}]  {' '.join(endpoint.events)}  ({tally})"
        )


@webhooks_cli.command("remove")
@click.argument("endpoint")
@db_command
def remove_command(endpoint: str) -> None:
    """Remove the endpoint (by id or URL) and its deliveries."""
    found = services.find_endpoint(db.session, endpoint)
    services.remove_endpoint(db.session, found, actor=None)
    click.echo(f"webhook #{found.id} removed: {found.url}")


@webhooks_cli.command("secret")
@click.argument("endpoint")
@click.option("--rotate", is_flag=True, help="Replace it with a new one first.")
@db_command
def secret_command(endpoint: str, rotate: bool) -> None:
    """Print the endpoint's signing secret (by id or URL)."""
    found = services.find_endpoint(db.session, endpoint)
    if rotate:
        services.rotate_secret(db.session, found, actor=None)
    click.echo(found.secret)


commands: list[click.Command] = [webhooks_cli]
