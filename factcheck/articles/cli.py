"""``factcheck ingest``: store an article from a file, a web address or standard input."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from factcheck.articles.parsing import ParsedArticle, decode_text, parse_article
from factcheck.articles.reading import MAX_DOCUMENT_BYTES, fetch_url, read_document
from factcheck.articles.services import ingest_article
from factcheck.cli import db_command
from factcheck.domain import ValidationError
from factcheck.extensions import db


def read_source(source: str, language: str | None) -> tuple[ParsedArticle, str | None]:
    """Read an article from a path, an http(s) URL, or ``-`` for standard input."""
    if source.startswith(("http://", "https://")):
        allow = bool(current_app.config["FETCH_ALLOW_PRIVATE"])
        return fetch_url(source, allow_private=allow, language=language), source
    if source == "-":
        data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
        if len(data) > MAX_DOCUMENT_BYTES:
            raise ValidationError(f"standard input is larger than {MAX_DOCUMENT_BYTES:,} bytes")
        return parse_article(decode_text(data, name="standard input"), language=language), None
    path = Path(source)
    if not path.is_file():
        raise ValidationError(f"{source}: no such file")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"{source} is too large ({path.stat().st_size:,} bytes; the limit is "
            f"{MAX_DOCUMENT_BYTES:,})"
        )
    return read_document(path.read_bytes(), path.name, language=language), None


@click.command("ingest")
@click.argument("source")
@click.option(
    "--lang",
    "language",
    type=click.Choice(["auto", "fr", "en"]),
    default="auto",
    show_default=True,
    help="Language of the article.",
)
@click.option("--publisher", default=None, help="Publisher to record with the article.")
@db_command
def ingest_command(source: str, language: str, publisher: str | None) -> None:
    """Store an article (FILE, URL or - for stdin) and its check-worthy claims."""
    parsed, url = read_source(source, None if language == "auto" else language)
    result = ingest_article(db.session, parsed, actor=None, url=url, publisher=publisher)
    if result.created:
        click.echo(
            f"article #{result.article.id} stored: {result.article.title} "
            f"({result.article.language}, {len(result.claims)} claims)"
        )
    else:
        click.echo(f"article #{result.article.id} is already stored; nothing was added")


commands: list[click.Command] = [ingest_command]
