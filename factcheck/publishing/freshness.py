"""The feed's validators move with its bytes: a revision replaced by every change to the output.

The feed's ETag used to be made of the count of published reviews and the latest publication
date, so a scale edit (a definition, a new best value) changed its bytes under an unchanged
ETag and aggregators got 304 for stale data. Listing every service that can change published
markup, and remembering to add the next one, is how that happened; so the rule lives here, once,
as a ``before_flush`` listener that looks at what the flush is about to write:

* a claim that is (or was) published, where a column the ClaimReview reads changes, or a
  published claim is inserted or deleted;
* the published verdict of a published claim, where a column the ClaimReview reads changes
  (its summary, dates, or the rating snapshot taken at approval).

Rating scales are not watched: a published verdict shows its snapshot, so nothing done to a
scale changes the published bytes (and so it must not change the ETag either).

Such a flush replaces the one-row ``feed_revision`` token (in the same transaction, so the token
commits or rolls back with the change). A flush that changes nothing the markup shows (a draft
verdict, a note, any edit of a rating scale) leaves it: same
bytes, same ETag. The organisation settings are not tracked here: the feed's ETag includes
their values directly (they may come from the configuration, which no flush sees).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from factcheck.database import DBSession
from factcheck.models import SNAPSHOT_FIELDS, Claim, ClaimStatus, Verdict, utcnow
from factcheck.models.feed import FEED_REVISION_ID, FeedRevision

# Columns the ClaimReview builder reads (publishing.services.published_select).
CLAIM_OUTPUT = (
    "status",
    "slug",
    "claim_reviewed",
    "language",
    "published_at",
    "published_verdict_id",
    "published_verdict",  # set through the relationship, the id follows only at flush time
    "claimant_name",
    "claimant_type",
    "claimant_same_as",
    "claim_date",
    "appearance_url",
    "appearance_headline",
)
VERDICT_OUTPUT = ("summary", "approved_at", "corrects_id", *SNAPSHOT_FIELDS)


def _changed(obj: Any, names: Iterable[str]) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


def _was_published(claim: Claim) -> bool:
    history = sa.inspect(claim).attrs["status"].history
    return claim.status is ClaimStatus.PUBLISHED or ClaimStatus.PUBLISHED in (history.deleted or ())


def _is_published_verdict(session: Session, verdict_id: int) -> bool:
    """Whether the verdict is the published verdict of a published claim."""
    query = sa.select(
        sa.exists()
        .where(Claim.status == ClaimStatus.PUBLISHED)
        .where(Claim.published_verdict_id == verdict_id)
    )
    return bool(session.scalar(query))


def shapes_output(session: Session) -> bool:
    """Whether the pending flush changes anything the published ClaimReviews show."""
    for obj in session.new:
        if isinstance(obj, Claim) and obj.status is ClaimStatus.PUBLISHED:
            return True
    for obj in session.deleted:
        if isinstance(obj, Claim) and _was_published(obj):
            return True
    for obj in session.dirty:
        if isinstance(obj, Claim) and _changed(obj, CLAIM_OUTPUT) and _was_published(obj):
            return True
        if (
            isinstance(obj, Verdict)
            and obj.id is not None
            and _changed(obj, VERDICT_OUTPUT)
            and _is_published_verdict(session, obj.id)
        ):
            return True
    return False


def bump(session: Session, *, now: datetime | None = None) -> str:
    """Replace the feed's revision token (in the session's transaction); return the new one."""
    token = secrets.token_hex(16)
    values = {"token": token, "changed_at": now or utcnow()}
    table = sa.Table("feed_revision", FeedRevision.metadata)  # the mapped Table, typed as one
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(id=FEED_REVISION_ID, **values)
        .on_conflict_do_update(index_elements=[table.c.id], set_=values)
    )
    session.execute(statement)
    return token


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    if shapes_output(session):
        bump(session)


def install() -> None:
    """Listen to every session's flushes (once per process)."""
    if not sa.event.contains(Session, "before_flush", _before_flush):
        sa.event.listen(Session, "before_flush", _before_flush)


def current(session: DBSession) -> FeedRevision | None:
    """The feed's revision, or ``None`` when nothing shaped it since the table was made."""
    return session.get(FeedRevision, FEED_REVISION_ID, populate_existing=True)
