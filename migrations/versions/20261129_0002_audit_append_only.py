"""Make the audit trail append-only in the database itself.

UPDATE and DELETE on ``audit_events`` are refused by triggers (TRUNCATE too on PostgreSQL, where
the triggers are ``ENABLE ALWAYS`` so that even replication-role sessions fire them). The chain
head may only move forward one event at a time and cannot be deleted.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END""",
    """CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
       BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END""",
    """CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE ON audit_chain_head
       WHEN NEW.seq <> OLD.seq + 1 OR NEW.id <> OLD.id
       BEGIN SELECT RAISE(ABORT, 'audit_chain_head only moves forward by one event'); END""",
    """CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
       BEGIN SELECT RAISE(ABORT, 'audit_chain_head cannot be deleted'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER audit_chain_head_no_delete",
    "DROP TRIGGER audit_chain_head_forward",
    "DROP TRIGGER audit_events_no_delete",
    "DROP TRIGGER audit_events_no_update",
]

POSTGRES_UP = [
    """CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP
           USING ERRCODE = 'insufficient_privilege';
       END $$""",
    """CREATE FUNCTION audit_chain_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' OR NEW.seq <> OLD.seq + 1 OR NEW.id <> OLD.id THEN
           RAISE EXCEPTION 'audit_chain_head only moves forward by one event'
             USING ERRCODE = 'insufficient_privilege';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
       FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
    """CREATE TRIGGER audit_chain_head_forward BEFORE UPDATE OR DELETE ON audit_chain_head
       FOR EACH ROW EXECUTE FUNCTION audit_chain_head_forward()""",
    """CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
       FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()""",
    "ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_update_delete",
    "ALTER TABLE audit_events ENABLE ALWAYS TRIGGER audit_events_no_truncate",
    "ALTER TABLE audit_chain_head ENABLE ALWAYS TRIGGER audit_chain_head_forward",
    "ALTER TABLE audit_chain_head ENABLE ALWAYS TRIGGER audit_chain_head_no_truncate",
]
POSTGRES_DOWN = [
    "DROP TRIGGER audit_chain_head_no_truncate ON audit_chain_head",
    "DROP TRIGGER audit_chain_head_forward ON audit_chain_head",
    "DROP TRIGGER audit_events_no_truncate ON audit_events",
    "DROP TRIGGER audit_events_no_update_delete ON audit_events",
    "DROP FUNCTION audit_chain_head_forward()",
    "DROP FUNCTION audit_events_append_only()",
]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    _run(POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP)


def downgrade():
    _run(POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN)
