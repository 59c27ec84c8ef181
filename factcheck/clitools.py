"""What every ``factcheck`` command shares: one write transaction per command, common options.

Feature packages import these for their ``<package>/cli.py``; ``factcheck.cli`` imports those
modules and registers their commands (a plain import each way, no cycle).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import IO, Any, TypeVar

import click
import sqlalchemy as sa
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from factcheck.audit.log import AuditError
from factcheck.database import read_intent, write_intent
from factcheck.domain import DomainError
from factcheck.extensions import db
from factcheck.languages import LANGUAGE_CHOICES

F = TypeVar("F", bound=Callable[..., Any])


def language_option(what: str) -> Callable[[F], F]:
    """``--lang auto|fr|en``, passed to the command as ``language``."""
    return click.option(
        "--lang",
        "language",
        type=click.Choice(LANGUAGE_CHOICES),
        default="auto",
        show_default=True,
        help=f"Language of the {what}.",
    )


def db_command(fn: F) -> F:
    """Run ``fn`` as one write transaction: commit on success, roll back and explain on failure."""

    @wraps(fn)
    @with_appcontext
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            with write_intent():
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
        except DomainError as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        except AuditError as exc:
            db.session.rollback()
            raise click.ClickException(f"{exc}; nothing was changed") from None
        except sa.exc.OperationalError as exc:
            db.session.rollback()
            raise click.ClickException(
                f"database unreachable ({safe_url()}): {exc.orig or exc}".strip()
            ) from None

    return wrapped  # type: ignore[return-value]


@contextmanager
def read_session() -> Iterator[Session]:
    """A separate read-only transaction, so a long export never holds SQLite's write lock.

    ``db_command`` opens the command's own transaction as a writer (``BEGIN IMMEDIATE``);
    streaming 100,000 rows inside it would keep the desk from saving anything meanwhile.
    """
    with read_intent(), Session(db.engine) as session:
        yield session


def safe_url() -> str:
    return db.engine.url.render_as_string(hide_password=True)


def part_file(target: Path, output: Path, *, newline: str) -> tuple[IO[str], Path]:
    """A hidden ``.<name>.….part`` file beside ``target``, to be renamed over it when complete
    (or removed): an export never leaves a half-written file under the name asked for."""
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - the caller closes or removes it
            "w",
            encoding="utf-8",
            newline=newline,
            dir=target.parent,
            prefix=f".{target.name}.",
            suffix=".part",
            delete=False,
        )
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    return handle, Path(handle.name)
