"""Login throttling: too many failed sign-in steps for one account or one address → wait.

Failures (a wrong password, an unknown email, a wrong second-factor code, a wrong current password
on the change-password page) are rows of ``login_attempts``, so every app process counts the same
ones. A throttled attempt is refused before any password is checked, is recorded in the audit
trail as ``login.throttled`` and does not itself count as a failure: the limit lifts one window
after the last real failure. On PostgreSQL a transaction-scoped advisory lock per account makes
concurrent attempts on one account from several workers take their turn; SQLite serialises every
sign-in already (write transactions begin ``IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa
from flask import has_app_context
from flask_babel import gettext

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.config import settings
from factcheck.database import DBSession
from factcheck.domain import DomainError
from factcheck.languages import N_
from factcheck.models import utcnow
from factcheck.models.user import LoginAttempt

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 60
KEEP_ATTEMPTS = timedelta(days=1)
THROTTLED_MESSAGE = N_("Too many attempts; wait a minute and try again")


class LoginThrottled(DomainError):
    """Too many recent failures for this account or address; nothing was checked."""

    code = "throttled"

    def __init__(self) -> None:
        super().__init__(gettext(THROTTLED_MESSAGE))


def _limits() -> tuple[int, timedelta]:
    if not has_app_context():
        return DEFAULT_MAX_FAILURES, timedelta(seconds=DEFAULT_WINDOW_SECONDS)
    return settings().login_max_failures, timedelta(seconds=settings().login_failure_window)


def _lock_account(session: DBSession, email: str) -> None:
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        key = int.from_bytes(
            hashlib.sha256(b"login:" + email.encode()).digest()[:8], "big", signed=True
        )
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def recent_failures(session: DBSession, *, email: str | None, client_addr: str | None) -> int:
    """The larger of the account's and the address's failure counts within the window."""
    _max, window = _limits()
    since = utcnow() - window
    counts = [0]
    for column, value in ((LoginAttempt.email, email), (LoginAttempt.client_addr, client_addr)):
        if value:
            counts.append(
                session.scalar(
                    sa.select(sa.func.count())
                    .select_from(LoginAttempt)
                    .where(column == value, LoginAttempt.attempted_at >= since)
                )
                or 0
            )
    return max(counts)


def is_throttled(session: DBSession, *, email: str | None, client_addr: str | None) -> bool:
    """Whether an attempt would be refused now (reading only; nothing is recorded)."""
    max_failures, _window = _limits()
    return recent_failures(session, email=email, client_addr=client_addr) >= max_failures


def check_allowed(
    session: DBSession, *, email: str | None, client_addr: str | None, step: str = "password"
) -> None:
    """Raise :class:`LoginThrottled` (after recording ``login.throttled``) when over the limit."""
    if email:
        _lock_account(session, email)
    if is_throttled(session, email=email, client_addr=client_addr):
        refuse(session, email=email, step=step)


def refuse(session: DBSession, *, email: str | None, step: str = "password") -> None:
    """Record ``login.throttled`` and raise :class:`LoginThrottled`."""
    max_failures, window = _limits()
    record(
        session,
        actor=None,
        actor_label=email or "anonymous",
        action=AuditAction.LOGIN_THROTTLED,
        entity_type="user",
        data={"step": step, "limit": max_failures, "window_seconds": int(window.total_seconds())},
    )
    raise LoginThrottled()


def note_failure(session: DBSession, *, email: str | None, client_addr: str | None) -> None:
    """Count one failure against the account and the address; prune old rows."""
    now = utcnow()
    session.add(LoginAttempt(attempted_at=now, email=email or None, client_addr=client_addr))
    session.execute(sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < now - KEEP_ATTEMPTS))
    session.flush()
