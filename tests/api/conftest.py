"""Tokens for the API tests, made through the real service (so each has its audit event)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from flask import Flask

from factcheck.extensions import db
from factcheck.models import User


def make_token(
    app: Flask, email: str, scopes: Iterable[str] = ("read",), name: str = "test", **kwargs: Any
) -> str:
    from factcheck.auth.tokens import create_token

    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        assert user is not None
        made = create_token(db.session, user, name=name, scopes=scopes, actor=user, **kwargs)
        db.session.commit()
        return made.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


ALL = ("read", "ingest", "review", "publish")


@pytest.fixture
def token_for(app: Flask, users: dict[str, Any]) -> Callable[..., dict[str, str]]:
    """``token_for("editor", "read", "review")`` → the Authorization header of a new token."""

    def make(role: str, *scopes: str) -> dict[str, str]:
        return bearer(make_token(app, users[role].email, scopes or ALL))

    return make
