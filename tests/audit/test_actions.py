"""Audit action names live in one enum; the append refuses any other string."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa

from factcheck.audit.actions import AuditAction, is_known
from factcheck.audit.history import ACTION_WORDS
from factcheck.audit.log import AuditError, record
from factcheck.audit.refusals import ACTIONS
from factcheck.extensions import db
from factcheck.models import AuditEvent

PACKAGE = Path(__file__).resolve().parents[2] / "factcheck"


def events() -> list[tuple[str, str]]:
    rows = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.body).order_by(AuditEvent.seq)
    )
    return [(a, b) for a, b in rows]


def test_recording_a_string_that_is_not_an_action_is_refused_and_writes_nothing(app):
    with app.app_context():
        before = events()
        with pytest.raises(AuditError, match=r"'claim\.takes' is not an audit action"):
            record(db.session, actor=None, action="claim.takes", entity_type="claim")
        db.session.rollback()
        assert events() == before


def test_a_member_is_stored_as_the_same_string_as_before(app):
    with app.app_context():
        record(db.session, actor=None, action=AuditAction.CLAIM_TAKE, entity_type="claim")
        record(db.session, actor=None, action="claim.take", entity_type="claim")
        record(db.session, actor=None, action="claim.take.denied", entity_type="claim")
        db.session.commit()
        stored = events()[-3:]
        assert [a for a, _ in stored] == ["claim.take", "claim.take", "claim.take.denied"]
        assert all(type(a) is str for a, _ in stored)
        assert all('"action":"claim.take' in body for _, body in stored)


@pytest.mark.parametrize(
    ("action", "known"),
    [
        ("claim.take", True),
        ("logout", True),
        ("2fa.enable", True),
        ("user.active.denied", True),
        ("memory.link.denied", True),  # an endpoint without a declared action, refused
        ("claim.takes", False),
        ("Claim.Take", False),
        ("", False),
        (".denied", False),
    ],
)
def test_known_actions(action, known):
    assert is_known(action) is known


def _action_strings(tree: ast.AST) -> list[tuple[int, str]]:
    """String constants given as ``action=`` (also both sides of ``a if c else b``)."""
    found: list[tuple[int, str]] = []

    def strings(node: ast.AST) -> list[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.IfExp):
            return strings(node.body) + strings(node.orelse)
        return []

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "action":
                    found += [(node.lineno, s) for s in strings(keyword.value)]
    return found


def _action_keywords(tree: ast.AST) -> int:
    """How many calls pass ``action=`` (whatever its value)."""
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "action"
    )


def test_every_action_written_anywhere_in_the_package_is_named_by_the_enum():
    """No call spells an action as a string any more: each is an ``AuditAction`` member."""
    spelled = []
    calls = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls += _action_keywords(tree)
        for line, value in _action_strings(tree):
            if value in {"store_true", "store_false", "append", "count"}:  # argparse
                continue
            spelled.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {value}")
    assert spelled == []
    assert calls > 50  # the scan does see the package's calls


def test_the_tables_keyed_by_action_use_the_enum():
    assert set(ACTION_WORDS) <= set(AuditAction)
    assert all(isinstance(a, AuditAction) for a in ACTION_WORDS)
    assert all(isinstance(a, AuditAction) for a in ACTIONS.values())
