"""Helpers for the administration tests: read the database the way an auditor would."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from factcheck.extensions import db
from factcheck.models import AuditEvent


@contextmanager
def in_db(app: Flask) -> Iterator[Any]:
    """An application context whose session is discarded afterwards."""
    with app.app_context():
        try:
            yield db.session
        finally:
            db.session.rollback()
            db.session.remove()


def audit_actions(app: Flask, *, with_refusals: bool = False) -> list[str]:
    """The recorded changes in order; a refusal's ``….denied`` event only ``with_refusals``."""
    query = sa.select(AuditEvent.action).order_by(AuditEvent.seq)
    if not with_refusals:
        query = query.where(AuditEvent.action.not_like("%.denied"))
    with in_db(app) as session:
        return list(session.scalars(query))


def text(response: TestResponse) -> str:
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def scales(app: Flask, users: dict[str, Any]) -> dict[str, int]:
    """The shipped French and English scales, by language: ``{"fr": id, "en": id}``."""
    from factcheck.ratings.services import ensure_default_scales

    with in_db(app) as session:
        made = ensure_default_scales(session, actor=None)
        ids = {s.language: s.id for s in made}
        session.commit()
    return ids
