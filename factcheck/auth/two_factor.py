"""Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238: SHA-1, 6 digits, 30 s).

A code is accepted for the current time-step or one step either side (clock drift), and only for
a step later than the last one accepted for that user (``users.totp_last_step``): a code, once
used, cannot be replayed, not even within its own 30 seconds.

The secret is stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key that lives outside
the database: ``TOTP_KEY`` (environment ``FACTCHECK_TOTP_KEY``), else ``instance/totp_key``, which
is created on first use. A database dump alone therefore does not give away anyone's second
factor. In debug and testing without either, the key is derived from ``SECRET_KEY``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

import pyotp
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import gettext as _

from factcheck.audit.actions import AuditAction
from factcheck.audit.log import record
from factcheck.auth import throttle
from factcheck.config import settings
from factcheck.database import DBSession
from factcheck.domain import ValidationError
from factcheck.models import Role, User

INTERVAL = 30
DIGITS = 6
VALID_WINDOW = 1  # steps accepted either side of the current one
KEY_FILE = "totp_key"


class SecretKeyError(RuntimeError):
    """The TOTP encryption key is missing or cannot decrypt a stored secret."""


def _now() -> float:
    return time.time()


def current_step(now: float | None = None) -> int:
    return int((_now() if now is None else now) // INTERVAL)


def new_secret() -> str:
    """A fresh random base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (usually from a QR code)."""
    issuer = settings().org_name
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).provisioning_uri(
        name=email, issuer_name=issuer
    )


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL).at(step * INTERVAL)


def matching_step(secret: str, code: str, *, after: int | None) -> int | None:
    """The time-step ``code`` belongs to, if it is valid now and later than ``after``."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = current_step()
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if after is not None and step <= after:
            continue
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


# --- the secret at rest ---------------------------------------------------------------------


def _key() -> bytes:
    configured = settings().totp_key
    if configured:
        return configured.encode("ascii")
    path = Path(current_app.instance_path) / KEY_FILE
    if path.is_file():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    if current_app.debug or current_app.testing:
        digest = hashlib.sha256(b"factcheck totp key\n" + str(settings().secret_key).encode())
        return base64.urlsafe_b64encode(digest.digest())
    return _create_key_file(path)


def _create_key_file(path: Path) -> bytes:
    """Write a new key to ``path`` unless another process got there first (then read theirs)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(Fernet.generate_key().decode("ascii") + "\n")
    try:
        os.link(temp, path)  # atomic, and fails if the file exists: one key wins
    except FileExistsError:
        pass
    finally:
        temp.unlink()
    return path.read_text(encoding="ascii").strip().encode("ascii")


def encrypt_secret(secret: str) -> str:
    return Fernet(_key()).encrypt(secret.encode("ascii")).decode("ascii")


def decrypt_secret(token: str) -> str:
    try:
        return Fernet(_key()).decrypt(token.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise SecretKeyError(
            "cannot decrypt a stored TOTP secret: TOTP_KEY or instance/totp_key changed"
        ) from exc


# --- services -------------------------------------------------------------------------------


def admin_must_enrol(user: User) -> bool:
    """True when policy requires ``user`` to set up two-factor sign-in before anything else."""
    return settings().require_admin_2fa and user.role is Role.ADMIN and not user.has_two_factor


def enable(session: DBSession, user: User, secret: str, code: str) -> None:
    """Turn on two-factor sign-in with ``secret`` once ``code`` proves the app has it."""
    if user.has_two_factor:
        raise ValidationError(_("two-factor sign-in is already on"), field="code")
    step = matching_step(secret, code, after=None)
    if step is None:
        raise ValidationError(
            _("that code is not right: type the 6 digits your app shows now"), field="code"
        )
    user.totp_secret = encrypt_secret(secret)
    user.totp_last_step = step
    record(
        session,
        actor=user,
        action=AuditAction.TWO_FACTOR_ENABLE,
        entity_type="user",
        entity_id=user.id,
    )


def disable(session: DBSession, user: User, code: str, *, client_addr: str | None) -> None:
    """Turn off two-factor sign-in; needs a valid, unused code."""
    if not user.has_two_factor:
        raise ValidationError(_("two-factor sign-in is not on"), field="code")
    if user.role is Role.ADMIN and settings().require_admin_2fa:
        raise ValidationError(_("admins must keep two-factor sign-in on"), field="code")
    if not check_code(session, user, code, client_addr=client_addr):
        raise ValidationError(_("that code is not right, or was already used"), field="code")
    user.totp_secret = None
    user.totp_last_step = None
    record(
        session,
        actor=user,
        action=AuditAction.TWO_FACTOR_DISABLE,
        entity_type="user",
        entity_id=user.id,
    )


def check_code(session: DBSession, user: User, code: str, *, client_addr: str | None) -> bool:
    """Check a second-factor code for ``user``; a failure is counted and recorded.

    Raises :class:`~factcheck.auth.throttle.LoginThrottled` when the account or address has
    failed too often: then the code is not even looked at.
    """
    assert user.totp_secret is not None
    throttle.check_allowed(session, email=user.email, client_addr=client_addr, step="2fa")
    # Read the last used step again under a row lock: two requests racing with one code queue here.
    session.refresh(user, ["totp_secret", "totp_last_step"], with_for_update=True)
    if user.totp_secret is None:
        return False
    step = matching_step(decrypt_secret(user.totp_secret), code, after=user.totp_last_step)
    if step is None:
        throttle.note_failure(session, email=user.email, client_addr=client_addr)
        record(
            session,
            actor=None,
            actor_label=user.email,
            action=AuditAction.LOGIN_2FA_FAILURE,
            entity_type="user",
            entity_id=user.id,
        )
        return False
    user.totp_last_step = step
    session.flush()
    return True
