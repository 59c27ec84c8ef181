"""Queue indexes in the exact orders the queue sorts by, so keyset pages are index range scans.

The old ix_claims_queue (status, priority, score, created_at) could not serve
``priority DESC, score DESC NULLS LAST, created_at, id``, and sorting by score or priority across
all statuses had no index at all. SQLite puts NULLs last in a DESC index already and does not
accept NULLS LAST in an index, so the spelling depends on the database; the models do not declare
these indexes (``factcheck.claims.queries.SORT_INDEXES``).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _orders():
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    score = sa.text(f"score DESC{nulls_last}")
    priority_order = [sa.text("priority DESC"), score, sa.text("created_at"), sa.text("id")]
    score_order = [score, sa.text("id")]
    return priority_order, score_order


def upgrade():
    priority_order, score_order = _orders()
    op.drop_index("ix_claims_queue", table_name="claims")
    op.create_index("ix_claims_queue", "claims", [sa.text("status"), *priority_order])
    op.create_index("ix_claims_priority_order", "claims", priority_order)
    op.create_index("ix_claims_status_score", "claims", [sa.text("status"), *score_order])
    op.create_index("ix_claims_score_order", "claims", score_order)


def downgrade():
    op.drop_index("ix_claims_score_order", table_name="claims")
    op.drop_index("ix_claims_status_score", table_name="claims")
    op.drop_index("ix_claims_priority_order", table_name="claims")
    op.drop_index("ix_claims_queue", table_name="claims")
    op.create_index("ix_claims_queue", "claims", ["status", "priority", "score", "created_at"])
