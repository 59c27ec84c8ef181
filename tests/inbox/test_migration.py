"""Migration 0018: the notifications table and the users' preference and marker columns."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.foundation.test_migrations import empty_db  # noqa: F401 - the fixture


def test_0018_adds_notifications_and_user_columns_and_drops_them_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
        parent = script.get_revision("0018").down_revision
        upgrade(revision=parent)
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (email, display_name, role, password_hash, active, "
                    "created_at) VALUES ('a@example.org', 'A', 'editor', 'x', true, :now)"
                ),
                {"now": datetime.now(UTC)},
            )
        upgrade(revision="0018")
        inspector = sa.inspect(db.engine)
        assert "notifications" in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("users")}
        assert {"email_notifications", "claims_seen_at"} <= columns
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT email_notifications, claims_seen_at FROM users")
            ).one()
        assert not row[0] and row[1] is None  # an existing user: no e-mail, never looked
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO notifications (user_id, kind, message, created_at) "
                    "VALUES (1, 'assigned', 'm', :now)"
                ),
                {"now": datetime.now(UTC)},
            )
        downgrade(revision=parent)
        inspector = sa.inspect(db.engine)
        assert "notifications" not in inspector.get_table_names()
        columns = {c["name"] for c in inspector.get_columns("users")}
        assert not {"email_notifications", "claims_seen_at"} & columns
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM users")).scalar() == 1
        db.engine.dispose()
