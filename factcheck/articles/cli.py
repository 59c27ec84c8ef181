"""``factcheck ingest``: store articles from files, folders, web addresses or standard input.

Each item is read (a web page through the safe fetcher) and its claims extracted before its own
short write transaction opens, so a slow site never holds the database; one refused item does
not stop the others. ``--queue`` hands the items to the workers as jobs instead and follows them.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from factcheck.articles.jobs import INGEST_TEXT, INGEST_URL
from factcheck.articles.parsing import ParsedArticle, decode_text, parse_article
from factcheck.articles.reading import SUPPORTED_SUFFIXES, fetch_url, read_document, read_local
from factcheck.articles.services import (
    canonical_url,
    extract_candidates,
    find_by_url,
    ingest_article,
    url_key,
)
from factcheck.clitools import language_option, safe_url
from factcheck.database import write_intent
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.jobs import dispatch, submit
from factcheck.models import Job, JobState

STORED, KNOWN, REFUSED = "stored", "already known", "refused"


@dataclass
class Outcome:
    source: str
    state: str  # stored, already known, refused
    text: str


def read_source(source: str, language: str | None) -> tuple[ParsedArticle, str | None]:
    """Read an article from a path, an http(s) URL, or ``-`` for standard input."""
    if _is_url(source):
        return fetch_url(source, language=language), canonical_url(source)
    data = read_local(source)
    if source == "-":
        return parse_article(decode_text(data, name="standard input"), language=language), None
    return read_document(data, Path(source).name, language=language), None


def _is_url(source: str) -> bool:
    return source.lower().startswith(("http://", "https://"))


def expand_sources(sources: tuple[str, ...]) -> list[str]:
    """Folders become the supported files inside them (recursively, sorted, hidden ones
    skipped); files, URLs and ``-`` stay as given."""
    items: list[str] = []
    for source in sources:
        path = Path(source)
        if not _is_url(source) and source != "-" and path.is_dir():
            items.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            items.append(source)
    return items


def ingest_one(source: str, language: str | None, publisher: str | None) -> Outcome:
    """Read, extract, then store one item in its own write transaction."""
    try:
        if _is_url(source):
            known = find_by_url(db.session, source)
            if known is not None:
                return _known(source, known.id)
        db.session.commit()  # nothing stays open while we read, fetch and extract
        parsed, url = read_source(source, language)
        candidates = extract_candidates(parsed)
        with write_intent():
            result = ingest_article(
                db.session,
                parsed,
                actor=None,
                url=url,
                publisher=publisher,
                candidates=candidates,
            )
            db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return Outcome(source, REFUSED, f"{source}: refused: {exc.message}")
    article = result.article
    if not result.created:
        return _known(source, article.id)
    return Outcome(
        source,
        STORED,
        f"{source}: article #{article.id} stored: {article.title} "
        f"({article.language}, {len(result.claims)} claims)",
    )


def _known(source: str, article_id: int) -> Outcome:
    return Outcome(
        source, KNOWN, f"{source}: already known: article #{article_id} is already stored"
    )


def queue_one(
    source: str, language: str | None, publisher: str | None
) -> tuple[int | None, Outcome | None]:
    """Submit one item as a job; a file's text travels in the job (workers may be elsewhere)."""

    try:
        if _is_url(source):
            kind, key = INGEST_URL, url_key(source)
            payload: dict[str, Any] = {"url": source, "language": language, "publisher": publisher}
        else:
            data = read_local(source)
            name = "standard input" if source == "-" else Path(source).name
            text = decode_text(data, name=name)
            kind, key = INGEST_TEXT, "sha256:" + hashlib.sha256(data).hexdigest()
            payload = {
                "name": "" if source == "-" else Path(source).name,
                "text": text,
                "language": language,
                "publisher": publisher,
            }
        with write_intent():
            job, new = submit(db.session, kind, key=key, payload=payload, actor=None)
            db.session.commit()
        job_id = job.id
        if new:
            dispatch(job_id)
        return job_id, None
    except DomainError as exc:
        db.session.rollback()
        return None, Outcome(source, REFUSED, f"{source}: refused: {exc.message}")


