"""Articles as ingested: the cleaned body that claim offsets point into."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, utcnow
from factcheck.validation import MAX_PUBLISHER_LENGTH, MAX_TITLE_LENGTH

# Annotations only: relationships resolve their class by name, so no model module imports
# another at run time (some refer to each other: article, claim, review, outlet).
if TYPE_CHECKING:
    from factcheck.models.claim import Claim
    from factcheck.models.user import User


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE_LENGTH))
    headline: Mapped[str | None] = mapped_column(sa.String(MAX_TITLE_LENGTH))
    byline: Mapped[str | None] = mapped_column(sa.String(300))
    publisher: Mapped[str | None] = mapped_column(sa.String(MAX_PUBLISHER_LENGTH))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    published_on: Mapped[date | None]
    language: Mapped[str] = mapped_column(sa.String(8))
    body: Mapped[str] = mapped_column(sa.Text)
    raw: Mapped[str] = mapped_column(sa.Text)
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    created_by: Mapped[User | None] = relationship()
    claims: Mapped[list[Claim]] = relationship(
        back_populates="article", order_by="Claim.start_offset"
    )

    __table_args__ = (
        sa.CheckConstraint("length(body) > 0", name="body_not_empty"),
        sa.CheckConstraint("length(content_hash) = 64", name="content_hash_sha256"),
    )

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title[:40]!r}>"
