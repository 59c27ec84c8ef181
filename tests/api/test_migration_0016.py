"""Migration 0016 adds ``api_tokens`` with its named constraints, and takes it away again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck.extensions import db
from tests.conftest import make_app
from tests.foundation.test_migrations import _tables, empty_db  # noqa: F401 - the fixture


def test_0016_adds_the_token_table_with_its_rules_and_drops_it_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0015")
        assert "api_tokens" not in _tables(db.engine)
        upgrade(revision="0016")
        assert "api_tokens" in _tables(db.engine)
        now = datetime.now(UTC)
        users = sa.table(
            "users",
            *(sa.column(c, sa.String) for c in ("email", "display_name", "role", "password_hash")),
            sa.column("id", sa.Integer),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        tokens = sa.table(
            "api_tokens",
            *(sa.column(c, sa.String) for c in ("name", "prefix", "token_hash", "scopes")),
            *(sa.column(c, sa.Integer) for c in ("id", "user_id", "revoked_by_id")),
            *(
                sa.column(c, sa.DateTime(timezone=True))
                for c in ("created_at", "expires_at", "revoked_at")
            ),
        )
        with db.engine.begin() as conn:
            conn.execute(
                users.insert(),
                {
                    "id": 1,
                    "email": "a@example.org",
                    "display_name": "A",
                    "role": "admin",
                    "password_hash": "x",
                    "created_at": now,
                },
            )
        row = {
            "user_id": 1,
            "name": "CMS",
            "prefix": "fct_abcdefgh",
            "scopes": "read",
            "created_at": now,
        }
        with db.engine.begin() as conn:
            conn.execute(tokens.insert(), {**row, "token_hash": "a" * 64})
        bad = [
            ({"token_hash": "b" * 64}, "uq_api_tokens_token_hash|UNIQUE"),  # same hash as #2
            ({"token_hash": "short"}, "hash_is_sha256"),
            ({"token_hash": "c" * 64, "name": ""}, "name_not_empty"),
            ({"token_hash": "c" * 64, "scopes": ""}, "scopes_not_empty"),
            (
                {"token_hash": "c" * 64, "expires_at": now - timedelta(days=1)},
                "expires_after_creation",
            ),
            ({"token_hash": "c" * 64, "revoked_by_id": 1}, "revoker_only_when_revoked"),
        ]
        with db.engine.begin() as conn:
            conn.execute(tokens.insert(), {**row, "token_hash": "b" * 64})
        for values, rule in bad:
            with pytest.raises(sa.exc.IntegrityError, match=rule), db.engine.begin() as conn:
                conn.execute(tokens.insert(), {**row, **values})
        downgrade(revision="0015")
        assert "api_tokens" not in _tables(db.engine)
        upgrade()
        assert "api_tokens" in _tables(db.engine)
        db.engine.dispose()
