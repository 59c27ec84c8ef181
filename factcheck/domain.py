"""Errors raised by services. Views and the CLI turn them into messages; none carries HTTP.

A refusal is said to people in their language: a service raises it with a lazy message
(``lazy_gettext("claim #%(id)s was just taken by someone else", id=...)``), which :attr:`message`
holds in the interface's language and :attr:`english` in English, for what is stored or logged
(the audit trail's ``.denied`` events). A plain ``str`` is the same in both.
"""

from __future__ import annotations

from flask_babel import LazyString, force_locale

# What a refusal says: English text, or a lazy message said in the interface's language.
Message = str | LazyString


def in_english(message: str | LazyString) -> str:
    """The English text of a (lazy) message, whatever the interface's language."""
    if isinstance(message, LazyString):
        with force_locale("en"):
            return str(message)
    return str(message)


class DomainError(Exception):
    """A request the domain refuses. ``code`` names the kind; ``field`` the input at fault."""

    code = "invalid"

    def __init__(self, message: str | LazyString, *, field: str | None = None) -> None:
        text = str(message)
        super().__init__(text)
        self.message = text
        self.english = in_english(message)
        self.field = field


class ValidationError(DomainError):
    code = "invalid"


class PermissionDenied(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The thing changed since it was read, or a transition is not allowed from its state."""

    code = "conflict"
