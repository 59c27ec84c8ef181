"""Claims indexed by assignee and status (the header's counts), and by publication (the dashboard).

Every signed-in page counts the claims its user holds (``assignee_id = me AND status IN
('in_review', 'awaiting_approval')``, ``inbox.services.counts``). With ``assignee_id`` alone
indexed, each of those claims' rows was read to test its status: a reviewer holding a few
thousand claims paid that on every page. ``(assignee_id, status)`` answers the count from the
index, and still serves every lookup by assignee, so it replaces ``ix_claims_assignee_id``.

The dashboard reads the claims published in its date range (time to publish, verdicts, the
weekly count, the load per reviewer): ``ix_claims_published_at`` makes that a range scan of the
index instead of a scan of every claim (NULL for the unpublished, most of them).

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
    op.create_index("ix_claims_published_at", "claims", ["published_at"])


def downgrade() -> None:
    op.drop_index("ix_claims_published_at", table_name="claims")
    op.create_index("ix_claims_assignee_id", "claims", ["assignee_id"])
    op.drop_index("ix_claims_assignee_status", table_name="claims")
