"""Migration 0021: the search words are filled for the claims already there, indexed on both
databases and kept for new rows; downgrade gives back the search of 0003/0008, and up again
fills the words anew."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from factcheck import textsearch
from factcheck.claims import queries
from factcheck.extensions import db
from factcheck.models import Claim
from tests.conftest import make_app
from tests.foundation.test_migrations import empty_db  # noqa: F401 - the fixture

CLAIMS = sa.table(
    "claims",
    sa.column("id", sa.Integer),
    *(
        sa.column(c, sa.String)
        for c in ("text", "claim_reviewed", "claimant_name", "language", "status")
    ),
    sa.column("reasons", sa.JSON),
    sa.column("quantities", sa.JSON),
    sa.column("priority", sa.Integer),
    sa.column("version", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)

ROWS = {
    1: ("La défense européenne a coûté 300 milliards.", "Éric Lombard", "fr"),
    2: ("Les soldats nord-coréens ont été envoyés à Koursk.", None, "fr"),
    3: ("More soldiers were deployed to the border.", "Donald Trump", "en"),
}


def _claim(n: int, text: str, claimant: str | None, language: str) -> dict[str, object]:
    now = datetime.now(UTC)
    return {
        "id": n,
        "text": text,
        "claim_reviewed": text,
        "claimant_name": claimant,
        "language": language,
        "status": "new",
        "reasons": [],
        "quantities": [],
        "priority": 0,
        "version": 1,
        "created_at": now,
        "updated_at": now,
    }


def _found(query: str) -> set[int]:
    """Claim ids the app's search finds (the schema at 0021)."""
    condition = queries.search_condition(db.session, queries.search_terms(query))
    found = set(db.session.scalars(sa.select(Claim.id).where(condition)))
    db.session.rollback()
    return found


def _found_before_0021(conn: sa.Connection, word: str) -> set[int]:
    """Claim ids the search of 0003 (SQLite) / 0008 (PostgreSQL) finds for one word prefix."""
    if conn.dialect.name == "sqlite":
        sql = "SELECT rowid FROM claims_fts WHERE claims_fts MATCH :q"
        return set(conn.execute(sa.text(sql), {"q": f'"{word}"*'}).scalars())
    sql = "SELECT id FROM claims WHERE search_document @@ to_tsquery('simple', :q)"
    return set(conn.execute(sa.text(sql), {"q": f"{word}:*"}).scalars())


def _columns(engine: sa.Engine) -> set[str]:
    return {c["name"] for c in sa.inspect(engine).get_columns("claims")}


def test_0021_fills_indexes_and_keeps_the_search_words_and_goes_down_again(empty_db):  # noqa: F811
    app = make_app(empty_db)
    with app.app_context():
        upgrade(revision="0020")
        with db.engine.begin() as conn:
            conn.execute(CLAIMS.insert(), [_claim(n, *row) for n, row in ROWS.items()])
        upgrade(revision="0021")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT id, search_words FROM claims")).all())
        assert stored == {n: textsearch.document(*row) for n, row in ROWS.items()}
        assert _found("defense") == {1}  # accents folded
        assert _found("sold") == {2, 3}  # a word start: « soldats » and "soldiers"
        assert _found("soldat") == {2}
        assert _found("soldier") == {3}
        assert _found("eric lombard") == {1}  # the claimant
        # A row written after the upgrade is indexed by the trigger (SQLite) or the generated
        # column (PostgreSQL); its words come from the column's default through the model.
        db.session.execute(sa.insert(Claim), [_claim(4, "L'État défend ses armées.", None, "fr")])
        db.session.commit()
        assert _found("armee") == {4}
        assert _found("ETAT défend") == {4}
        db.session.execute(sa.update(Claim).where(Claim.id == 4).values(search_words="koursk"))
        db.session.commit()
        assert _found("koursk") == {2, 4}  # the index follows an update of the words
        assert _found("armee") == set()
        db.session.remove()

        downgrade(revision="0020")
        assert "search_words" not in _columns(db.engine)
        with db.engine.begin() as conn:
            assert _found_before_0021(conn, "défense") == {1}
            assert _found_before_0021(conn, "defense") == set()  # 0003 kept the accents
            conn.execute(
                CLAIMS.insert(), [_claim(5, "Le cœur du sujet est l'énergie.", None, "fr")]
            )
            assert _found_before_0021(conn, "cœur") == {5}
            conn.execute(sa.text("UPDATE claims SET text = 'Rien à voir.' WHERE id = 5"))
            assert _found_before_0021(conn, "cœur") == set()
            conn.execute(sa.text("DELETE FROM claims WHERE id = 5"))

        upgrade(revision="0021")
        with db.engine.connect() as conn:
            stored = dict(conn.execute(sa.text("SELECT id, search_words FROM claims")).all())
        assert stored[4] == textsearch.document("L'État défend ses armées.", None, "fr")
        assert _found("coeur") == set()
        assert _found("armees") == {4}
        db.session.remove()
        db.engine.dispose()
