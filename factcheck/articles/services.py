"""Storing articles (and the claims extracted from them)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from factcheck.articles.parsing import ParsedArticle
from factcheck.audit.log import add_and_record
from factcheck.claims.services import add_extracted_claims
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import Article, Claim, User

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


def find_by_hash(session: DBSession, content_hash: str) -> Article | None:
    return session.scalar(sa.select(Article).where(Article.content_hash == content_hash))


def ingest_article(
    session: DBSession,
    parsed: ParsedArticle,
    *,
    actor: User | None,
    url: str | None = None,
    publisher: str | None = None,
    extract_claims: bool = True,
) -> IngestResult:
    """Store ``parsed`` and its check-worthy claims; the same body a second time is a no-op."""
    existing = find_by_hash(session, parsed.content_hash)
    if existing is not None:
        return IngestResult(article=existing, created=False)
    candidates = []
    if extract_claims:
        # spaCy loads once per process, on first use
        from factcheck.extraction import ExtractionError, extract

        try:
            candidates = extract(parsed.body, parsed.language)
        except ExtractionError as exc:
            raise ValidationError(str(exc), field="body") from None
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
        action="article.ingest",
        entity_type="article",
        data={"body_chars": len(article.body)},
    )
    claims = add_extracted_claims(session, article, candidates, actor=actor)
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
