"""The main navigation: which sections a signed-in user sees, by role."""

from __future__ import annotations

from flask import Flask, current_app
from flask_login import current_user

from factcheck.models import Role

# (endpoint, label, lowest role that sees it); entries whose endpoint is not registered are skipped.
NAV: list[tuple[str, str, Role]] = [
    ("articles.index", "Articles", Role.REVIEWER),
    ("claims.queue", "Queue", Role.REVIEWER),
    ("outlets.index", "Outlets", Role.REVIEWER),
    ("dashboard.index", "Dashboard", Role.EDITOR),
    ("audit.index", "Audit", Role.EDITOR),
    ("admin.users", "Users", Role.ADMIN),
    ("admin.scales", "Rating scales", Role.ADMIN),
    ("admin.organisation", "Organisation", Role.ADMIN),
    ("admin.fact_checks.index", "Imported fact-checks", Role.ADMIN),
    ("admin.webhooks.index", "Webhooks", Role.ADMIN),
    ("tokens.admin_index", "API tokens", Role.ADMIN),
]


def nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, label)
        for endpoint, label, role in NAV
        if endpoint in current_app.view_functions and current_user.has_role(role)
    ]


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["has_endpoint"] = has_endpoint
