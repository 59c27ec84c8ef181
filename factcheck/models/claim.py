"""Claims: a check-worthy sentence and where it stands in the review workflow."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck import textsearch
from factcheck.models.base import Base, enum_column, utcnow
from factcheck.validation import MAX_CLAIM_REVIEWED_LENGTH, MAX_TITLE_LENGTH

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.article import Article
    from factcheck.models.review import Note, Source, Verdict
    from factcheck.models.user import User


class ClaimStatus(enum.StrEnum):
    NEW = "new"
    QUEUED = "queued"
    DISMISSED = "dismissed"
    IN_REVIEW = "in_review"
    AWAITING_APPROVAL = "awaiting_approval"
    PUBLISHED = "published"


class ClaimantType(enum.StrEnum):
    PERSON = "Person"
    ORGANIZATION = "Organization"


CLAIM_REVIEWED_RECOMMENDED_LENGTH = 75


def _search_words_of_row(context: Any) -> str:
    """The default of ``claims.search_words``: worked out from the row being inserted, so a bulk
    ``INSERT`` of claims (``session.execute(sa.insert(Claim), rows)``) is searchable too."""
    row = context.get_current_parameters()
    return textsearch.document(row.get("text"), row.get("claimant_name"), row.get("language"))


class Claim(Base):
    __tablename__ = "claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("articles.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    start_offset: Mapped[int | None]
    end_offset: Mapped[int | None]
    claim_reviewed: Mapped[str] = mapped_column(sa.String(MAX_CLAIM_REVIEWED_LENGTH))
    claimant_name: Mapped[str | None] = mapped_column(sa.String(200))
    claimant_type: Mapped[ClaimantType | None] = mapped_column(
        enum_column(ClaimantType, "claimant_type")
    )
    claimant_same_as: Mapped[str | None] = mapped_column(sa.String(2000))
    claim_date: Mapped[date | None]
    appearance_url: Mapped[str | None] = mapped_column(sa.String(2000))
    appearance_headline: Mapped[str | None] = mapped_column(sa.String(MAX_TITLE_LENGTH))
    language: Mapped[str] = mapped_column(sa.String(8))
    # The words the queue searches (factcheck.textsearch.document of text, claimant, language),
    # indexed by migration 0020. Set on insert and whenever those change through the ORM; a raw
    # UPDATE of them must set it too. Deferred: nothing but the search reads it.
    search_words: Mapped[str] = mapped_column(
        sa.Text, default=_search_words_of_row, server_default="", deferred=True
    )
    score: Mapped[float | None]
    # Version (SHA-256 prefix) of the weights that scored an extracted claim; None by hand.
    model_version: Mapped[str | None] = mapped_column(sa.String(32))
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    quantities: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    status: Mapped[ClaimStatus] = mapped_column(
        enum_column(ClaimStatus, "status"), default=ClaimStatus.NEW
    )
    dismiss_reason: Mapped[str | None] = mapped_column(sa.String(500))
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("claims.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    priority: Mapped[int] = mapped_column(default=0, server_default="0")
    published_verdict_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("verdicts.id", use_alter=True, name="fk_claims_published_verdict_id_verdicts")
    )
    slug: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    published_at: Mapped[datetime | None]
    # A worked example seeded by `factcheck seed --worked-example`; its public page says so.
    is_example: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    article: Mapped[Article | None] = relationship(back_populates="claims")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    sources: Mapped[list[Source]] = relationship(
        back_populates="claim", order_by="Source.id", cascade="all, delete-orphan"
    )
    verdicts: Mapped[list[Verdict]] = relationship(
        back_populates="claim", order_by="Verdict.id", foreign_keys="Verdict.claim_id"
    )
    published_verdict: Mapped[Verdict | None] = relationship(
        foreign_keys=[published_verdict_id], post_update=True
    )
    notes: Mapped[list[Note]] = relationship(back_populates="claim", order_by="Note.id")

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'dismissed' OR (dismiss_reason IS NOT NULL AND length(dismiss_reason) > 0)",
            name="dismissed_has_reason",
        ),
        sa.CheckConstraint(
            "status <> 'published' OR published_verdict_id IS NOT NULL",
            name="published_has_verdict",
        ),
        sa.CheckConstraint(
            "status NOT IN ('in_review', 'awaiting_approval') OR assignee_id IS NOT NULL",
            name="in_review_has_assignee",
        ),
        sa.CheckConstraint(
            "(start_offset IS NULL AND end_offset IS NULL) OR "
            "(article_id IS NOT NULL AND start_offset >= 0 AND end_offset > start_offset)",
            name="span_within_article",
        ),
        sa.CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score_range"),
        sa.CheckConstraint("priority BETWEEN 0 AND 3", name="priority_range"),
        sa.CheckConstraint("length(text) > 0", name="text_not_empty"),
        sa.Index("ix_claims_created_at", "created_at"),
        # Lookups by assignee, and the header's count of the claims one holds, from the index
        # alone (migration 0022).
        sa.Index("ix_claims_assignee_status", "assignee_id", "status"),
        # The dashboard's claims published in a date range (migration 0022).
        sa.Index("ix_claims_published_at", "published_at"),
        # The queue's sort indexes (NULLS LAST differs by database) live in migration 0005.
    )

    @property
    def is_published(self) -> bool:
        return self.status is ClaimStatus.PUBLISHED

    def __repr__(self) -> str:
        return f"<Claim {self.id} {self.status} {self.text[:40]!r}>"


# The columns a claim's search words are made of.
SEARCHED_FIELDS = ("text", "claimant_name", "language")


@sa.event.listens_for(Claim, "before_update")
def _keep_search_words(mapper: Any, connection: Any, claim: Claim) -> None:
    """Work the search words out again when the text, claimant or language changes."""
    state = sa.inspect(claim)
    if any(state.attrs[name].history.has_changes() for name in SEARCHED_FIELDS):
        claim.search_words = textsearch.document(claim.text, claim.claimant_name, claim.language)


class ClaimStatusCount(Base):
    """How many claims are in each status and language, kept by database triggers (migrations
    0019 and 0024).

    Every insert, delete and change of status or language of a claim updates its rows in the
    same statement's transaction, whoever writes (the services, a bulk ``UPDATE``, a restore):
    the queue reads its unfiltered counts, and those of one language, here instead of counting
    the claims, and can never show them stale.
    """

    __tablename__ = "claim_status_counts"

    status: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    n: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
