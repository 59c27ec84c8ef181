"""Evidence, verdicts and internal notes attached to a claim."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, enum_column, utcnow
from factcheck.validation import MAX_PUBLISHER_LENGTH, MAX_TITLE_LENGTH

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.claim import Claim
    from factcheck.models.outlet import SourceSnapshot
    from factcheck.models.rating import RatingValue
    from factcheck.models.user import User


class Stance(enum.StrEnum):
    SUPPORTS = "supports"
    REFUTES = "refutes"
    CONTEXT = "context"


class VerdictState(enum.StrEnum):
    DRAFT = "draft"  # being written by the reviewer (also after changes were requested)
    PROPOSED = "proposed"  # awaiting an editor's approval
    APPROVED = "approved"  # the published verdict
    SUPERSEDED = "superseded"  # an approved verdict replaced by a correction; kept on record
    DISCARDED = "discarded"  # a correction draft an editor dropped before it was approved


# A proposal awaiting approval is a PROPOSED verdict: the reviewer's (``corrects_id`` NULL) or an
# editor's correction of the published verdict (``corrects_id`` set, the claim stays published).
PUBLISHED_STATES = (VerdictState.APPROVED, VerdictState.SUPERSEDED)
SNAPSHOT_FIELDS = (
    "snapshot_label",
    "snapshot_value",
    "snapshot_best",
    "snapshot_worst",
    "snapshot_definition",
    "snapshot_scale",
    "snapshot_language",
)


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    url: Mapped[str] = mapped_column(sa.String(2000))
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE_LENGTH))
    publisher: Mapped[str | None] = mapped_column(sa.String(MAX_PUBLISHER_LENGTH))
    date_published: Mapped[date | None]
    date_accessed: Mapped[date | None]
    excerpt: Mapped[str | None] = mapped_column(sa.Text)
    stance: Mapped[Stance] = mapped_column(enum_column(Stance, "stance"))
    archive_url: Mapped[str | None] = mapped_column(sa.String(2000))
    added_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    claim: Mapped[Claim] = relationship(back_populates="sources")
    added_by: Mapped[User] = relationship()
    snapshots: Mapped[list[SourceSnapshot]] = relationship(
        back_populates="source",
        order_by="SourceSnapshot.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
        lazy="selectin",  # the desk lists them per source: one query for all, not one each
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name="url_http"),
        sa.CheckConstraint(
            "archive_url IS NULL OR archive_url LIKE 'http://%' OR archive_url LIKE 'https://%'",
            name="archive_url_http",
        ),
    )


class Verdict(Base):
    __tablename__ = "verdicts"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    rating_value_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rating_values.id"))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[VerdictState] = mapped_column(
        enum_column(VerdictState, "state"), default=VerdictState.DRAFT
    )
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    proposed_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    review_comment: Mapped[str | None] = mapped_column(sa.Text)
    corrects_id: Mapped[int | None] = mapped_column(sa.ForeignKey("verdicts.id"))
    correction_note: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Who last changed the rating or text: they may not approve it (the two-person rule).
    last_edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    # What was proposed: the draft's version and a digest of the claim wording, sources, verdict
    # and rating as they stood (``review.proposal``). Approval refuses when they moved since.
    proposed_version: Mapped[int | None]
    proposed_digest: Mapped[str | None] = mapped_column(sa.String(200))
    # The rating as published, copied at approval: public pages, the feed and exports read these,
    # so nothing done to the rating scales later changes a published fact-check.
    snapshot_label: Mapped[str | None] = mapped_column(sa.String(80))
    snapshot_value: Mapped[int | None]
    snapshot_best: Mapped[int | None]
    snapshot_worst: Mapped[int | None]
    snapshot_definition: Mapped[str | None] = mapped_column(sa.Text)
    snapshot_scale: Mapped[str | None] = mapped_column(sa.String(120))
    snapshot_language: Mapped[str | None] = mapped_column(sa.String(8))
    # True only for corrections one editor published alone before migration 0009 made
    # corrections follow the two-person rule; no service ever sets it.
    approved_alone: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    claim: Mapped[Claim] = relationship(back_populates="verdicts", foreign_keys=[claim_id])
    rating: Mapped[RatingValue | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    last_edited_by: Mapped[User | None] = relationship(foreign_keys=[last_edited_by_id])
    corrects: Mapped[Verdict | None] = relationship(remote_side=[id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint(
            "state NOT IN ('proposed', 'approved', 'superseded') OR "
            "(proposed_by_id IS NOT NULL AND proposed_at IS NOT NULL "
            "AND rating_value_id IS NOT NULL AND length(summary) > 0)",
            name="proposed_is_complete",
        ),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'superseded') OR "
            "(approved_by_id IS NOT NULL AND approved_at IS NOT NULL)",
            name="approved_has_approver",
        ),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR approved_by_id <> proposed_by_id "
            "OR (approved_alone AND corrects_id IS NOT NULL)",
            name="two_person_rule",
        ),
        sa.CheckConstraint(
            "approved_by_id IS NULL OR last_edited_by_id IS NULL "
            "OR approved_by_id <> last_edited_by_id",
            name="approver_did_not_write",
        ),
        sa.CheckConstraint(
            "state NOT IN ('approved', 'superseded') OR (snapshot_label IS NOT NULL "
            "AND snapshot_value IS NOT NULL AND snapshot_best IS NOT NULL "
            "AND snapshot_worst IS NOT NULL AND snapshot_definition IS NOT NULL "
            "AND snapshot_scale IS NOT NULL AND snapshot_language IS NOT NULL)",
            name="published_has_snapshot",
        ),
        sa.CheckConstraint(
            "state <> 'discarded' OR corrects_id IS NOT NULL", name="only_corrections_discarded"
        ),
        sa.CheckConstraint(
            "corrects_id IS NULL OR (correction_note IS NOT NULL AND length(correction_note) > 0)",
            name="correction_has_note",
        ),
    )


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(sa.ForeignKey("claims.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    claim: Mapped[Claim] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()

    __table_args__ = (sa.CheckConstraint("length(body) > 0", name="body_not_empty"),)
