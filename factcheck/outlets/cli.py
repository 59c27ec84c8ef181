"""``factcheck sources add|list|poll|pause|resume|remove|run`` (also ``factcheck outlets …``).

The issue calls followed outlets "sources"; in the code they are outlets, so that they are not
confused with the evidence attached to a claim.
"""

from __future__ import annotations

import sys
import time

import click
from flask.cli import AppGroup, with_appcontext

from factcheck.clitools import db_command
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.languages import LANGUAGE_CHOICES
from factcheck.outlets import services
from factcheck.outlets.polling import PollReport, poll_outlet
from factcheck.outlets.services import DEFAULT_INTERVAL_MINUTES
from factcheck.outlets.worker import run_round

HELP = "Follow outlets (RSS/Atom feeds, sitemaps, sites) and poll them for new articles."


def _group(name: str) -> AppGroup:
    return AppGroup(name, help=HELP)


def _when(value: object) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "never"  # type: ignore[attr-defined]


@click.command("add")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice(["site", "rss", "atom", "sitemap"]),
    default="site",
    show_default=True,
    help="What URL is; a site's feed or sitemap is found at the first poll.",
)
@click.option("--name", default=None, help="Name, recorded as the publisher of its articles.")
@click.option(
    "--lang",
    "language",
    type=click.Choice(LANGUAGE_CHOICES),
    default="auto",
    show_default=True,
    help="Language of its articles.",
)
@click.option(
    "--every",
    "interval_minutes",
    default=DEFAULT_INTERVAL_MINUTES,
    show_default=True,
    type=int,
    help="Minutes between polls.",
)
@db_command
def add_command(
    url: str, kind: str, name: str | None, language: str, interval_minutes: int
) -> None:
    """Follow the outlet at URL."""
    outlet = services.add_outlet(
        db.session,
        {
            "url": url,
            "kind": kind,
            "name": name,
            "language": language,
            "interval_minutes": interval_minutes,
        },
        actor=None,
    )
    click.echo(f"outlet #{outlet.id} followed: {outlet.url} ({outlet.kind.value})")


@click.command("list")
@db_command
def list_command() -> None:
    """List followed outlets: state, last and next poll, articles found, last error."""
    outlets = services.list_outlets(db.session)
    if not outlets:
        click.echo("no outlet is followed")
    for o in outlets:
        state = "paused" if o.paused else ("failing" if o.failures else "active")
        click.echo(
            f"{o.id:>4}  {o.kind.value:<7} {state:<7} last {_when(o.last_poll_at)}  "
            f"next {'—' if o.paused else _when(o.next_poll_at)}  "
            f"{o.articles_found:>5} articles  {o.url}"
        )
        if o.last_error:
            click.echo(f"      last error: {o.last_error}")


def _set_paused(ref: str, paused: bool) -> None:
    outlet = services.find_outlet(db.session, ref)
    services.set_paused(db.session, outlet, paused, actor=None)
    click.echo(f"outlet #{outlet.id} {'paused' if paused else 'resumed'}")


@click.command("pause")
@click.argument("ref")
@db_command
def pause_command(ref: str) -> None:
    """Stop polling an outlet (by id or URL) until it is resumed."""
    _set_paused(ref, True)


@click.command("resume")
@click.argument("ref")
@db_command
def resume_command(ref: str) -> None:
    """Poll an outlet (by id or URL) again, starting now."""
    _set_paused(ref, False)


@click.command("remove")
@click.argument("ref")
@db_command
def remove_command(ref: str) -> None:
    """Stop following an outlet (by id or URL); its articles stay."""
    outlet = services.find_outlet(db.session, ref)
    outlet_id = outlet.id
    services.remove_outlet(db.session, outlet, actor=None)
    click.echo(f"outlet #{outlet_id} removed")


def _describe(report: PollReport, url: str) -> str:
    if report.status == "failed":
        return f"#{report.outlet_id} {url}: FAILED — {report.error}"
    if report.status == "not_modified":
        return f"#{report.outlet_id} {url}: not modified (304), nothing new"
    if report.status == "skipped":
        return f"#{report.outlet_id} {url}: skipped (paused, not due, or taken by another worker)"
    line = f"#{report.outlet_id} {url}: {report.listed} listed, {report.new_articles} new articles"
    if report.errors:
        line += f"; {len(report.errors)} problems: " + " · ".join(report.errors[:3])
    return line


@click.command("poll")
@click.argument("refs", nargs=-1)
@click.option("--due", "due_only", is_flag=True, help="Only outlets whose poll is due.")
@with_appcontext
def poll_command(refs: tuple[str, ...], due_only: bool) -> None:
    """Poll outlets now (all that are not paused, or those named by id or URL).

    Shows a progress bar on a terminal. Each article is stored in its own transaction; exit 1
    when any poll failed.
    """
    try:
        if refs:
            targets = [services.find_outlet(db.session, r) for r in refs]
        elif due_only:
            targets = [services.get_outlet(db.session, i) for i in services.due_outlets(db.session)]
        else:
            targets = [o for o in services.list_outlets(db.session) if not o.paused]
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    work = [(o.id, o.url) for o in targets]
    db.session.rollback()
    if not work:
        click.echo("nothing to poll")
        return
    reports: list[tuple[PollReport, str]] = []
    force = not due_only
    if sys.stdout.isatty():
        with click.progressbar(
            work, label="Polling", item_show_func=lambda w: w[1][:50] if w else None
        ) as bar:
            for outlet_id, url in bar:
                reports.append((poll_outlet(outlet_id, force=force), url))
    else:
        for outlet_id, url in work:
            reports.append((poll_outlet(outlet_id, force=force), url))
    for report, url in reports:
        click.echo(_describe(report, url))
    total = sum(r.new_articles for r, _ in reports)
    click.echo(f"{len(reports)} outlets polled, {total} new articles")
    if any(r.status == "failed" for r, _ in reports):
        sys.exit(1)


@click.command("run")
@click.option("--once", is_flag=True, help="Do what is due now, then stop.")
@click.option("--sleep", "pause", default=30.0, show_default=True, help="Seconds between rounds.")
@with_appcontext
def run_command(once: bool, pause: float) -> None:
    """The scheduler: poll the outlets that are due and capture pending source snapshots."""

    while True:
        polled, captured = run_round()
        if polled or captured:
            click.echo(f"{polled} outlets polled, {captured} snapshots captured")
        if once:
            return
        time.sleep(pause)


def build(name: str) -> AppGroup:
    group = _group(name)
    for command in (
        add_command,
        list_command,
        poll_command,
        pause_command,
        resume_command,
        remove_command,
        run_command,
    ):
        group.add_command(command)
    return group


commands: list[click.Command] = [build("sources"), build("outlets")]
