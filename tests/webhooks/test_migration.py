"""Migration 0017: the webhook tables come with it and go with its downgrade, data and all."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.foundation.test_migrations import empty_db  # noqa: F401 (the fixture)

TABLES = {"webhook_endpoints", "webhook_events", "webhook_deliveries", "webhook_attempts"}


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_0017_adds_the_webhook_tables_and_drops_them_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0015")
        assert not TABLES & _tables()
        upgrade(revision="0017")
        assert _tables() >= TABLES
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO webhook_endpoints (id, url, description, secret, events, active,"
                    " created_at, updated_at) VALUES (1, 'https://cms.example.org/h', '',"
                    " 'whsec_AAAA', '[\"claim.published\"]', true, :now, :now)"
                ),
                {"now": "2026-12-01 00:00:00+00:00"},
            )
        # The secret must be in the documented format.
        try:
            with db.engine.begin() as conn:
                conn.execute(
                    sa.text(
                        "INSERT INTO webhook_endpoints (id, url, description, secret, events,"
                        " active, created_at, updated_at) VALUES (2, 'https://x.example.org/',"
                        " '', 'plain', '[]', true, :now, :now)"
                    ),
                    {"now": "2026-12-01 00:00:00+00:00"},
                )
            refused = False
        except sa.exc.IntegrityError:
            refused = True
        assert refused
        downgrade(revision="0015")
        assert not TABLES & _tables()
        assert "claims" in _tables()
        upgrade()
        assert _tables() >= TABLES
        db.engine.dispose()
