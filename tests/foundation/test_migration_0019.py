"""Migration 0019: the kept counts per status are filled from the claims at upgrade, follow every
change through their triggers, and go away (table, triggers, function) at downgrade."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.foundation.test_migrations import _tables, empty_db  # noqa: F401 - the fixture

CLAIMS = sa.table(
    "claims",
    sa.column("id", sa.Integer),
    *(sa.column(c, sa.String) for c in ("text", "claim_reviewed", "language", "status")),
    sa.column("reasons", sa.JSON),
    sa.column("quantities", sa.JSON),
    sa.column("priority", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _claim(n: int, status: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": n,
        "text": f"claim {n}",
        "claim_reviewed": f"claim {n}",
        "language": "fr",
        "status": status,
        "reasons": [],
        "quantities": [],
        "priority": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _kept(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(sa.text("SELECT status, n FROM claim_status_counts WHERE n <> 0"))
    return {status: int(n) for status, n in rows}


def test_0019_fills_the_counts_keeps_them_and_goes_down_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as conn:
            conn.execute(
                CLAIMS.insert(),
                [_claim(1, "new"), _claim(2, "new"), _claim(3, "queued")],
            )
        upgrade(revision="0019")
        with db.engine.begin() as conn:
            assert _kept(conn) == {"new": 2, "queued": 1}
            conn.execute(CLAIMS.insert(), [_claim(4, "queued")])
            conn.execute(sa.text("UPDATE claims SET status = 'queued' WHERE id = 1"))
            conn.execute(sa.text("UPDATE claims SET priority = 2 WHERE id = 2"))  # no move
            assert _kept(conn) == {"new": 1, "queued": 3}  # in the same transaction
            conn.execute(sa.text("DELETE FROM claims WHERE id = 3"))
        with db.engine.connect() as conn:
            assert _kept(conn) == {"new": 1, "queued": 2}
        downgrade(revision="0015")
        assert "claim_status_counts" not in _tables(db.engine)
        with db.engine.begin() as conn:  # no trigger is left writing to a missing table
            conn.execute(CLAIMS.insert(), [_claim(5, "new")])
            conn.execute(sa.text("UPDATE claims SET status = 'queued' WHERE id = 5"))
            conn.execute(sa.text("DELETE FROM claims WHERE id = 5"))
        upgrade(revision="0019")
        with db.engine.connect() as conn:
            assert _kept(conn) == {"new": 1, "queued": 2}
        db.engine.dispose()