def job_outcome(source: str, job_id: int) -> Outcome | None:
    """The outcome of a finished job, or ``None`` while it is queued or running."""

    job = db.session.get(Job, job_id)
    if job is None:
        return Outcome(source, REFUSED, f"{source}: refused: job #{job_id} disappeared")
    if job.state == JobState.FAILED:
        return Outcome(source, REFUSED, f"{source}: refused: {job.error}")
    if job.state != JobState.DONE:
        return None
    if (job.payload or {}).get("outcome") == KNOWN or job.article is None:
        return _known(source, job.article_id or 0)
    article = job.article
    return Outcome(
        source,
        STORED,
        f"{source}: article #{article.id} stored: {article.title} "
        f"({article.language}, {len(article.claims)} claims)",
    )


class _Progress:
    """A progress bar on a terminal (tqdm, on stderr); plain lines everywhere else."""

    def __init__(self, total: int) -> None:
        self.bar: Any = None
        if total > 1 and sys.stdout.isatty():
            from tqdm import tqdm  # only for a terminal: a progress bar costs nothing otherwise

            self.bar = tqdm(total=total, unit="item", file=sys.stderr, dynamic_ncols=True)

    def report(self, outcome: Outcome) -> None:
        if self.bar is not None:
            self.bar.write(outcome.text, file=sys.stdout)
            self.bar.update(1)
        else:
            click.echo(outcome.text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@click.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@language_option("articles")
@click.option("--publisher", default=None, help="Publisher to record with the articles.")
@click.option(
    "--queue",
    "use_queue",
    is_flag=True,
    help="Hand the items to the workers as jobs (factcheck worker) and follow them.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="With --queue: wait for every job to finish (else print the job ids and return).",
)
@with_appcontext
def ingest_command(
    sources: tuple[str, ...], language: str, publisher: str | None, use_queue: bool, wait: bool
) -> None:
    """Store articles: FILEs, FOLDERs (their .txt/.md/.html files), URLs, or - for stdin.

    Reports each item (stored / already known / refused and why); exits 1 if any was refused.
    """
    lang = None if language == "auto" else language
    items = expand_sources(sources)
    if not items:
        raise click.ClickException("nothing to ingest: the folders hold no .txt, .md or .html file")
    try:
        outcomes = (
            _run_queued(items, lang, publisher, wait)
            if use_queue
            else _run_here(items, lang, publisher)
        )
    except sa.exc.OperationalError as exc:
        db.session.rollback()
        raise click.ClickException(
            f"database unreachable ({safe_url()}): {exc.orig or exc}".strip()
        ) from None
    refused = sum(o.state == REFUSED for o in outcomes)
    if len(items) > 1:
        stored = sum(o.state == STORED for o in outcomes)
        known = sum(o.state == KNOWN for o in outcomes)
        click.echo(f"{len(items)} items: {stored} stored, {known} already known, {refused} refused")
    if refused:
        sys.exit(1)


def _run_here(items: list[str], language: str | None, publisher: str | None) -> list[Outcome]:
    progress = _Progress(len(items))
    outcomes = []
    try:
        for source in items:
            outcome = ingest_one(source, language, publisher)
            outcomes.append(outcome)
            progress.report(outcome)
    finally:
        progress.close()
    return outcomes


def _run_queued(
    items: list[str], language: str | None, publisher: str | None, wait: bool
) -> list[Outcome]:
    progress = _Progress(len(items))
    outcomes: list[Outcome] = []
    pending: dict[int, str] = {}
    try:
        for source in items:
            job_id, refused = queue_one(source, language, publisher)
            if refused is not None:
                outcomes.append(refused)
                progress.report(refused)
            elif job_id is not None:
                pending[job_id] = source
        if not wait:
            for job_id, source in pending.items():
                click.echo(f"{source}: queued as job #{job_id}")
            return outcomes
        for outcome in _follow(pending):
            outcomes.append(outcome)
            progress.report(outcome)
    finally:
        progress.close()
    return outcomes


def _follow(pending: dict[int, str]) -> Iterator[Outcome]:
    delay = 0.05
    while pending:
        db.session.rollback()  # a fresh snapshot each round
        for job_id, source in list(pending.items()):
            outcome = job_outcome(source, job_id)
            if outcome is not None:
                del pending[job_id]
                yield outcome
        if pending:
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)


commands: list[click.Command] = [ingest_command]
