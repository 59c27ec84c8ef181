"""Test data made through the real services, so every row has its audit event."""

from __future__ import annotations

from typing import Any

from flask import Flask

from factcheck.auth.services import create_user
from factcheck.extensions import db
from factcheck.models import Role, User
from tests.helpers import PASSWORD


def make_user(email: str, role: Role, name: str | None = None) -> User:
    return create_user(db.session, email=email, password=PASSWORD, role=role,
                       display_name=name, actor=None)


def make_users(app: Flask) -> dict[str, Any]:
    with app.app_context():
        made = {
            "admin": make_user("admin@example.org", Role.ADMIN, "Ada Admin"),
            "editor": make_user("editor@example.org", Role.EDITOR, "Eddie Editor"),
            "editor2": make_user("editor2@example.org", Role.EDITOR, "Edna Editor"),
            "reviewer": make_user("reviewer@example.org", Role.REVIEWER, "Rita Reviewer"),
            "reviewer2": make_user("reviewer2@example.org", Role.REVIEWER, "Rob Reviewer"),
        }
        db.session.commit()
        for user in made.values():
            db.session.refresh(user)
            db.session.expunge(user)
        return made
