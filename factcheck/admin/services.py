"""Account administration: what the admin pages ask of the user services, in one call each."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from factcheck.auth.passwords import check_password_policy
from factcheck.auth.services import (
    change_role,
    create_user,
    list_users,
    parse_role,
    set_password,
)
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import User, UserSession
from factcheck.validation import clean_text

MAX_DISPLAY_NAME_LENGTH = 120
GENERATED_PASSWORD_BYTES = 15  # 20 URL-safe characters, about 120 bits


@dataclass(frozen=True)
class UserRow:
    user: User
    last_sign_in: datetime | None
    open_sessions: int


def user_rows(session: DBSession) -> list[UserRow]:
    """Every user with the time of their last sign-in and how many sessions are still open."""
    open_count = sa.func.count(UserSession.id).filter(UserSession.ended_at.is_(None))
    stats = {
        user_id: (last, int(n_open))
        for user_id, last, n_open in session.execute(
            sa.select(
                UserSession.user_id, sa.func.max(UserSession.created_at), open_count
            ).group_by(UserSession.user_id)
        )
    }
    rows = []
    for user in list_users(session):
        last, n_open = stats.get(user.id, (None, 0))
        rows.append(UserRow(user, last, n_open))
    return rows


def user_row(session: DBSession, user: User) -> UserRow:
    return next(row for row in user_rows(session) if row.user.id == user.id)


def generate_password() -> str:
    """A random password that meets the policy, to be shown once to the admin."""
    while True:
        password = secrets.token_urlsafe(GENERATED_PASSWORD_BYTES)
        try:
            check_password_policy(password)
        except ValidationError:  # pragma: no cover - vanishingly rare (fewer than 5 distinct chars)
            continue
        return password


def _chosen_password(password: str | None, generate: bool) -> tuple[str, str | None]:
    """The password to set and, when it was generated, the same value to show once."""
    if generate:
        if password:
            raise ValidationError(
                _("either type a password or ask for one to be generated, not both"),
                field="password",
            )
        made = generate_password()
        return made, made
    if not password:
        raise ValidationError(
            _("password is required (or ask for one to be generated)"), field="password"
        )
    return password, None


@dataclass(frozen=True)
class NewAccount:
    user: User
    generated_password: str | None


def create_account(
    session: DBSession,
    *,
    email: str | None,
    display_name: str | None,
    role: str | None,
    password: str | None,
    generate: bool,
    actor: User,
) -> NewAccount:
    """Create a user from the admin form: clean every field, then :func:`create_user`."""
    name = clean_text(display_name, "display_name", max_length=MAX_DISPLAY_NAME_LENGTH)
    address = clean_text(email, "email", max_length=254, required=True) or ""
    chosen_role = parse_role(role or "")
    secret, shown = _chosen_password(password, generate)
    user = create_user(
        session,
        email=address,
        password=secret,
        role=chosen_role,
        display_name=name,
        actor=actor,
    )
    return NewAccount(user, shown)


def change_role_to(session: DBSession, user: User, role: str | None, *, actor: User) -> bool:
    """Set ``user``'s role from form text; ``False`` when it already was that role."""
    chosen = parse_role(role or "")
    if chosen == user.role:
        return False
    change_role(session, user, chosen, actor=actor)
    return True


def reset_password(
    session: DBSession,
    user: User,
    *,
    password: str | None,
    generate: bool,
    actor: User,
    actor_session_id: int | None,
) -> str | None:
    """Set a new password and end the user's sessions; return it when it was generated.

    An admin resetting their own password keeps the session they are using.
    """
    secret, shown = _chosen_password(password, generate)
    keep = actor_session_id if user.id == actor.id else None
    set_password(session, user, secret, actor=actor, keep_session_id=keep)
    return shown
