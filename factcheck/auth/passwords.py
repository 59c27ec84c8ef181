"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import gettext as _

from factcheck.domain import ValidationError

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_COMMON = {
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "motdepasse12",
    "administrator",
    "letmein12345",
}

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _(
                "password is too short: use at least %(min)d characters",
                min=MIN_PASSWORD_LENGTH,
            ),
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            _("password is too long: at most %(max)d characters", max=MAX_PASSWORD_LENGTH),
            field="password",
        )
    if password.lower() in _COMMON or len(set(password)) < 5:
        raise ValidationError(_("password is too easy to guess"), field="password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time a real check would, so unknown emails cannot be told apart by timing."""
    verify_password(_DUMMY_HASH, "not the password")


_DUMMY_HASH = _hasher.hash("dummy password for timing")
