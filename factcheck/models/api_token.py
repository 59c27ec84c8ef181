"""Personal access tokens: how scripts and a CMS call the API as one of the newsroom's users."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from factcheck.models.base import Base, utcnow
from factcheck.models.user import User


class Scope(enum.StrEnum):
    """What a token may do; the user's role still decides what the user may do at all."""

    READ = "read"  # every GET
    INGEST = "ingest"  # send articles in
    REVIEW = "review"  # work on claims: edit, triage, take, sources, verdict, propose
    PUBLISH = "publish"  # approve verdicts and corrections

    @classmethod
    def parse(cls, names: str) -> list[Scope]:
        return [cls(n) for n in names.split()]


class ApiToken(Base):
    """A token is shown once, when made; only its SHA-256 is stored, with a visible prefix."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    # The first characters of the token (``fct_`` + 8): enough to recognise it in a list.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    scopes: Mapped[str] = mapped_column(sa.String(64))  # space-separated, sorted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    __table_args__ = (
        sa.CheckConstraint("length(name) > 0", name="name_not_empty"),
        sa.CheckConstraint("length(scopes) > 0", name="scopes_not_empty"),
        sa.CheckConstraint("length(token_hash) = 64", name="hash_is_sha256"),
        sa.CheckConstraint(
            "expires_at IS NULL OR expires_at > created_at", name="expires_after_creation"
        ),
        sa.CheckConstraint(
            "revoked_by_id IS NULL OR revoked_at IS NOT NULL", name="revoker_only_when_revoked"
        ),
    )

    @property
    def scope_list(self) -> list[Scope]:
        return Scope.parse(self.scopes)

    def has_scope(self, scope: Scope) -> bool:
        return scope.value in self.scopes.split()

    def state(self, now: datetime) -> str:
        """``active``, ``expired`` or ``revoked``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"
