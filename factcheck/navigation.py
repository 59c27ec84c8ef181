"""The main navigation: which sections a signed-in user sees, by role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import LazyString
from flask_login import current_user

from factcheck.i18n import lazy_gettext as _l
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


_SLOT = 9_876_543_210_123  # an id no row has, to find where ids go in a built URL


def url_for_each(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """``url_for(endpoint, **{key: id}, **values)`` for many ids, built by ``url_for`` once:
    a page of fifty rows links each row without fifty calls to the URL map."""

    def one(object_id: int) -> str:
        arguments: dict[str, Any] = {**values, key: object_id}
        return url_for(endpoint, **arguments)

    head, slot, tail = one(_SLOT).partition(str(_SLOT))
    if not slot or str(_SLOT) in tail:  # the id is not written as itself: build each
        return one
    return lambda object_id: f"{head}{int(object_id)}{tail}"


def init_app(app: Flask) -> None:
    app.jinja_env.globals["nav_items"] = nav_items
    app.jinja_env.globals["has_endpoint"] = has_endpoint
    app.jinja_env.globals["url_for_each"] = url_for_each
    app.jinja_env.globals["role_labels"] = ROLE_LABELS
