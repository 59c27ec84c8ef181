"""The fact-check memory: other organisations' fact-checks we imported, and matches to claims."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, enum_column, utcnow

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.claim import Claim


class ImportedFactCheck(Base):
    """One ClaimReview published elsewhere, as imported (and updated when imported again).

    A review is the same one when its ``review_url`` is, or when its ``identity_key`` (publisher,
    claim and publication day) is. ``original`` keeps the JSON exactly as it came; the columns
    hold every field we model, so exporting a stored review gives back what was imported.
    """

    __tablename__ = "imported_fact_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_url: Mapped[str] = mapped_column(sa.String(2000), unique=True)
    identity_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    publisher_name: Mapped[str] = mapped_column(sa.Text)
    publisher_url: Mapped[str | None] = mapped_column(sa.Text)
    review_author_name: Mapped[str | None] = mapped_column(sa.Text)
    claim_reviewed: Mapped[str] = mapped_column(sa.Text)
    headline: Mapped[str | None] = mapped_column(sa.Text)
    claimant_name: Mapped[str | None] = mapped_column(sa.Text)
    claimant_type: Mapped[str | None] = mapped_column(sa.String(24))
    claimant_same_as: Mapped[str | None] = mapped_column(sa.Text)
    claim_date: Mapped[date | None]
    appearance_url: Mapped[str | None] = mapped_column(sa.Text)
    appearance_headline: Mapped[str | None] = mapped_column(sa.Text)
    appearance_is_first: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    rating_label: Mapped[str] = mapped_column(sa.Text)
    rating_value: Mapped[float | None]
    best_rating: Mapped[float | None]
    worst_rating: Mapped[float | None]
    rating_explanation: Mapped[str | None] = mapped_column(sa.Text)
    rating_description: Mapped[str | None] = mapped_column(sa.Text)
    date_published: Mapped[date | None]
    published_at: Mapped[datetime | None]
    date_modified: Mapped[date | None]
    modified_at: Mapped[datetime | None]
    language: Mapped[str] = mapped_column(sa.String(35))
    language_inferred: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    original: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.Text)
    imported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("length(review_url) > 0", name="review_url_not_empty"),
        sa.CheckConstraint("length(publisher_name) > 0", name="publisher_not_empty"),
        sa.CheckConstraint("length(claim_reviewed) > 0", name="claim_not_empty"),
        sa.CheckConstraint("length(rating_label) > 0", name="rating_label_not_empty"),
        sa.CheckConstraint("length(language) > 0", name="language_not_empty"),
        sa.CheckConstraint(
            "rating_value IS NULL OR best_rating IS NULL OR worst_rating IS NULL"
            " OR best_rating <= worst_rating"
            " OR (rating_value >= worst_rating AND rating_value <= best_rating)",
            name="rating_on_scale",
        ),
        sa.Index("ix_imported_fact_checks_published_at", "published_at"),
    )


class MatchDecision(enum.StrEnum):
    LINKED = "linked"  # added to the claim's sources
    DUPLICATE = "duplicate"  # the claim was dismissed as already checked by it


class ClaimMatch(Base):
    """An earlier fact-check that looks like a claim: ours (published) or imported.

    Recomputed when the claim is extracted or opened; ``reasons`` says why it matched (shared
    words, numbers, names, dates). Exactly one of the two targets is set.
    """

    __tablename__ = "claim_matches"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE"), index=True
    )
    fact_check_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("imported_fact_checks.id", ondelete="CASCADE"), index=True
    )
    published_claim_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("claims.id", ondelete="CASCADE")
    )
    rank: Mapped[int]
    score: Mapped[float]
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    decision: Mapped[MatchDecision | None] = mapped_column(
        enum_column(MatchDecision, "match_decision")
    )
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)

    fact_check: Mapped[ImportedFactCheck | None] = relationship(lazy="joined")
    published_claim: Mapped[Claim | None] = relationship(foreign_keys=[published_claim_id])

    __table_args__ = (
        sa.CheckConstraint(
            "(fact_check_id IS NULL) <> (published_claim_id IS NULL)", name="one_target"
        ),
        sa.CheckConstraint("rank >= 1", name="rank_positive"),
    )


class FollowedFeed(Base):
    """A feed (or page) of fact-checks that the worker imports on a schedule."""

    __tablename__ = "followed_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000), unique=True)
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    last_polled_at: Mapped[datetime | None]
    last_outcome: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.CheckConstraint("length(url) > 0", name="url_not_empty"),)
