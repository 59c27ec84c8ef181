"""Errors raised by services. Views and the CLI turn them into messages; none carries HTTP."""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. ``code`` names the kind; ``field`` the input at fault."""

    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
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
