"""Full-text search over claim text and claimant, the same on SQLite and PostgreSQL.

Both backends index the same words: the claim sentence and the claimant's name, cut at every
character that is not a letter or a digit, lower-cased, accents kept (so "État" matches "état" but
not "etat", in French and English alike).

* SQLite: an FTS5 external-content table ``claims_fts`` over ``claims`` (tokenizer ``unicode61``
  with ``remove_diacritics 0``), kept in step by triggers. The insert trigger heals the index if
  rows were deleted behind its back (bulk maintenance, test wipes that drop triggers): when the
  new row's id is already in the index, it rebuilds the index from ``claims`` instead of adding a
  second copy of that id.
* PostgreSQL: a GIN expression index on ``to_tsvector('simple', …)`` of the same text, with every
  run of non-alphanumeric characters replaced by a space first (so "2.5" or an e-mail address is
  split into words exactly as FTS5 splits them). Queries must use the identical expression
  (``factcheck.claims.queries.PG_SEARCH_DOCUMENT``) for the index to be used.

Neither object is part of the SQLAlchemy models; ``migrations/env.py`` leaves them out of
autogenerate. A later batch-mode migration that recreates ``claims`` on SQLite drops the triggers
with the table and must create them again (and run ``INSERT INTO claims_fts(claims_fts) VALUES
('rebuild')``).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE claims_fts USING fts5(
         text, claimant_name,
         content='claims', content_rowid='id',
         tokenize='unicode61 remove_diacritics 0'
       )""",
    """CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
         INSERT INTO claims_fts(claims_fts) SELECT 'rebuild'
           WHERE EXISTS (SELECT 1 FROM claims_fts_docsize WHERE id = new.id);
         INSERT INTO claims_fts(rowid, text, claimant_name)
           SELECT new.id, new.text, new.claimant_name
           WHERE NOT EXISTS (SELECT 1 FROM claims_fts_docsize WHERE id = new.id);
       END""",
    """CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, text, claimant_name)
           VALUES ('delete', old.id, old.text, old.claimant_name);
       END""",
    """CREATE TRIGGER claims_fts_update AFTER UPDATE OF text, claimant_name ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, text, claimant_name)
           VALUES ('delete', old.id, old.text, old.claimant_name);
         INSERT INTO claims_fts(rowid, text, claimant_name)
           VALUES (new.id, new.text, new.claimant_name);
       END""",
    "INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER claims_fts_update",
    "DROP TRIGGER claims_fts_delete",
    "DROP TRIGGER claims_fts_insert",
    "DROP TABLE claims_fts",
]

POSTGRES_UP = [
    """CREATE INDEX ix_claims_search ON claims USING gin (
         to_tsvector('simple'::regconfig, regexp_replace(
           coalesce(text, '') || ' ' || coalesce(claimant_name, ''), '[^[:alnum:]]+', ' ', 'g'
         ))
       )""",
]
POSTGRES_DOWN = ["DROP INDEX ix_claims_search"]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_UP)
    elif dialect == "postgresql":
        _run(POSTGRES_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _run(SQLITE_DOWN)
    elif dialect == "postgresql":
        _run(POSTGRES_DOWN)
