"""Personal access tokens: make one (shown once), list, revoke, and recognise one in a request.

A token is ``fct_`` followed by 43 random URL-safe characters (256 bits). Only its SHA-256 is
stored, beside the first characters (its visible ``prefix``) so that a user can tell tokens
apart. A token acts as its user and never more: the user's role and the claim policies decide
as they do in the browser; the token's scopes can only narrow that. A token stops working when it
is revoked, when it expires, and as soon as its user is deactivated (checked at every request).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import add_and_record, change_and_record, record
from factcheck.database import DBSession
from factcheck.domain import NotFound, PermissionDenied, ValidationError
from factcheck.i18n import lazy_gettext as _l
from factcheck.models import ApiToken, Role, Scope, User, utcnow
from factcheck.validation import clean_text

TOKEN_PREFIX = "fct_"  # noqa: S105 - the visible start of every token, not a secret
VISIBLE_CHARS = len(TOKEN_PREFIX) + 8
MAX_NAME = 100
MAX_TOKENS_PER_USER = 50
# A token's use is recorded (``api_token.use``, and ``last_used_at``) at most this often: every
# write it makes is an audit event of its own already, naming the token.
USE_RECORD_INTERVAL = timedelta(hours=1)
TOKEN_FIELDS = ("user_id", "name", "prefix", "scopes", "expires_at")


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def parse_scopes(names: Iterable[str]) -> list[Scope]:
    """The scopes named, de-duplicated and sorted; an unknown or missing one is refused."""
    scopes: set[Scope] = set()
    for name in names:
        try:
            scopes.add(Scope(str(name).strip().lower()))
        except ValueError:
            allowed = ", ".join(s.value for s in Scope)
            raise ValidationError(
                _(
                    "unknown scope %(scope)s: choose from %(allowed)s",
                    scope=repr(name),
                    allowed=allowed,
                ),
                field="scopes",
            ) from None
    if not scopes:
        raise ValidationError(_("choose at least one scope"), field="scopes")
    return sorted(scopes, key=lambda s: s.value)


def parse_expiry(value: date | datetime | None, *, now: datetime | None = None) -> datetime | None:
    """A token expires at the end (UTC) of the day given, which must be in the future."""
    if value is None:
        return None
    now = now or utcnow()
    if isinstance(value, datetime):
        expires = value if value.tzinfo else value.replace(tzinfo=UTC)
    else:
        expires = datetime(value.year, value.month, value.day, tzinfo=UTC) + timedelta(days=1)
    if expires <= now:
        raise ValidationError(_("the expiry date must be in the future"), field="expires")
    return expires


def create_token(
    session: DBSession,
    user: User,
    *,
    name: str | None,
    scopes: Iterable[str],
    expires: date | datetime | None = None,
    actor: User | None,
) -> NewToken:
    """Make a token for ``user`` (by ``user`` themself, an admin, or the CLI when ``actor`` is
    None); the secret is returned once."""
    if actor is not None and actor.id != user.id and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("only an admin can make a token for someone else"))
    if not user.active:
        raise ValidationError(_("%(email)s is deactivated", email=user.email), field="email")
    clean_name = clean_text(name, "name", max_length=MAX_NAME, required=True)
    chosen = parse_scopes(scopes)
    expires_at = parse_expiry(expires)
    count = session.scalar(
        sa.select(sa.func.count(ApiToken.id)).where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None)
        )
    )
    if (count or 0) >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            _("at most %(max)d tokens per user: revoke one first", max=MAX_TOKENS_PER_USER),
            field="name",
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=clean_name,
        prefix=secret[:VISIBLE_CHARS],
        token_hash=hash_token(secret),
        scopes=" ".join(s.value for s in chosen),
        expires_at=expires_at,
        created_by_id=actor.id if actor is not None else None,
    )
    add_and_record(
        session,
        token,
        TOKEN_FIELDS,
        actor=actor,
        action=AuditAction.API_TOKEN_CREATE,
        entity_type="api_token",
    )
    return NewToken(token=token, secret=secret)


def tokens_of(session: DBSession, user: User | None = None) -> list[ApiToken]:
    """Tokens, newest first: ``user``'s, or everyone's."""
    query = sa.select(ApiToken).order_by(ApiToken.id.desc())
    if user is not None:
        query = query.where(ApiToken.user_id == user.id)
    return list(session.scalars(query))


def get_token(session: DBSession, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("no token #%(id)s", id=token_id))
    return token


def revoke_token(session: DBSession, token: ApiToken, *, actor: User | None) -> bool:
    """Revoke ``token`` (its owner, an admin, or the CLI when ``actor`` is None); False when it
    already was."""
    if actor is not None and token.user_id != actor.id and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("only its owner or an admin can revoke this token"))
    if token.revoked_at is not None:
        return False
    change_and_record(
        session,
        token,
        {"revoked_at": utcnow(), "revoked_by_id": actor.id if actor is not None else None},
        actor=actor,
        action=AuditAction.API_TOKEN_REVOKE,
        entity_type="api_token",
        data={"prefix": token.prefix, "owner_id": token.user_id},
    )
    return True


class TokenRefused(Exception):
    """The Authorization header names no usable token; ``message`` says why (401).

    ``message`` is lazy: said in the request's language in the JSON body, and in English in the
    ``WWW-Authenticate`` header (a header is Latin-1, and read by programs).
    """

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def authenticate(session: DBSession, secret: str, *, now: datetime | None = None) -> ApiToken:
    """The token ``secret`` is, with its active user; or :class:`TokenRefused` saying why."""
    now = now or utcnow()
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        raise TokenRefused(_l("that is not a factcheck token"))
    token = session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret))
        .options(joinedload(ApiToken.user))
    )
    if token is None:
        raise TokenRefused(_l("unknown token"))
    state = token.state(now)
    if state == "expired":
        raise TokenRefused(_l("this token is expired"))
    if state != "active":
        raise TokenRefused(_l("this token is revoked"))
    if not token.user.active:
        raise TokenRefused(_l("the token's user is deactivated"))
    return token


def use_is_due(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return token.last_used_at is None or now - token.last_used_at >= USE_RECORD_INTERVAL


def record_use(session: DBSession, token: ApiToken, *, method: str, path: str) -> None:
    """Note that ``token`` is in use: ``last_used_at`` and an ``api_token.use`` event."""
    token.last_used_at = utcnow()
    record(
        session,
        actor=token.user,
        action=AuditAction.API_TOKEN_USE,
        entity_type="api_token",
        entity_id=token.id,
        data={"prefix": token.prefix, "method": method, "path": path},
    )


def find_user(session: DBSession, email: str) -> User:
    user = session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(_("no user %(email)s", email=email))
    return user
