"""Ingestion jobs: a web page (fetched by a worker) or a document's text, stored as an article.

Everything slow happens before the one write transaction: fetching (bounded by the fetch
deadline), parsing and claim extraction. The article, its claims, its audit event and the job's
``done`` state then commit together, so a worker killed at any point leaves either nothing or
the whole article — never half of one.
"""

from __future__ import annotations

from pathlib import PurePath

import sqlalchemy as sa

from factcheck.articles.parsing import ParsedArticle, parse_article
from factcheck.articles.reading import fetch_url, read_document
from factcheck.articles.services import (
    INGEST_TEXT,
    INGEST_URL,
    canonical_url,
    extract_candidates,
    find_by_hash,
    find_by_url,
    ingest_article,
)
from factcheck.extensions import db
from factcheck.jobs import RunningJob, tracked_job
from factcheck.models import User


@tracked_job(INGEST_URL, max_attempts=4, backoff=10.0)
def ingest_url(job: RunningJob) -> None:
    """Fetch ``payload["url"]`` through the safe fetcher and store its article."""
    url = canonical_url(job.payload["url"])
    known = find_by_url(db.session, url)
    if known is not None:
        job.result(article_id=known.id, outcome="already known")
        return
    db.session.commit()  # no transaction stays open while we fetch
    parsed = fetch_url(job.payload["url"], language=job.payload.get("language"))
    store(job, parsed, url=url)


@tracked_job(INGEST_TEXT, max_attempts=2, backoff=5.0)
def ingest_text(job: RunningJob) -> None:
    """Store a document handed over as text (``name`` picks the reader by its extension)."""
    name = job.payload.get("name") or "article.txt"
    language = job.payload.get("language")
    data = job.payload["text"].encode("utf-8")
    if PurePath(name).suffix:
        parsed = read_document(data, name, language=language)
    else:
        parsed = parse_article(job.payload["text"], language=language)
    store(job, parsed, url=None)


def store(job: RunningJob, parsed: ParsedArticle, *, url: str | None) -> None:
    """Extract, then store ``parsed`` in the job's write transaction (idempotent by content)."""
    known = find_by_hash(db.session, parsed.content_hash)
    db.session.commit()
    if known is not None:
        with job.finish():
            job.result(article_id=known.id, outcome="already known")
        return
    candidates = extract_candidates(parsed)
    try:
        with job.finish() as session:
            actor = session.get(User, job.created_by_id) if job.created_by_id else None
            result = ingest_article(
                session,
                parsed,
                actor=actor,
                url=url,
                publisher=job.payload.get("publisher"),
                candidates=candidates,
            )
            job.result(
                article_id=result.article.id,
                outcome="stored" if result.created else "already known",
            )
    except sa.exc.IntegrityError:
        # Another worker stored the same text a moment ago: that article is this job's result.
        with job.finish() as session:
            existing = find_by_hash(session, parsed.content_hash)
            if existing is None:
                raise
            job.result(article_id=existing.id, outcome="already known")
