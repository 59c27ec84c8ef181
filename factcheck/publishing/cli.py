"""Command-line commands of this stage (registered by factcheck.cli)."""

import click

commands: list[click.Command] = []
