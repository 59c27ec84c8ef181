"""French-aware search, the same on SQLite and PostgreSQL: stored search words, indexed as they are.

The search of migrations 0003 and 0008 kept accents and matched word prefixes only, so
"defense" missed « défense » and « soldats » missed « soldat ». Each database could fold and stem
on its own (PostgreSQL: ``unaccent`` and a ``french`` configuration; SQLite: FTS5's
``remove_diacritics`` and no stemmer at all), but then the two would not find the same claims:
their tokenisers, accent tables, Unicode versions, stemmer versions and stop words all differ,
and SQLite has no French stemmer to match PostgreSQL's.

So the words are made once, in Python, by :mod:`factcheck.textsearch` (PyStemmer, the Snowball
stemmers PostgreSQL's ``french_stem`` and ``english_stem`` are built from) and stored in a new
column ``claims.search_words``: every word of the text and claimant folded (case, accents,
ligatures), French elisions cut, plus its stems in the claim's language, as one space-separated
string of tokens made of letters and digits only. The databases index that string without
splitting or changing anything of their own:

* SQLite: the FTS5 external-content table ``claims_fts`` is made again over ``search_words``
  with the ``ascii`` tokenizer, which splits only at ASCII spaces and punctuation and keeps every
  other character as it is (no Unicode tables, no folding of its own), kept in step by the same
  triggers as 0003 (the insert trigger still heals an index whose rows were deleted behind its
  back).
* PostgreSQL: the stored generated tsvector ``search_document`` (0008) becomes
  ``array_to_tsvector`` of the tokens — lexemes exactly as stored, never parsed, stemmed or
  dropped as stop words — still GIN-indexed as ``ix_claims_search``. No extension is needed.

A search (``factcheck.claims.queries.search_condition``) looks each term up as a prefix of any
token, or as one of its French or English stems exactly: FTS5 ``("sold"* OR "soldat")``,
tsquery ``('sold':* | 'soldat')``. Both compare the same stored strings byte for byte, so the two
databases return the same claims; ``tests/queue/test_search_french.py`` checks it on a table.

The words are filled here for existing claims (in batches, by id) with today's
:func:`factcheck.textsearch.document`. The app keeps them for new and edited claims (the
column's default and a ``before_update`` hook on the model). A change to how words are made needs
a new migration that fills them again (:func:`fill_search_words` here). Downgrade drops the
column and restores the search of 0003 (SQLite) and 0008 (PostgreSQL).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

# The one app module a migration imports: the words filled here must be the ones the app makes.
from factcheck.textsearch import document

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

BATCH = 1000

# --- SQLite ---------------------------------------------------------------------------------

SQLITE_OLD_TRIGGERS = ("claims_fts_update", "claims_fts_delete", "claims_fts_insert")

SQLITE_UP = [
    """CREATE VIRTUAL TABLE claims_fts USING fts5(
         search_words, content='claims', content_rowid='id', tokenize='ascii'
       )""",
    """CREATE TRIGGER claims_fts_insert AFTER INSERT ON claims BEGIN
         INSERT INTO claims_fts(claims_fts) SELECT 'rebuild'
           WHERE EXISTS (SELECT 1 FROM claims_fts_docsize WHERE id = new.id);
         INSERT INTO claims_fts(rowid, search_words)
           SELECT new.id, new.search_words
           WHERE NOT EXISTS (SELECT 1 FROM claims_fts_docsize WHERE id = new.id);
       END""",
    """CREATE TRIGGER claims_fts_delete AFTER DELETE ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, search_words)
           VALUES ('delete', old.id, old.search_words);
       END""",
    """CREATE TRIGGER claims_fts_update AFTER UPDATE OF search_words ON claims BEGIN
         INSERT INTO claims_fts(claims_fts, rowid, search_words)
           VALUES ('delete', old.id, old.search_words);
         INSERT INTO claims_fts(rowid, search_words) VALUES (new.id, new.search_words);
       END""",
    "INSERT INTO claims_fts(claims_fts) VALUES ('rebuild')",
]

# Migration 0003's table and triggers, for the downgrade.
SQLITE_DOWN = [
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

# --- PostgreSQL -----------------------------------------------------------------------------

# The tokens as lexemes, unparsed (array_remove: a stray double space is no empty lexeme).
PG_DOCUMENT = "array_to_tsvector(array_remove(string_to_array(search_words, ' '), ''))"
# Migration 0008's document, for the downgrade.
PG_OLD_DOCUMENT = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(text, '') || ' ' || coalesce(claimant_name, ''), '[^[:alnum:]]+', ' ', 'g'))"
)


def fill_search_words(conn):
    """Work out ``claims.search_words`` for every claim, in batches of :data:`BATCH` by id."""
    claims = sa.table(
        "claims",
        sa.column("id", sa.Integer),
        sa.column("text", sa.Text),
        sa.column("claimant_name", sa.String),
        sa.column("language", sa.String),
        sa.column("search_words", sa.Text),
    )
    update = (
        sa.update(claims)
        .where(claims.c.id == sa.bindparam("claim_id"))
        .values(search_words=sa.bindparam("words"))
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(claims.c.id, claims.c.text, claims.c.claimant_name, claims.c.language)
            .where(claims.c.id > last)
            .order_by(claims.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(
            update,
            [
                {"claim_id": row.id, "words": document(row.text, row.claimant_name, row.language)}
                for row in rows
            ],
        )
        last = rows[-1].id


def upgrade():
    conn = op.get_bind()
    dialect = conn.dialect.name
    if dialect == "sqlite":
        for name in SQLITE_OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE claims_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_claims_search")
        op.execute("ALTER TABLE claims DROP COLUMN search_document")
    op.execute("ALTER TABLE claims ADD COLUMN search_words TEXT DEFAULT '' NOT NULL")
    fill_search_words(conn)
    if dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE claims ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_claims_search ON claims USING gin (search_document)")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_OLD_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        op.execute("DROP TABLE claims_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX ix_claims_search")
        op.execute("ALTER TABLE claims DROP COLUMN search_document")
    op.execute("ALTER TABLE claims DROP COLUMN search_words")
    if dialect == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE claims ADD COLUMN search_document tsvector "
            f"GENERATED ALWAYS AS ({PG_OLD_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_claims_search ON claims USING gin (search_document)")
