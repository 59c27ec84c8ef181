"""Initial schema: users and sessions, articles, claims, sources, verdicts, notes, rating scales
and the audit trail with its one-row chain head.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

GENESIS_HASH = "0" * 64

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    op.create_table('rating_scales',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_scales')),
    sa.UniqueConstraint('name', name=op.f('uq_rating_scales_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('display_name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('reviewer', 'editor', 'admin', name='role', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), server_default=sa.true(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('email = lower(email)', name=op.f('ck_users_email_lowercase')),
    sa.CheckConstraint('length(display_name) > 0', name=op.f('ck_users_display_name_not_empty')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('headline', sa.String(length=500), nullable=True),
    sa.Column('byline', sa.String(length=300), nullable=True),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('raw', sa.Text(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_articles_body_not_empty')),
    sa.CheckConstraint('length(content_hash) = 64', name=op.f('ck_articles_content_hash_sha256')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_articles_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_articles')),
    sa.UniqueConstraint('content_hash', name=op.f('uq_articles_content_hash'))
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_articles_created_at'), ['created_at'], unique=False)

    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('entity_type', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('client_addr', sa.String(length=64), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('seq >= 1', name=op.f('ck_audit_events_seq_positive')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('hash', name=op.f('uq_audit_events_hash'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_action', ['action'], unique=False)
        batch_op.create_index('ix_audit_events_actor_id', ['actor_id'], unique=False)
        batch_op.create_index('ix_audit_events_entity', ['entity_type', 'entity_id', 'seq'], unique=False)
        batch_op.create_index('ix_audit_events_occurred_at', ['occurred_at'], unique=False)

    op.create_table('rating_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scale_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.Column('definition', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('length(label) > 0', name=op.f('ck_rating_values_label_not_empty')),
    sa.CheckConstraint('value >= 1', name=op.f('ck_rating_values_value_at_least_one')),
    sa.ForeignKeyConstraint(['scale_id'], ['rating_scales.id'], name=op.f('fk_rating_values_scale_id_rating_scales')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating_values')),
    sa.UniqueConstraint('scale_id', 'label', name='uq_rating_values_scale_label'),
    sa.UniqueConstraint('scale_id', 'value', name='uq_rating_values_scale_value')
    )
    with op.batch_alter_table('rating_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rating_values_scale_id'), ['scale_id'], unique=False)

    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('client_addr', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_user_sessions_token_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('start_offset', sa.Integer(), nullable=True),
    sa.Column('end_offset', sa.Integer(), nullable=True),
    sa.Column('claim_reviewed', sa.String(length=500), nullable=False),
    sa.Column('claimant_name', sa.String(length=200), nullable=True),
    sa.Column('claimant_type', sa.Enum('Person', 'Organization', name='claimant_type', native_enum=False, create_constraint=True, length=24), nullable=True),
    sa.Column('claimant_same_as', sa.String(length=2000), nullable=True),
    sa.Column('claim_date', sa.Date(), nullable=True),
    sa.Column('appearance_url', sa.String(length=2000), nullable=True),
    sa.Column('appearance_headline', sa.String(length=500), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('quantities', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('new', 'queued', 'dismissed', 'in_review', 'awaiting_approval', 'published', name='status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('dismiss_reason', sa.String(length=500), nullable=True),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), server_default='0', nullable=False),
    sa.Column('published_verdict_id', sa.Integer(), nullable=True),
    sa.Column('slug', sa.String(length=200), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'dismissed' OR (dismiss_reason IS NOT NULL AND length(dismiss_reason) > 0)", name=op.f('ck_claims_dismissed_has_reason')),
    sa.CheckConstraint("status <> 'published' OR published_verdict_id IS NOT NULL", name=op.f('ck_claims_published_has_verdict')),
    sa.CheckConstraint("status NOT IN ('in_review', 'awaiting_approval') OR assignee_id IS NOT NULL", name=op.f('ck_claims_in_review_has_assignee')),
    sa.CheckConstraint('(start_offset IS NULL AND end_offset IS NULL) OR (article_id IS NOT NULL AND start_offset >= 0 AND end_offset > start_offset)', name=op.f('ck_claims_span_within_article')),
    sa.CheckConstraint('length(text) > 0', name=op.f('ck_claims_text_not_empty')),
    sa.CheckConstraint('priority BETWEEN 0 AND 3', name=op.f('ck_claims_priority_range')),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 1)', name=op.f('ck_claims_score_range')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_claims_article_id_articles')),
    sa.ForeignKeyConstraint(['assignee_id'], ['users.id'], name=op.f('fk_claims_assignee_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_claims_created_by_id_users')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['claims.id'], name=op.f('fk_claims_duplicate_of_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('slug', name=op.f('uq_claims_slug'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_claims_created_at', ['created_at'], unique=False)
        batch_op.create_index('ix_claims_queue', ['status', 'priority', 'score', 'created_at'], unique=False)

    op.create_table('notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(body) > 0', name=op.f('ck_notes_body_not_empty')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_notes_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_claim_id'), ['claim_id'], unique=False)

    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('date_published', sa.Date(), nullable=True),
    sa.Column('date_accessed', sa.Date(), nullable=True),
    sa.Column('excerpt', sa.Text(), nullable=True),
    sa.Column('stance', sa.Enum('supports', 'refutes', 'context', name='stance', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('archive_url', sa.String(length=2000), nullable=True),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("archive_url IS NULL OR archive_url LIKE 'http://%' OR archive_url LIKE 'https://%'", name=op.f('ck_sources_archive_url_http')),
    sa.CheckConstraint("url LIKE 'http://%' OR url LIKE 'https://%'", name=op.f('ck_sources_url_http')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_sources_added_by_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_sources_claim_id_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources'))
    )
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sources_claim_id'), ['claim_id'], unique=False)

    op.create_table('verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('rating_value_id', sa.Integer(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'proposed', 'approved', 'superseded', name='state', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('correction_note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("state NOT IN ('approved', 'superseded') OR (approved_by_id IS NOT NULL AND approved_at IS NOT NULL)", name=op.f('ck_verdicts_approved_has_approver')),
    sa.CheckConstraint("state NOT IN ('proposed', 'approved', 'superseded') OR (proposed_by_id IS NOT NULL AND proposed_at IS NOT NULL AND rating_value_id IS NOT NULL AND length(summary) > 0)", name=op.f('ck_verdicts_proposed_is_complete')),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> proposed_by_id OR corrects_id IS NOT NULL', name=op.f('ck_verdicts_two_person_rule')),
    sa.CheckConstraint('corrects_id IS NULL OR (correction_note IS NOT NULL AND length(correction_note) > 0)', name=op.f('ck_verdicts_correction_has_note')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_verdicts_approved_by_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_verdicts_claim_id_claims')),
    sa.ForeignKeyConstraint(['corrects_id'], ['verdicts.id'], name=op.f('fk_verdicts_corrects_id_verdicts')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_verdicts_created_by_id_users')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_verdicts_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['rating_value_id'], ['rating_values.id'], name=op.f('fk_verdicts_rating_value_id_rating_values')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verdicts'))
    )
    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verdicts_claim_id'), ['claim_id'], unique=False)

    # claims and verdicts point at each other: this key can only exist once both tables do.
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_foreign_key(
            'fk_claims_published_verdict_id_verdicts', 'verdicts', ['published_verdict_id'], ['id']
        )

    chain_head = sa.table('audit_chain_head', sa.column('id'), sa.column('seq'), sa.column('hash'))
    op.bulk_insert(chain_head, [{'id': 1, 'seq': 0, 'hash': GENESIS_HASH}])


def downgrade():
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_constraint('fk_claims_published_verdict_id_verdicts', type_='foreignkey')

    with op.batch_alter_table('verdicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verdicts_claim_id'))

    op.drop_table('verdicts')
    with op.batch_alter_table('sources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sources_claim_id'))

    op.drop_table('sources')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notes_claim_id'))

    op.drop_table('notes')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_queue')
        batch_op.drop_index('ix_claims_created_at')
        batch_op.drop_index(batch_op.f('ix_claims_assignee_id'))
        batch_op.drop_index(batch_op.f('ix_claims_article_id'))

    op.drop_table('claims')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
    with op.batch_alter_table('rating_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rating_values_scale_id'))

    op.drop_table('rating_values')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_occurred_at')
        batch_op.drop_index('ix_audit_events_entity')
        batch_op.drop_index('ix_audit_events_actor_id')
        batch_op.drop_index('ix_audit_events_action')

    op.drop_table('audit_events')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_articles_created_at'))

    op.drop_table('articles')
    op.drop_table('users')
    op.drop_table('rating_scales')
    op.drop_table('audit_chain_head')
