"""One request cycle for every state-changing request (in the spirit of Indico's ``RH``).

A view declares what to load, who may act, which form and which service; the spine does the rest:

1. :func:`load` the object, or refuse with 404 (``NotFound``);
2. :func:`require` the policy's predicate, or refuse with 403 and the rule's message;
3. :func:`validate` the form, or refuse with 422 naming the field;
4. :func:`run` one service and commit once;
5. answer (the view's redirect, page or JSON).

A refusal at any step is a :class:`factcheck.domain.DomainError`. Its handler, registered by
:func:`init_app`, rolls the request back, notes the rule for the ``….denied`` audit event
(``factcheck.audit.refusals`` records it after the response) and answers with the status the
refusal maps to: JSON ``{"error","message","field","request_id"}`` for clients, or, for browsers,
the page the view named with :func:`refuse_with` (the desk again with the user's input kept), else
the error page. ``db.session.commit()`` is written here and in the CLI's ``db_command``, nowhere
else in the web layer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from flask import Flask, g
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from sqlalchemy.orm.interfaces import ORMOption

from factcheck.auth import wants_json
from factcheck.domain import (
    DomainError,
    Message,
    NotFound,
    PermissionDenied,
    ValidationError,
    in_english,
)
from factcheck.errors import error_response, status_of
from factcheck.extensions import db

T = TypeVar("T")
M = TypeVar("M")
RefusalPage = Callable[[DomainError, int], ResponseReturnValue]

_PAGE_KEY = "refusal_page"
_FIELD_KEY = "refusal_field"


def load(model: type[M], object_id: int, message: Message, options: Sequence[ORMOption] = ()) -> M:
    """The object of the request (with ``options``: what to load with it), or a 404 refusal
    with ``message``."""
    found = db.session.get(model, object_id, options=options)
    if found is None:
        raise NotFound(message)
    return found


def require(allowed: bool, message: Message) -> None:
    """Who may act comes first: refuse (403 with the rule's ``message``) before reading input."""
    if not allowed:
        raise PermissionDenied(message)


def validate(form: FlaskForm, refusal: Callable[[FlaskForm], DomainError]) -> None:
    """Validate ``form`` (CSRF included); refuse with what ``refusal`` says of its errors."""
    if not form.validate():
        raise refusal(form)


def run(service: Callable[[], T]) -> T:
    """Call one service and commit once. A refusal propagates to the handler, which rolls back."""
    result = service()
    commit()
    return result


def commit() -> None:
    """The request's one commit; also a write that must stand on its own before the request's
    work: a counted refusal (a failed sign-in), an API token's use (recorded at most hourly)."""
    db.session.commit()


def rollback() -> None:
    """Drop what the request changed."""
    db.session.rollback()


def release() -> None:
    """End the transaction the request opened so far (signing in, reading a token) before slow
    work (fetching, hashing, verifying, extracting).

    Nothing is written yet: on SQLite this gives back the single write lock (``BEGIN
    IMMEDIATE``) so that no other request waits while this one reads a file or a web page.
    """
    db.session.commit()


def refuse_with(page: RefusalPage | None, *, field: str | None = None) -> None:
    """Name the page a browser sees when this request is refused (``page(exc, status)``).

    ``field`` is the input a JSON refusal names when the service named none.
    """
    setattr(g, _PAGE_KEY, page)
    setattr(g, _FIELD_KEY, field)


def _refused(exc: DomainError) -> ResponseReturnValue:
    """The handler of every refusal: roll back, note the rule, answer page or JSON."""
    rollback()
    status = status_of(exc)
    page: RefusalPage | None = g.pop(_PAGE_KEY, None)
    default_field: str | None = g.pop(_FIELD_KEY, None)
    if page is None or wants_json() or status == 404:
        return error_response(status, exc.message, exc.field or default_field)
    return page(exc, status)


def form_refusal(form: FlaskForm) -> ValidationError:
    """The first problem WTForms found, said as a service would (naming the field)."""
    name, errors = next((n, e) for n, e in form.errors.items() if e)
    refusal = ValidationError(f"{name}: {'; '.join(str(e) for e in errors)}", field=name)
    refusal.english = f"{name}: {'; '.join(in_english(e) for e in errors)}"  # for the audit trail
    return refusal


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, _refused)


__all__ = [
    "commit",
    "form_refusal",
    "init_app",
    "load",
    "refuse_with",
    "release",
    "require",
    "rollback",
    "run",
    "validate",
]
