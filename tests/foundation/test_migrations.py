"""Migrations are code: the models match ``upgrade head``, and every revision goes down and up."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from factcheck.claims.queries import include_object
from factcheck.extensions import db
from tests import dbutil
from tests.conftest import PG_SKIP_REASON, PG_URL, make_app

MIGRATION_SCHEMA = "factcheck_migration_test"


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request, tmp_path):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip(PG_SKIP_REASON)
        dbutil.reset_postgres_schema(PG_URL, MIGRATION_SCHEMA)
        base = dbutil.sqlalchemy_url(PG_URL)
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{MIGRATION_SCHEMA}"
        dbutil.reset_postgres_schema(PG_URL, MIGRATION_SCHEMA)
    else:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"


def _revisions(app):
    script = ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _tables(engine):
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_models_match_upgrade_head(empty_db):
    app = make_app(empty_db)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(
                    conn, opts={"compare_type": True, "include_object": include_object}
                ),
                db.metadata,
            )
        db.engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_every_revision_downgrades_and_upgrades_again(empty_db):
    app = make_app(empty_db)
    with app.app_context():
        revisions = _revisions(app)
        assert revisions[0] == "0001"
        for rev in revisions:
            upgrade(revision=rev)
        assert "audit_events" in _tables(db.engine)
        for rev in reversed(revisions[:-1]):
            downgrade(revision=rev)
        downgrade(revision="base")
        assert _tables(db.engine) == set()
        upgrade()
        assert "claims" in _tables(db.engine)
        db.engine.dispose()


def test_0006_keys_the_shipped_scales_of_an_existing_database(empty_db):
    """A database at 0005 holding the shipped scales (one renamed, with values) gets their keys."""
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0005")
        scales = sa.table(
            "rating_scales",
            sa.column("id", sa.Integer),
            sa.column("name", sa.String),
            sa.column("language", sa.String),
            sa.column("is_default", sa.Boolean),
            sa.column("created_at", sa.DateTime(timezone=True)),
        )
        values = sa.table(
            "rating_values",
            *(sa.column(c, sa.Integer) for c in ("scale_id", "value", "position")),
            *(sa.column(c, sa.String) for c in ("label", "definition")),
        )
        now = datetime.now(UTC)
        rows = [
            (1, "Échelle par défaut (français)", "fr", True),
            (2, "Default scale (English)", "en", True),
            (3, "House scale", "en", False),
        ]
        with db.engine.begin() as conn:
            conn.execute(
                scales.insert(),
                [
                    {"id": i, "name": n, "language": lang, "is_default": d, "created_at": now}
                    for i, n, lang, d in rows
                ],
            )
            conn.execute(
                values.insert(),
                [
                    {"scale_id": i, "label": f"L{v}", "value": v, "definition": "", "position": v}
                    for i, *_ in rows
                    for v in (1, 2)
                ],
            )
        upgrade(revision="0006")
        with db.engine.connect() as conn:
            keys = dict(conn.execute(sa.text("SELECT id, shipped_key FROM rating_scales")).all())
            value_rows = conn.execute(sa.text("SELECT count(*) FROM rating_values")).scalar()
        assert keys == {1: "fr", 2: "en", 3: None}
        assert value_rows == 6
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE rating_scales SET shipped_key = 'fr' WHERE id = 3"))
        downgrade(revision="0005")
        assert "shipped_key" not in {
            c["name"] for c in sa.inspect(db.engine).get_columns("rating_scales")
        }
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM rating_values")).scalar() == 6
        db.engine.dispose()


def test_0007_adds_the_one_row_organisation_table_and_drops_it_again(empty_db):
    """No row is made: the configuration stays in force until an admin saves the page."""
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0006")
        assert "organisation_settings" not in _tables(db.engine)
        upgrade(revision="0007")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM organisation_settings")).scalar() == 0
        settings = sa.table(
            "organisation_settings",
            sa.column("id", sa.Integer),
            *(sa.column(c, sa.String) for c in ("name", "url")),
            sa.column("same_as", sa.JSON),
            sa.column("updated_at", sa.DateTime(timezone=True)),
        )
        row = {"name": "Le Desk", "url": "https://verif.example.fr/", "same_as": []}
        with db.engine.begin() as conn:
            conn.execute(settings.insert(), {**row, "id": 1, "updated_at": datetime.now(UTC)})
        with pytest.raises(sa.exc.IntegrityError, match="single_row"), db.engine.begin() as conn:
            conn.execute(settings.insert(), {**row, "id": 2, "updated_at": datetime.now(UTC)})
        with db.engine.connect() as conn:
            version = conn.execute(sa.text("SELECT version FROM organisation_settings")).scalar()
        assert version == 1  # the server default for rows written outside the app
        downgrade(revision="0006")
        assert "organisation_settings" not in _tables(db.engine)
        db.engine.dispose()
