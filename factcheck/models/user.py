"""Newsroom users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column

from factcheck.models.base import Base, enum_column, utcnow


class Role(enum.StrEnum):
    REVIEWER = "reviewer"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return {Role.REVIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3}[self]


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Two-factor sign-in (TOTP): the shared secret, encrypted (see factcheck.auth.two_factor), and
    # the last time-step a code was accepted for, so that no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(255))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Preferences and the "My work" page (migration 0018): notifications by e-mail too, and
    # when the user last marked the new claims as seen (None: never).
    email_notifications: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    claims_seen_at: Mapped[datetime | None]
    # The interface language the user chose (``en``, ``fr``); None: the browser's decides.
    interface_language: Mapped[str | None] = mapped_column(sa.String(8))

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lowercase"),
        sa.CheckConstraint("length(display_name) > 0", name="display_name_not_empty"),
        sa.CheckConstraint(
            "interface_language IS NULL OR interface_language IN ('en', 'fr')",
            name="interface_language_known",
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: inactive users cannot stay signed in
        return self.active

    @property
    def has_two_factor(self) -> bool:
        return self.totp_secret is not None

    def has_role(self, role: Role) -> bool:
        """True when the user's role is at least ``role`` (admin ⊃ editor ⊃ reviewer)."""
        return self.role.rank >= role.rank

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    client_addr: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(300))


class LoginAttempt(Base):
    """A failed sign-in step (password or second factor), counted to throttle guessing.

    Kept in the database so that every app process counts the same failures; rows older than
    a day are pruned as new ones arrive.
    """

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    client_addr: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (
        sa.Index("ix_login_attempts_email_attempted_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_client_addr_attempted_at", "client_addr", "attempted_at"),
    )
