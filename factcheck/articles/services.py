"""Storing articles (and the claims extracted from them)."""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa

from factcheck.articles.parsing import ParsedArticle
from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record
from factcheck.claims.services import add_extracted_claims
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.extraction import ExtractionError, extract
from factcheck.jobs import submit
from factcheck.memory.desk import store_claims_matches
from factcheck.models import Article, Claim, Job, User

# The jobs that ingest an article (declared in ``articles/jobs.py``).
INGEST_URL = "articles.ingest_url"
INGEST_TEXT = "articles.ingest_text"

ARTICLE_FIELDS = (
    "title",
    "headline",
    "byline",
    "publisher",
    "url",
    "published_on",
    "language",
    "content_hash",
)


@dataclass
class IngestResult:
    article: Article
    created: bool
    claims: list[Claim] = field(default_factory=list)


TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "xtor")


def find_by_hash(session: DBSession, content_hash: str) -> Article | None:
    return session.scalar(sa.select(Article).where(Article.content_hash == content_hash))


def find_by_url(session: DBSession, url: str) -> Article | None:
    """The article stored from ``url`` (canonical form), if any."""
    return session.scalar(
        sa.select(Article).where(Article.url == canonical_url(url)).order_by(Article.id).limit(1)
    )


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, credentials,
    fragment or tracking parameters (``utm_*``, ``fbclid``…), ``/`` for an empty path."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        if ipaddress.ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:
        pass
    try:
        port = parts.port
    except ValueError:
        port = None
    if port and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith(TRACKING_PARAMS)
        ]
    )
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


def url_key(url: str) -> str:
    """The idempotency key of ingesting ``url``: its canonical form, hashed to a fixed length."""
    return "url:" + hashlib.sha256(canonical_url(url).encode()).hexdigest()


def extract_candidates(parsed: ParsedArticle) -> list[Any]:
    """The check-worthy sentences of ``parsed``: slow (spaCy), so call it outside transactions."""

    try:
        return list(extract(parsed.body, parsed.language, headline=parsed.headline or ""))
    except ExtractionError as exc:
        raise ValidationError(str(exc), field="text") from None


def ingest_article(
    session: DBSession,
    parsed: ParsedArticle,
    *,
    actor: User | None,
    url: str | None = None,
    publisher: str | None = None,
    extract_claims: bool = True,
    candidates: list[Any] | None = None,
) -> IngestResult:
    """Store ``parsed`` and its check-worthy claims; the same body a second time is a no-op.

    Pass ``candidates`` from :func:`extract_candidates`, computed before the write transaction
    opened; without them (and with ``extract_claims``) extraction runs here, inside it.
    """
    existing = find_by_hash(session, parsed.content_hash)
    if existing is not None:
        return IngestResult(article=existing, created=False)
    if candidates is None:
        candidates = extract_candidates(parsed) if extract_claims else []
    article = Article(
        title=parsed.title,
        headline=parsed.headline,
        byline=parsed.byline,
        publisher=publisher,
        url=url,
        language=parsed.language,
        body=parsed.body,
        raw=parsed.raw,
        content_hash=parsed.content_hash,
        created_by_id=actor.id if actor else None,
    )
    add_and_record(
        session,
        article,
        ARTICLE_FIELDS,
        actor=actor,
        action=AuditAction.ARTICLE_INGEST,
        entity_type="article",
        data={"body_chars": len(article.body)},
    )
    claims = add_extracted_claims(session, article, candidates, actor=actor)

    store_claims_matches(session, claims)
    return IngestResult(article=article, created=True, claims=claims)


def list_articles(session: DBSession) -> list[tuple[Article, int]]:
    """Articles, newest first, with their claim counts."""
    rows = session.execute(
        sa.select(Article, sa.func.count(Claim.id))
        .outerjoin(Claim, Claim.article_id == Article.id)
        .group_by(Article.id)
        .order_by(Article.created_at.desc(), Article.id.desc())
    )
    return [(a, n) for a, n in rows]


@dataclass
class UrlRequest:
    """What asking for a web page gave: its article if already on the desk, else its job."""

    article: Article | None = None
    job: Job | None = None
    dispatch: bool = False


def request_url_ingest(
    session: DBSession,
    url: str,
    *,
    actor: User | None,
    language: str | None = None,
    publisher: str | None = None,
) -> UrlRequest:
    """The article already stored from ``url``, or the (idempotent) job that will fetch it.

    Check the address with ``factcheck.fetching.check_url`` before the transaction opens
    (it resolves the host name); the job fetches it, off the request path.
    """

    known = find_by_url(session, url)
    if known is not None:
        return UrlRequest(article=known)
    payload = {"url": url, "language": language, "publisher": publisher}
    job, new = submit(session, INGEST_URL, key=url_key(url), payload=payload, actor=actor)
    return UrlRequest(job=job, dispatch=new)


def ingestion_jobs(session: DBSession, article: Article) -> list[Job]:
    """The jobs that made (or found) ``article``, newest first: shown on its page."""
    return list(
        session.scalars(
            sa.select(Job).where(Job.article_id == article.id).order_by(Job.id.desc()).limit(5)
        )
    )
