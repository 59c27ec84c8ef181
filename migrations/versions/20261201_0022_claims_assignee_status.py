"""Claims by assignee and status in one index, so the header's counts read the index alone.

Every signed-in page counts the claims its user holds (``assignee_id = me AND status IN
('in_review', 'awaiting_approval')``, ``inbox.services.counts``). With ``assignee_id`` alone
indexed, each of those claims' rows was read to test its status: a reviewer holding a few
thousand claims paid that on every page. ``(assignee_id, status)`` answers the count from the
index, and still serves every lookup by assignee, so it replaces ``ix_claims_assignee_id``.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claims_assignee_status", "claims", ["assignee_id", "status"])
    op.drop_index("ix_claims_assignee_id", table_name="claims")


def downgrade() -> None:
    op.create_index("ix_claims_assignee_id", "claims", ["assignee_id"])
    op.drop_index("ix_claims_assignee_status", table_name="claims")
