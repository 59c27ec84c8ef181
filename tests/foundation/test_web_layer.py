"""The web layer's shape (issue 13): one commit, in the request spine; no view imports another's.

These read the source, as a reviewer would: every ``views.py``, every ``*_views.py`` and the
whole API package are the web layer; ``factcheck/web/`` is the spine that commits for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "factcheck"
SPINE = PACKAGE / "web"


def web_layer() -> list[Path]:
    found = {
        *PACKAGE.rglob("views.py"),
        *PACKAGE.rglob("*_views.py"),
        *(PACKAGE / "api").rglob("*.py"),
    }
    return sorted(p for p in found if SPINE not in p.parents)


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


def test_only_the_spine_commits_in_the_web_layer():
    offenders = [
        f"{path.relative_to(PACKAGE.parent)}:{number}"
        for path in web_layer()
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
