"""The kept counts per status are kept per status and language, so a language filter's are too.

The queue filtered on a language counted its claims per status by reading them (capped at
10,000 matches: ≈ 40,000 rows read when a quarter of 1,000,000 claims are in that language,
100 ms and more). ``claim_status_counts`` (migration 0019) now holds one row per status and
language; the same row triggers on ``claims`` add one for an insert, take one away for a delete
and move one for a change of status or of language, inside the writing transaction, so a reader
sees exactly the counts of the claims it sees (never stale), whoever writes. The unfiltered
counts add up the languages of each status (a few rows). The table is filled from the claims at
upgrade, and migration 0019's table (per status) from the claims at downgrade. On
PostgreSQL the two rows a change touches are updated in one statement in key order, as before.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = (
    """CREATE TRIGGER claim_status_counts_insert AFTER INSERT ON claims BEGIN
        INSERT INTO claim_status_counts (status, language, n) VALUES (NEW.status, NEW.language, 1)
        ON CONFLICT (status, language) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER claim_status_counts_delete AFTER DELETE ON claims BEGIN
        INSERT INTO claim_status_counts (status, language, n) VALUES (OLD.status, OLD.language, -1)
        ON CONFLICT (status, language) DO UPDATE SET n = n - 1;
    END""",
    """CREATE TRIGGER claim_status_counts_update AFTER UPDATE OF status, language ON claims
    WHEN OLD.status IS NOT NEW.status OR OLD.language IS NOT NEW.language BEGIN
        INSERT INTO claim_status_counts (status, language, n) VALUES (OLD.status, OLD.language, -1)
        ON CONFLICT (status, language) DO UPDATE SET n = n - 1;
        INSERT INTO claim_status_counts (status, language, n) VALUES (NEW.status, NEW.language, 1)
        ON CONFLICT (status, language) DO UPDATE SET n = n + 1;
    END""",
)

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION claim_status_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO claim_status_counts AS c (status, language, n)
        VALUES (NEW.status, NEW.language, 1)
        ON CONFLICT (status, language) DO UPDATE SET n = c.n + 1;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO claim_status_counts AS c (status, language, n)
        VALUES (OLD.status, OLD.language, -1)
        ON CONFLICT (status, language) DO UPDATE SET n = c.n - 1;
    ELSIF OLD.status IS DISTINCT FROM NEW.status OR OLD.language IS DISTINCT FROM NEW.language
    THEN
        INSERT INTO claim_status_counts AS c (status, language, n)
        SELECT s, l, d FROM (VALUES (OLD.status, OLD.language, -1), (NEW.status, NEW.language, 1))
            AS v (s, l, d) ORDER BY s, l
        ON CONFLICT (status, language) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_UPDATE_TRIGGER = (
    "CREATE TRIGGER claim_status_counts_update AFTER UPDATE OF status, language ON claims "
    "FOR EACH ROW EXECUTE FUNCTION claim_status_counts_apply()"
)

# Migration 0019's triggers and function, put back at downgrade.
SQLITE_TRIGGERS_0019 = (
    """CREATE TRIGGER claim_status_counts_insert AFTER INSERT ON claims BEGIN
        INSERT INTO claim_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER claim_status_counts_delete AFTER DELETE ON claims BEGIN
        INSERT INTO claim_status_counts (status, n) VALUES (OLD.status, -1)
        ON CONFLICT (status) DO UPDATE SET n = n - 1;
    END""",
    """CREATE TRIGGER claim_status_counts_update AFTER UPDATE OF status ON claims
    WHEN OLD.status IS NOT NEW.status BEGIN
        INSERT INTO claim_status_counts (status, n) VALUES (OLD.status, -1)
        ON CONFLICT (status) DO UPDATE SET n = n - 1;
        INSERT INTO claim_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
    END""",
)
POSTGRES_FUNCTION_0019 = """
CREATE OR REPLACE FUNCTION claim_status_counts_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO claim_status_counts AS c (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = c.n + 1;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO claim_status_counts AS c (status, n) VALUES (OLD.status, -1)
        ON CONFLICT (status) DO UPDATE SET n = c.n - 1;
    ELSIF OLD.status IS DISTINCT FROM NEW.status THEN
        INSERT INTO claim_status_counts AS c (status, n)
        SELECT s, d FROM (VALUES (OLD.status, -1), (NEW.status, 1)) AS v (s, d) ORDER BY s
        ON CONFLICT (status) DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_UPDATE_TRIGGER_0019 = (
    "CREATE TRIGGER claim_status_counts_update AFTER UPDATE OF status ON claims "
    "FOR EACH ROW EXECUTE FUNCTION claim_status_counts_apply()"
)


def _drop_triggers(postgres: bool) -> None:
    if postgres:  # the insert/delete trigger calls the same function, replaced in place
        op.execute("DROP TRIGGER claim_status_counts_update ON claims")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER claim_status_counts_{name}")


LENGTHS = {"status": 24, "language": 8}  # the key columns' lengths, as on the model


def _rebuild(keys: tuple[str, ...], postgres_sql: tuple[str, str], sqlite: tuple[str, ...]) -> None:
    """The kept counts again, keyed by ``keys``: triggers off, the table made and filled from the
    claims, then the triggers for those keys (``postgres_sql``: function and update trigger)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    _drop_triggers(postgres)
    op.drop_table("claim_status_counts")
    op.create_table(
        "claim_status_counts",
        *(
            sa.Column(key, sa.String(length=LENGTHS[key]), nullable=False)
            for key in keys
        ),
        sa.Column("n", sa.BigInteger(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(*keys, name=op.f("pk_claim_status_counts")),
    )
    columns = ", ".join(keys)
    op.execute(
        f"INSERT INTO claim_status_counts ({columns}, n) "
        f"SELECT {columns}, count(*) FROM claims GROUP BY {columns}"
    )
    for statement in postgres_sql if postgres else sqlite:
        op.execute(statement)


def upgrade():
    _rebuild(("status", "language"), (POSTGRES_FUNCTION, POSTGRES_UPDATE_TRIGGER), SQLITE_TRIGGERS)


def downgrade():
    _rebuild(
        ("status",),
        (POSTGRES_FUNCTION_0019, POSTGRES_UPDATE_TRIGGER_0019),
        SQLITE_TRIGGERS_0019,
    )
