"""The published feed's revision: what its ETag and Last-Modified are made of."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base

FEED_REVISION_ID = 1  # the one row


class FeedRevision(Base):
    """One row (id 1): a random ``token`` and the time it was set, replaced in the same flush as
    every change that shapes the published ClaimReviews (``factcheck.publishing.freshness``).

    A random token rather than a counter: after a restore the row comes back with the token of
    the restored data, so an ETag can only ever stand for one content. No row means nothing has
    changed since the table was made; the feed then falls back to its counts and dates.
    """

    __tablename__ = "feed_revision"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(sa.String(32))
    changed_at: Mapped[datetime]

    __table_args__ = (
        sa.CheckConstraint(f"id = {FEED_REVISION_ID}", name="single_row"),
        sa.CheckConstraint("length(token) > 0", name="token_not_empty"),
    )
