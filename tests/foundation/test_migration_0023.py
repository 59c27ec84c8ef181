"""Migration 0023: the dashboard's kept counts are filled from the existing claims and events at
upgrade, follow changes through their triggers, and go away (tables, triggers, functions) at
downgrade — leaving no trigger that writes to a missing table."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.dashboard.test_kept_counts import _walked, assert_same_figures
from tests.factories import make_users
from tests.foundation.test_migrations import _tables, empty_db  # noqa: F401 - the fixture

KEPT = {"claim_day_counts", "claim_assignee_counts", "claim_publications", "triage_day_counts"}


def _kept_rows(conn: sa.Connection) -> int:
    return sum(conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in KEPT)


def test_0023_fills_the_counts_keeps_them_and_goes_down_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        upgrade()
    users = make_users(app)
    _walked(app, users, random.Random(5), 8)
    with app.app_context():
        downgrade(revision="0022")
        assert not KEPT & _tables(db.engine)
        with db.engine.begin() as conn:  # no trigger is left writing to a missing table
            conn.execute(sa.text("UPDATE claims SET language = 'en' WHERE id = 1"))
            conn.execute(sa.text("UPDATE claims SET created_at = published_at WHERE id = 2"))
        upgrade(revision="0023")
        with db.engine.connect() as conn:
            assert _kept_rows(conn) > 0
        assert_same_figures(datetime.now(UTC))
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE claims SET language = 'fr' WHERE id = 1"))
        assert_same_figures(datetime.now(UTC))
        db.session.remove()
        db.engine.dispose()
