"""Outlets the desk follows (feeds, sitemaps, sites) and snapshots of the sources it cites."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, enum_column, utcnow

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.review import Source
    from factcheck.models.user import User


class OutletKind(enum.StrEnum):
    RSS = "rss"
    ATOM = "atom"
    SITEMAP = "sitemap"
    SITE = "site"  # a web site whose feed (or sitemap) is discovered at the first poll


class SnapshotStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the worker
    CAPTURED = "captured"  # stored, with its hash
    FAILED = "failed"  # the page could not be fetched or stored; ``error`` says why


class Outlet(Base):
    """A followed outlet and its polling state: validators, schedule, backoff, last error."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000), unique=True)
    kind: Mapped[OutletKind] = mapped_column(enum_column(OutletKind, "kind"))
    name: Mapped[str | None] = mapped_column(sa.String(200))
    feed_url: Mapped[str | None] = mapped_column(sa.String(2000))  # what is polled (discovered)
    language: Mapped[str | None] = mapped_column(sa.String(8))  # None: detect per article
    interval_seconds: Mapped[int] = mapped_column(default=3600)  # between polls
    paused: Mapped[bool] = mapped_column(default=False)
    etag: Mapped[str | None] = mapped_column(sa.String(500))
    last_modified: Mapped[str | None] = mapped_column(sa.String(100))
    last_poll_at: Mapped[datetime | None]
    next_poll_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    articles_found: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    failures: Mapped[int] = mapped_column(default=0)  # consecutive failed polls (backoff)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name="url_http"),
        sa.CheckConstraint(
            "feed_url IS NULL OR feed_url LIKE 'http://%' OR feed_url LIKE 'https://%'",
            name="feed_url_http",
        ),
        sa.CheckConstraint("interval_seconds >= 60", name="interval_at_least_a_minute"),
        sa.CheckConstraint("articles_found >= 0 AND failures >= 0", name="counts_not_negative"),
    )

    def __repr__(self) -> str:
        return f"<Outlet {self.id} {self.kind} {self.url!r}>"


class SourceSnapshot(Base):
    """A copy of a cited page as it was fetched: a WARC file in the snapshot folder, its SHA-256."""

    __tablename__ = "source_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        sa.ForeignKey("sources.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(sa.String(2000))  # the URL as cited when the capture began
    status: Mapped[SnapshotStatus] = mapped_column(
        enum_column(SnapshotStatus, "status"), default=SnapshotStatus.PENDING
    )
    sha256: Mapped[str | None] = mapped_column(sa.String(64))  # of the stored WARC file
    fetched_at: Mapped[datetime | None]
    path: Mapped[str | None] = mapped_column(sa.String(500))  # relative to the snapshot folder
    size: Mapped[int | None]
    http_status: Mapped[int | None]
    content_type: Mapped[str | None] = mapped_column(sa.String(200))
    text: Mapped[str | None] = mapped_column(sa.Text)  # the page's main text, when it had one
    error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Source] = relationship(back_populates="snapshots")

    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'captured' OR (sha256 IS NOT NULL AND length(sha256) = 64 "
            "AND fetched_at IS NOT NULL AND path IS NOT NULL AND size IS NOT NULL)",
            name="captured_is_complete",
        ),
        sa.CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_has_error"),
    )
