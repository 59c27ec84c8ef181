"""Users and sign-in: every change here writes its audit event."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, apply_changes, change_and_record, record
from factcheck.auth import throttle
from factcheck.auth.passwords import (
    check_password_policy,
    dummy_verify,
    hash_password,
    verify_password,
)
from factcheck.database import DBSession, prebuilt
from factcheck.domain import NotFound, ValidationError
from factcheck.languages import INTERFACE_LANGUAGES, interface_language
from factcheck.models import OrganisationSettings, Role, User, UserSession, utcnow
from factcheck.models.organisation import ORGANISATION_SETTINGS_ID
from factcheck.organisation.settings import note_settings_read

SESSION_IDLE_TIMEOUT = timedelta(hours=8)
SESSION_ABSOLUTE_TIMEOUT = timedelta(days=7)
_LAST_SEEN_GRANULARITY = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(
            _("email is not valid: %(reason)s", reason=exc), field="email"
        ) from exc


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        allowed = ", ".join(r.value for r in Role)
        raise ValidationError(
            _("unknown role %(role)s: use one of %(allowed)s", role=repr(value), allowed=allowed),
            field="role",
        ) from None


def create_user(
    session: DBSession,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str | None = None,
    actor: User | None,
) -> User:
    email = normalise_email(email)
    if session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise ValidationError(
            _("a user with email %(email)s already exists", email=email), field="email"
        )
    check_password_policy(password)
    name = (display_name or "").strip() or email.split("@", 1)[0]
    user = User(email=email, display_name=name, role=role, password_hash=hash_password(password))
    add_and_record(
        session,
        user,
        ("email", "display_name", "role", "active"),
        actor=actor,
        action=AuditAction.USER_CREATE,
        entity_type="user",
    )
    return user


def get_user(session: DBSession, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("no user #%(id)s", id=user_id))
    return user


def refuse_removing_last_admin(session: DBSession, user: User, *, field: str, change: str) -> None:
    """Refuse ``change`` to ``user`` when it would leave the organisation without an active admin.

    Every active admin row is locked (in id order, so two such changes queue rather than
    deadlock); on PostgreSQL the second of two concurrent demotions then sees the first.
    """
    if user.role is not Role.ADMIN or not user.active:
        return
    admins = session.scalars(
        sa.select(User.id)
        .where(User.role == Role.ADMIN, User.active.is_(True))
        .order_by(User.id)
        .with_for_update()
    ).all()
    if not [admin_id for admin_id in admins if admin_id != user.id]:
        message = (
            _(
                "%(email)s is the last active admin and cannot be demoted: "
                "make another user an admin first",
                email=user.email,
            )
            if change == "demoted"
            else _(
                "%(email)s is the last active admin and cannot be deactivated: "
                "make another user an admin first",
                email=user.email,
            )
        )
        raise ValidationError(message, field=field)


def change_role(session: DBSession, user: User, role: Role, *, actor: User) -> None:
    if role is not Role.ADMIN:
        refuse_removing_last_admin(session, user, field="role", change="demoted")
    change_and_record(
        session, user, {"role": role}, actor=actor, action=AuditAction.USER_ROLE, entity_type="user"
    )


def set_active(session: DBSession, user: User, active: bool, *, actor: User) -> None:
    """Activate or deactivate ``user``; deactivation ends every session the user has."""
    if user.id == actor.id and not active:
        raise ValidationError(_("you cannot deactivate yourself"), field="active")
    if not active:
        refuse_removing_last_admin(session, user, field="active", change="deactivated")
    changes = apply_changes(user, {"active": active})
    if not changes:
        return
    ended = end_all_sessions(session, user) if not active else 0
    record(
        session,
        actor=actor,
        action=AuditAction.USER_DEACTIVATE if not active else AuditAction.USER_ACTIVATE,
        entity_type="user",
        entity_id=user.id,
        changes=changes,
        data={"sessions_ended": ended},
    )


def set_interface_language(session: DBSession, user: User, language: str) -> bool:
    """Save the language ``user`` reads the interface in; True when it changed."""
    if interface_language(language) != language:
        raise ValidationError(
            _("language: choose one of %(allowed)s", allowed=", ".join(INTERFACE_LANGUAGES)),
            field="language",
        )
    changes = change_and_record(
        session,
        user,
        {"interface_language": language},
        actor=user,
        action=AuditAction.USER_PREFERENCES,
        entity_type="user",
    )
    return bool(changes)


def set_password(
    session: DBSession,
    user: User,
    password: str,
    *,
    actor: User,
    keep_session_id: int | None = None,
) -> None:
    check_password_policy(password)
    user.password_hash = hash_password(password)
    ended = end_all_sessions(session, user, except_id=keep_session_id)
    record(
        session,
        actor=actor,
        action=AuditAction.USER_PASSWORD,
        entity_type="user",
        entity_id=user.id,
        data={"sessions_ended": ended},
    )


@dataclass(frozen=True)
class SignIn:
    user: User
    token: str  # goes into the cookie; only its hash is stored


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class Credentials:
    """A sign-in attempt between its two database phases (see :func:`begin_sign_in`)."""

    address: str
    user_id: int | None
    password_hash: str | None
    throttled: bool


def begin_sign_in(session: DBSession, email: str, *, client_addr: str | None = None) -> Credentials:
    """Phase 1, reading only: is the account or address throttled, and whose hash to check.

    The password is then checked (argon2id takes a good fraction of a second) with no
    transaction open, so that on SQLite no other request waits for the write lock meanwhile;
    :func:`finish_sign_in` decides and records in a write transaction.
    """
    try:
        address = normalise_email(email)
    except ValidationError:
        address = email.strip().lower()[:254]
    throttled = throttle.is_throttled(session, email=address, client_addr=client_addr)
    user = session.scalar(sa.select(User).where(User.email == address))
    return Credentials(
        address=address,
        user_id=user.id if user else None,
        password_hash=user.password_hash if user else None,
        throttled=throttled,
    )


def password_matches(credentials: Credentials, password: str) -> bool:
    """Check the password (or spend the same time on a dummy hash for an unknown email)."""
    if credentials.throttled:
        return False  # never even looked at
    if credentials.password_hash is None:
        dummy_verify()
        return False
    return verify_password(credentials.password_hash, password)


def finish_sign_in(
    session: DBSession,
    credentials: Credentials,
    password_ok: bool,
    *,
    client_addr: str | None = None,
) -> User | None:
    """Phase 2, writing: throttle again (exactly, now under the lock), then record the outcome.

    Raises :class:`~factcheck.auth.throttle.LoginThrottled` (recorded as ``login.throttled``)
    when the account or address failed too often lately, whatever the password: attempts that
    raced past phase 1 learn nothing either. ``None`` for any other failure.
    """
    address = credentials.address
    throttle.check_allowed(session, email=address, client_addr=client_addr)
    if credentials.throttled:  # it was at phase 1, and has lifted since: ask again
        throttle.refuse(session, email=address)
    user = session.get(User, credentials.user_id) if credentials.user_id is not None else None
    if user is None or not password_ok or not user.active or user.email != address:
        throttle.note_failure(session, email=address, client_addr=client_addr)
        record(
            session,
            actor=None,
            actor_label=address or "anonymous",
            action=AuditAction.LOGIN_FAILURE,
            entity_type="user",
            entity_id=user.id if user else None,
            data={"reason": "inactive" if user and not user.active else "bad credentials"},
        )
        return None
    return user


def authenticate(
    session: DBSession, email: str, password: str, *, client_addr: str | None = None
) -> User | None:
    """Check an email and password in one transaction; see :func:`begin_sign_in`."""
    credentials = begin_sign_in(session, email, client_addr=client_addr)
    ok = password_matches(credentials, password)
    return finish_sign_in(session, credentials, ok, client_addr=client_addr)


def open_session(
    session: DBSession,
    user: User,
    *,
    client_addr: str | None = None,
    user_agent: str | None = None,
    two_factor: bool = False,
) -> SignIn:
    """Open a server-side session for ``user``, whose credentials were checked, and record it."""
    token = secrets.token_urlsafe(32)
    us = UserSession(
        user_id=user.id,
        token_hash=_token_hash(token),
        client_addr=client_addr,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(us)
    session.flush()
    record(
        session,
        actor=user,
        action=AuditAction.LOGIN_SUCCESS,
        entity_type="user",
        entity_id=user.id,
        data={"session_id": us.id, **({"two_factor": True} if two_factor else {})},
    )
    return SignIn(user=user, token=token)


def sign_in(
    session: DBSession,
    email: str,
    password: str,
    *,
    client_addr: str | None = None,
    user_agent: str | None = None,
) -> SignIn | None:
    """Check credentials and open a server-side session; record success or failure either way.

    Returns ``None`` for any failure, without saying whether the email exists. Users with
    two-factor sign-in go through :func:`authenticate` and a second step instead.
    """
    user = authenticate(session, email, password, client_addr=client_addr)
    if user is None:
        return None
    return open_session(session, user, client_addr=client_addr, user_agent=user_agent)


def change_own_password(
    session: DBSession,
    user: User,
    current: str,
    new: str,
    *,
    client_addr: str | None,
    keep_session_id: int | None,
) -> None:
    """Change ``user``'s password after checking the current one; end their other sessions.

    A wrong current password counts as a failed sign-in (a stolen session cannot guess it).
    """
    throttle.check_allowed(session, email=user.email, client_addr=client_addr, step="password")
    if not verify_password(user.password_hash, current):
        throttle.note_failure(session, email=user.email, client_addr=client_addr)
        record(
            session,
            actor=user,
            action=AuditAction.LOGIN_FAILURE,
            entity_type="user",
            entity_id=user.id,
            data={"reason": "wrong current password"},
        )
        raise ValidationError(_("the current password is not right"), field="current_password")
    if verify_password(user.password_hash, new):
        raise ValidationError(
            _("the new password must differ from the current one"), field="new_password"
        )
    try:
        set_password(session, user, new, actor=user, keep_session_id=keep_session_id)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="new_password") from None


@prebuilt
def _session_select() -> sa.Select[tuple[UserSession, User, OrganisationSettings]]:
    """One statement for both rows, the token's hash a parameter: every signed-in request
    runs it. It brings the organisation settings' row too (when an admin saved one), which
    every page reads (its header): one round trip, not two (``note_settings_read``)."""
    return (
        sa.select(UserSession, User, OrganisationSettings)
        .join(User, User.id == UserSession.user_id)
        .outerjoin(OrganisationSettings, OrganisationSettings.id == ORGANISATION_SETTINGS_ID)
        .where(UserSession.token_hash == sa.bindparam("token_hash"))
    )


def load_session(session: DBSession, token: str) -> tuple[User, UserSession] | None:
    """The user behind a session token, if the session is still open; expired ones are closed."""
    row = session.execute(_session_select(), {"token_hash": _token_hash(token)}).first()
    if row is None:
        return None
    us, user, settings = row
    note_settings_read(session, settings)
    if us.ended_at is not None or not user.active:
        return None
    now = utcnow()
    if (
        now - us.last_seen_at > SESSION_IDLE_TIMEOUT
        or now - us.created_at > SESSION_ABSOLUTE_TIMEOUT
    ):
        return None
    if now - us.last_seen_at > _LAST_SEEN_GRANULARITY:
        us.last_seen_at = now  # bookkeeping, not a change of record: no audit event
    return user, us


def sign_out(session: DBSession, user: User, token: str) -> None:
    us = session.scalar(sa.select(UserSession).where(UserSession.token_hash == _token_hash(token)))
    if us is not None and us.ended_at is None:
        us.ended_at = utcnow()
    record(
        session,
        actor=user,
        action=AuditAction.LOGOUT,
        entity_type="user",
        entity_id=user.id,
        data={"session_id": us.id if us else None},
    )


def end_all_sessions(session: DBSession, user: User, *, except_id: int | None = None) -> int:
    result = session.execute(
        sa.update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.id != (except_id or 0),
        )
        .values(ended_at=utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_users(session: DBSession) -> list[User]:
    return list(session.scalars(sa.select(User).order_by(User.role, User.email)))
