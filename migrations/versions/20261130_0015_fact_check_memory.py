"""The fact-check memory: imported ClaimReviews, and the earlier fact-checks a claim matches.

``factcheck import claimreview`` only reported what it would import; now it stores other
organisations' fact-checks in ``imported_fact_checks`` (every field we model, plus the original
JSON), one row per review: the same ``review_url`` or the same publisher + claim + day
(``identity_key``) updates the row. ``claim_matches`` holds, per claim, the ranked earlier
fact-checks (ours or imported) that look like it, and what the desk decided about them;
``followed_feeds`` the feeds the background worker imports on a schedule.
``claims.is_example`` marks the worked example that ``factcheck seed --worked-example``
publishes (its public page says it is an example).

Revision ID: 0015
Revises: 0013
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "imported_fact_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_url", sa.String(length=2000), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("publisher_name", sa.Text(), nullable=False),
        sa.Column("publisher_url", sa.Text(), nullable=True),
        sa.Column("review_author_name", sa.Text(), nullable=True),
        sa.Column("claim_reviewed", sa.Text(), nullable=False),
        sa.Column("headline", sa.Text(), nullable=True),
        sa.Column("claimant_name", sa.Text(), nullable=True),
        sa.Column("claimant_type", sa.String(length=24), nullable=True),
        sa.Column("claimant_same_as", sa.Text(), nullable=True),
        sa.Column("claim_date", sa.Date(), nullable=True),
        sa.Column("appearance_url", sa.Text(), nullable=True),
        sa.Column("appearance_headline", sa.Text(), nullable=True),
        sa.Column("appearance_is_first", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("rating_label", sa.Text(), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("rating_explanation", sa.Text(), nullable=True),
        sa.Column("rating_description", sa.Text(), nullable=True),
        sa.Column("date_published", sa.Date(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("date_modified", sa.Date(), nullable=True),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("language_inferred", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "length(review_url) > 0", name=op.f("ck_imported_fact_checks_review_url_not_empty")
        ),
        sa.CheckConstraint(
            "length(publisher_name) > 0", name=op.f("ck_imported_fact_checks_publisher_not_empty")
        ),
        sa.CheckConstraint(
            "length(claim_reviewed) > 0", name=op.f("ck_imported_fact_checks_claim_not_empty")
        ),
        sa.CheckConstraint(
            "length(rating_label) > 0", name=op.f("ck_imported_fact_checks_rating_label_not_empty")
        ),
        sa.CheckConstraint(
            "length(language) > 0", name=op.f("ck_imported_fact_checks_language_not_empty")
        ),
        sa.CheckConstraint(
            "rating_value IS NULL OR best_rating IS NULL OR worst_rating IS NULL"
            " OR best_rating <= worst_rating"
            " OR (rating_value >= worst_rating AND rating_value <= best_rating)",
            name=op.f("ck_imported_fact_checks_rating_on_scale"),
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["users.id"],
            name=op.f("fk_imported_fact_checks_imported_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_fact_checks")),
        sa.UniqueConstraint("identity_key", name=op.f("uq_imported_fact_checks_identity_key")),
        sa.UniqueConstraint("review_url", name=op.f("uq_imported_fact_checks_review_url")),
    )
    op.create_index(
        "ix_imported_fact_checks_published_at", "imported_fact_checks", ["published_at"]
    )
    op.create_table(
        "claim_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("fact_check_id", sa.Integer(), nullable=True),
        sa.Column("published_claim_id", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "linked",
                "duplicate",
                name="match_decision",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(fact_check_id IS NULL) <> (published_claim_id IS NULL)",
            name=op.f("ck_claim_matches_one_target"),
        ),
        sa.CheckConstraint("rank >= 1", name=op.f("ck_claim_matches_rank_positive")),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_matches_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fact_check_id"],
            ["imported_fact_checks.id"],
            name=op.f("fk_claim_matches_fact_check_id_imported_fact_checks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["published_claim_id"],
            ["claims.id"],
            name=op.f("fk_claim_matches_published_claim_id_claims"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_matches")),
    )
    op.create_index("ix_claim_matches_claim_id", "claim_matches", ["claim_id"])
    op.create_index("ix_claim_matches_fact_check_id", "claim_matches", ["fact_check_id"])
    op.create_table(
        "followed_feeds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_outcome", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(url) > 0", name=op.f("ck_followed_feeds_url_not_empty")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_followed_feeds_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followed_feeds")),
        sa.UniqueConstraint("url", name=op.f("uq_followed_feeds_url")),
    )
    # Plain ALTER TABLE on both databases: batch mode would rebuild ``claims`` on SQLite and
    # lose its full-text triggers (migrations 0003 and 0008).
    op.add_column(
        "claims", sa.Column("is_example", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade():
    # Imported fact-checks and matches go with their tables; a worked example stays published
    # but is no longer marked as one.
    op.drop_column("claims", "is_example")  # SQLite >= 3.35 drops a column in place
    op.drop_table("followed_feeds")
    op.drop_index("ix_claim_matches_fact_check_id", table_name="claim_matches")
    op.drop_index("ix_claim_matches_claim_id", table_name="claim_matches")
    op.drop_table("claim_matches")
    op.drop_index("ix_imported_fact_checks_published_at", table_name="imported_fact_checks")
    op.drop_table("imported_fact_checks")
