"""PostgreSQL search reads a stored tsvector instead of computing one per row.

Migration 0003 indexed an expression (``to_tsvector`` over the claim text and claimant). The GIN
index finds rare words fast, but a word found in most claims makes the planner prefer a
sequential scan, which then computes that expression for every row: about 13 µs a claim, so a
common word took 135 ms on 10,000 claims and would take over a second on 100,000. A stored
generated column holds the same document, kept up to date by PostgreSQL itself; the GIN index
moves to it, and a scan reads the stored words instead of recomputing them (a few ms).

SQLite is unchanged: its FTS5 table already stores the words. The column is not part of the
models (``factcheck.claims.queries.SEARCH_OBJECTS``); the ORM never selects or writes it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

DOCUMENT = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(text, '') || ' ' || coalesce(claimant_name, ''), '[^[:alnum:]]+', ' ', 'g'))"
)


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE claims ADD COLUMN search_document tsvector "
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    op.execute("DROP INDEX ix_claims_search")
    op.execute("CREATE INDEX ix_claims_search ON claims USING gin (search_document)")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_claims_search")
    op.execute("ALTER TABLE claims DROP COLUMN search_document")
    op.execute(f"CREATE INDEX ix_claims_search ON claims USING gin (({DOCUMENT}))")
