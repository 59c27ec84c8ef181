"""Migration 0024: the kept counts per status and language are filled from the claims at upgrade,
follow every insert, delete and change of status or language through their triggers (in the
writing transaction), and go back to migration 0019's counts per status at downgrade — whose
triggers then keep those again."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.foundation.test_migration_0019 import CLAIMS, _claim, _kept
from tests.foundation.test_migrations import empty_db  # noqa: F401 - the fixture


def _claim_in(n: int, status: str, language: str) -> dict[str, object]:
    return {**_claim(n, status), "language": language}


def _kept_by_language(conn: sa.Connection) -> dict[tuple[str, str], int]:
    rows = conn.execute(sa.text("SELECT status, language, n FROM claim_status_counts WHERE n <> 0"))
    return {(status, language): int(n) for status, language, n in rows}


def _counted(conn: sa.Connection) -> dict[tuple[str, str], int]:
    rows = conn.execute(
        sa.text("SELECT status, language, count(*) FROM claims GROUP BY status, language")
    )
    return {(status, language): int(n) for status, language, n in rows}


def test_0024_fills_the_counts_per_language_keeps_them_and_goes_down_again(
    empty_db,  # noqa: F811
):
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0023")
        with db.engine.begin() as conn:
            conn.execute(
                CLAIMS.insert(),
                [
                    _claim_in(1, "new", "fr"),
                    _claim_in(2, "new", "en"),
                    _claim_in(3, "queued", "fr"),
                    _claim_in(4, "new", "fr"),
                ],
            )
        upgrade(revision="0024")
        with db.engine.begin() as conn:
            assert _kept_by_language(conn) == {
                ("new", "fr"): 2,
                ("new", "en"): 1,
                ("queued", "fr"): 1,
            }
            conn.execute(CLAIMS.insert(), [_claim_in(5, "queued", "en")])
            conn.execute(sa.text("UPDATE claims SET status = 'queued' WHERE id = 1"))
            conn.execute(sa.text("UPDATE claims SET language = 'en' WHERE id = 3"))
            conn.execute(
                sa.text(
                    "UPDATE claims SET status = 'dismissed', dismiss_reason = 'opinion', "
                    "language = 'en' WHERE id = 4"
                )
            )
            conn.execute(sa.text("UPDATE claims SET priority = 2 WHERE id = 2"))  # no move
            conn.execute(sa.text("UPDATE claims SET language = 'en' WHERE id = 2"))  # the same
            expected = {
                ("new", "en"): 1,
                ("queued", "fr"): 1,
                ("queued", "en"): 2,
                ("dismissed", "en"): 1,
            }
            assert _kept_by_language(conn) == expected == _counted(conn)  # in the transaction
            conn.execute(sa.text("DELETE FROM claims WHERE id = 3"))
            assert _kept_by_language(conn) == _counted(conn)
        with db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE claims SET status = 'new' WHERE id = 5"))
            assert _kept_by_language(conn) == _counted(conn)
            conn.rollback()  # a rolled-back change leaves the counts as they were
        with db.engine.connect() as conn:
            assert _kept_by_language(conn) == _counted(conn)
            assert _kept_by_language(conn)[("queued", "en")] == 1

        downgrade(revision="0023")  # back to the counts per status, filled from the claims
        with db.engine.begin() as conn:
            assert _kept(conn) == {"new": 1, "queued": 2, "dismissed": 1}
            conn.execute(CLAIMS.insert(), [_claim_in(6, "new", "fr")])
            conn.execute(sa.text("UPDATE claims SET status = 'queued' WHERE id = 2"))
            conn.execute(sa.text("UPDATE claims SET language = 'fr' WHERE id = 4"))
            conn.execute(sa.text("DELETE FROM claims WHERE id = 5"))
            assert _kept(conn) == {"new": 1, "queued": 2, "dismissed": 1}
        upgrade(revision="0024")
        with db.engine.connect() as conn:
            assert (
                _kept_by_language(conn)
                == _counted(conn)
                == {
                    ("new", "fr"): 1,
                    ("queued", "fr"): 1,
                    ("queued", "en"): 1,
                    ("dismissed", "fr"): 1,
                }
            )
        db.engine.dispose()
