"""``factcheck ingest``: store an article from a file, a web address or standard input."""

from __future__ import annotations

from pathlib import Path

import click

from factcheck.articles.parsing import ParsedArticle, decode_text, parse_article
from factcheck.articles.reading import fetch_url, read_document, read_local
from factcheck.articles.services import ingest_article
from factcheck.cli import db_command, language_option
from factcheck.extensions import db


def read_source(source: str, language: str | None) -> tuple[ParsedArticle, str | None]:
    """Read an article from a path, an http(s) URL, or ``-`` for standard input."""
    if source.startswith(("http://", "https://")):
        return fetch_url(source, language=language), source
    data = read_local(source)
    if source == "-":
        return parse_article(decode_text(data, name="standard input"), language=language), None
    return read_document(data, Path(source).name, language=language), None


@click.command("ingest")
@click.argument("source")
@language_option("article")
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
