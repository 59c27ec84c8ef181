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


def test_0009_snapshots_published_verdicts_and_marks_one_editor_corrections(empty_db):
    """A database at 0008 with a published claim, corrected once by one editor alone and holding
    a draft: the published verdicts get their rating as shown until now; the lone correction is
    marked ``approved_alone``; later scale edits no longer reach them; down again keeps the rows."""
    from factcheck.models import Role
    from factcheck.ratings.services import ensure_default_scales
    from tests.factories import make_claim, make_user

    app = make_app(empty_db)
    with app.app_context():
        # The rows are made through today's models (at head), then the schema goes down to 0008:
        # the models know columns that later revisions add, so they cannot write at 0008.
        upgrade(revision="head")
        editor = make_user("editor@example.org", Role.EDITOR)
        reviewer = make_user("reviewer@example.org", Role.REVIEWER)
        claim = make_claim(actor=reviewer)
        scale = ensure_default_scales(db.session, actor=None)[0]
        rating = {v.label: v.id for v in scale.values}
        db.session.commit()
        ids = {"claim": claim.id, "editor": editor.id, "reviewer": reviewer.id}
        scale_name = scale.name
        db.session.remove()
        downgrade(revision="0008")
        verdicts = sa.table(
            "verdicts",
            *(
                sa.column(c, sa.Integer)
                for c in (
                    "id",
                    "claim_id",
                    "rating_value_id",
                    "proposed_by_id",
                    "approved_by_id",
                    "corrects_id",
                    "created_by_id",
                )
            ),
            *(sa.column(c, sa.String) for c in ("summary", "explanation", "state")),
            sa.column("correction_note", sa.String),
            *(
                sa.column(c, sa.DateTime(timezone=True))
                for c in ("proposed_at", "approved_at", "created_at")
            ),
        )
        now = datetime.now(UTC)
        base = {"claim_id": ids["claim"], "explanation": "", "created_at": now}
        rows = [
            # the first verdict: reviewer proposed, editor approved, later superseded
            {
                **base,
                "id": 1,
                "rating_value_id": rating["Vrai"],
                "summary": "Oui.",
                "state": "superseded",
                "proposed_by_id": ids["reviewer"],
                "proposed_at": now,
                "approved_by_id": ids["editor"],
                "approved_at": now,
                "created_by_id": ids["reviewer"],
                "corrects_id": None,
                "correction_note": None,
            },
            # its correction, made and approved by the one editor (allowed before 0009)
            {
                **base,
                "id": 2,
                "rating_value_id": rating["Plutôt vrai"],
                "summary": "Presque.",
                "state": "approved",
                "proposed_by_id": ids["editor"],
                "proposed_at": now,
                "approved_by_id": ids["editor"],
                "approved_at": now,
                "created_by_id": ids["editor"],
                "corrects_id": 1,
                "correction_note": "Précision.",
            },
        ]
        with db.engine.begin() as conn:
            conn.execute(verdicts.insert(), rows)
            conn.execute(
                sa.text(
                    "UPDATE claims SET status = 'published', published_verdict_id = 2, "
                    "published_at = :now, slug = 'le-claim', assignee_id = :r WHERE id = :id"
                ),
                {"now": now, "r": ids["reviewer"], "id": ids["claim"]},
            )
        upgrade(revision="0009")
        columns = (
            "id, snapshot_label, snapshot_value, snapshot_best, snapshot_worst, "
            "snapshot_definition, snapshot_scale, snapshot_language, approved_alone"
        )
        with db.engine.connect() as conn:
            got = {
                r[0]: tuple(r[1:]) for r in conn.execute(sa.text(f"SELECT {columns} FROM verdicts"))
            }
        assert got[1][:4] == ("Vrai", 5, 5, 1) and got[2][:4] == ("Plutôt vrai", 4, 5, 1)
        assert got[1][4].startswith("L'affirmation est exacte") and got[1][5:7] == (
            scale_name,
            "fr",
        )
        assert [bool(got[1][7]), bool(got[2][7])] == [False, True]
        # The rules hold from now on: no new verdict approved by its proposer...
        with pytest.raises(sa.exc.IntegrityError, match="two_person_rule"), db.engine.begin() as c:
            c.execute(sa.text("UPDATE verdicts SET approved_alone = false WHERE id = 2"))
        # ...nor published without its snapshot.
        with (
            pytest.raises(sa.exc.IntegrityError, match="published_has_snapshot"),
            db.engine.begin() as conn,
        ):
            conn.execute(sa.text("UPDATE verdicts SET snapshot_best = NULL WHERE id = 1"))
        # A scale edit after the backfill no longer reaches a published verdict.
        with db.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE rating_values SET value = 20 WHERE id = :id"),
                {"id": rating["Plutôt faux"]},
            )
            best = conn.execute(sa.text("SELECT snapshot_best FROM verdicts WHERE id = 2")).scalar()
        assert best == 5
        downgrade(revision="0008")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM verdicts")).scalar() == 2
            names = {c["name"] for c in sa.inspect(conn).get_columns("verdicts")}
        assert "snapshot_label" not in names and "approved_alone" not in names
        upgrade(revision="0009")
        db.engine.dispose()
