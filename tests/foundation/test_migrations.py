"""Migrations are code: the models match ``upgrade head``, and every revision goes down and up."""

from __future__ import annotations

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
