"""The web layer's shape (issue 13): one commit, in the request spine; no view imports another's.

These read the source, as a reviewer would: every ``views.py``, every ``*_views.py``, the
whole API package and every module whose functions the app runs around a request (request hooks,
error handlers, URL preprocessors, context processors: ``audit/refusals.py``'s after-request
hook, ``errors.py``…) are the web layer; ``factcheck/web/`` is the spine that commits for them.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parents[2] / "factcheck"
SPINE = PACKAGE / "web"


def web_layer() -> list[Path]:
    found = {
        *PACKAGE.rglob("views.py"),
        *PACKAGE.rglob("*_views.py"),
        *(PACKAGE / "api").rglob("*.py"),
    }
    return sorted(p for p in found if SPINE not in p.parents)


def hook_functions(app: Any) -> Iterable[Any]:
    """Every function the app (or one of its blueprints) runs around a request."""
    registries = (
        app.before_request_funcs,
        app.after_request_funcs,
        app.teardown_request_funcs,
        app.url_value_preprocessors,
        app.url_default_functions,
        app.template_context_processors,
    )
    for registry in registries:
        yield from chain.from_iterable(registry.values())
    for by_code in app.error_handler_spec.values():
        for handlers in by_code.values():
            yield from handlers.values()


def hook_modules(app: Any) -> list[Path]:
    """The files of this package that hold those functions."""
    names = {getattr(f, "__module__", None) or "" for f in hook_functions(app)}
    files = {
        Path(str(sys.modules[name].__file__)).resolve()
        for name in names
        if name == "factcheck" or name.startswith("factcheck.")
    }
    return sorted(p for p in files if SPINE not in p.parents)


def view_modules() -> list[Path]:
    return sorted({*PACKAGE.rglob("views.py"), *PACKAGE.rglob("*_views.py")})


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (``from a import b`` counts a and a.b)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_web_layer_includes_every_new_feature():
    names = {module_name(p) for p in web_layer()}
    for expected in (
        "factcheck.api.views",
        "factcheck.api.cycle",
        "factcheck.api.access",
        "factcheck.auth.token_views",
        "factcheck.webhooks.views",
        "factcheck.inbox.views",
        "factcheck.dashboard.views",
        "factcheck.claims.views",
        "factcheck.admin.views",
    ):
        assert expected in names
    assert not any(name.startswith("factcheck.web.") for name in names)


def test_the_web_layer_includes_the_request_hooks(app):
    names = {module_name(p) for p in hook_modules(app)}
    for expected in (
        "factcheck.audit.refusals",  # after every request: a refusal's .denied event
        "factcheck.errors",  # the error pages
        "factcheck.security",  # the headers of every response
        "factcheck.auth.__init__",  # sign-in required
        "factcheck.__init__",  # the request id and the write intent
        "factcheck.api.access",  # the API's token
    ):
        assert expected in names
    assert not any(name.startswith("factcheck.web.") for name in names)


def test_only_the_spine_commits_in_the_web_layer(app):
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in sorted({*web_layer(), *hook_modules(app)})
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "session.commit()" in line
    ]
    assert offenders == []
    assert "db.session.commit()" in (SPINE / "spine.py").read_text(encoding="utf-8")


def test_no_view_module_imports_another_blueprints_views():
    views = {module_name(p): p for p in view_modules()}
    offenders = sorted(
        f"{name} imports {other}"
        for name, path in views.items()
        for other in imported_modules(path)
        if other in views and other != name
    )
    assert offenders == []


def test_the_checks_see_what_they_look_for(tmp_path):
    """The two readers above find a commit and a view-to-view import when there is one."""
    bad = tmp_path / "views.py"
    bad.write_text(
        "from factcheck.admin.views import bp\n"
        "from factcheck.claims import views\n"
        "def f():\n"
        "    from factcheck.inbox.views import bp as inbox\n"
        "    db.session.commit()\n",
        encoding="utf-8",
    )
    names = imported_modules(bad)
    assert {"factcheck.admin.views", "factcheck.claims.views", "factcheck.inbox.views"} <= names
    assert any("session.commit()" in line for line in bad.read_text().splitlines())
