"""64-bit counters; fold failures per learner in aggregation_runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

PostgreSQL's INTEGER overflows at 2^31, so the counters that accumulate (rollup and topic-rollup
counts, a session's reported and counted exchanges, mastery interactions, rows touched by a run)
become BIGINT: one ALTER TABLE per table, so each table is rewritten once. SQLite already stores
every integer in up to 64 bits; its columns stay as they are (no table rebuild).

`aggregation_runs` gains `error` (the message of a failed run or learner) and an index on
(user_id, started_at), read by every answer's `meta.stale`.
"""

from __future__ import annotations

import sqlalchemy as sa

from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

COUNTERS = {
    'rollups': [
        'sessions', 'exchanges', 'quality_n', 'relevance_n', 'helpfulness_n', 'engagement_n',
        'clarity_n', 'accuracy_n', 'feedback_count', 'thumbs_up', 'thumbs_down', 'copies',
        'corrections', 'clarifications', 'rating_n',
    ],
    'topic_rollups': ['exchanges', 'sessions', 'quality_n'],
    'learning_sessions': ['reported_exchanges', 'exchange_count', 'quality_n'],
    'topic_mastery': ['total_interactions'],
    'aggregation_runs': ['buckets_touched'],
}


def _retype(column_type: str) -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    for table, columns in COUNTERS.items():
        clauses = ', '.join(f'ALTER COLUMN {c} TYPE {column_type}' for c in columns)
        op.execute(f'ALTER TABLE {table} {clauses}')


def upgrade() -> None:
    _retype('BIGINT')
    op.add_column('aggregation_runs', sa.Column('error', sa.Text(), nullable=True))
    op.create_index(
        'ix_aggregation_runs_user_started', 'aggregation_runs', ['user_id', 'started_at'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_aggregation_runs_user_started', table_name='aggregation_runs')
    with op.batch_alter_table('aggregation_runs', schema=None) as batch_op:
        batch_op.drop_column('error')
    _retype('INTEGER')  # fails, changing nothing, if a value no longer fits
