"""The main navigation: which sections a signed-in user sees, by role."""

from __future__ import annotations

from flask import Flask, current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from factcheck.models import Role

# (endpoint, label, lowest role that sees it); entries whose endpoint is not registered are skipped.
NAV: list[tuple[str, LazyString, Role]] = [
    ("articles.index", _l("Articles"), Role.REVIEWER),
    ("claims.queue", _l("Queue"), Role.REVIEWER),
    ("outlets.index", _l("Outlets"), Role.REVIEWER),
    ("dashboard.index", _l("Dashboard"), Role.EDITOR),
    ("audit.index", _l("Audit"), Role.EDITOR),
    ("admin.users", _l("Users"), Role.ADMIN),
    ("admin.scales", _l("Rating scales"), Role.ADMIN),
    ("admin.organisation", _l("Organisation"), Role.ADMIN),
    ("admin.fact_checks.index", _l("Imported fact-checks"), Role.ADMIN),
    ("admin.webhooks.index", _l("Webhooks"), Role.ADMIN),
    ("tokens.admin_index", _l("API tokens"), Role.ADMIN),
]
# The roles as the header's badge names them (the value stays the machine's).
ROLE_LABELS = {
    Role.REVIEWER.value: _l("reviewer"),
    Role.EDITOR.value: _l("editor"),
    Role.ADMIN.value: _l("admin"),
}


def nav_items() -> list[tuple[str, str]]:
    if not current_user.is_authenticated:
        return []
    return [
        (endpoint, str(label))
        for endpoint, label, role in NAV
        if endpoint in current_app.view_functions and current_user.has_role(role)
    ]


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
