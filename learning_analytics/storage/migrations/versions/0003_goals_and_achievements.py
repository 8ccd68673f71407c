"""goals with their evaluated state, goal history, default-goal state, unlocks without a catalog table

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30

The first migration left `goals`, `goal_progress`, `achievements` and `achievement_unlocks` unused
(nothing wrote them). They are replaced:

- `goals` gains the evaluated state of its current period (local days and UTC bounds, value,
  percent, milestones, when the period was completed, when it was last evaluated);
- `goal_progress` (the history) records the period of each snapshot as local days and UTC bounds,
  and whether it closes the period;
- `goal_state` (new) remembers that a learner's default goals were created, so a deleted default
  goal stays deleted;
- the `achievements` catalog table goes: the catalog is code, versioned with the criteria that
  evaluate it; `achievement_unlocks` keeps its primary key (user, achievement), which makes an
  unlock happen once however many evaluations race, and gains an index by achievement for the
  share of learners holding each one.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel

import learning_analytics.storage.types
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

UTC_TS = learning_analytics.storage.types.UTCDateTime


def _s(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    op.drop_table('achievement_unlocks')
    op.drop_table('achievements')
    op.drop_index('ix_goal_progress_user_goal', table_name='goal_progress')
    op.drop_table('goal_progress')
    op.drop_index('ix_goals_user_status', table_name='goals')
    op.drop_table('goals')

    op.create_table(
        'goals',
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('id', _s(64), nullable=False),
        sa.Column('title', _s(200), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('goal_type', _s(16), nullable=False),
        sa.Column('target_metric', _s(64), nullable=False),
        sa.Column('target_value', sa.Float(), nullable=False),
        sa.Column('comparison', _s(4), nullable=False),
        sa.Column('frequency', _s(10), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('topic', _s(100), nullable=True),
        sa.Column('status', _s(10), nullable=False),
        sa.Column('icon', _s(40), nullable=True),
        sa.Column('color', _s(16), nullable=True),
        sa.Column('template', _s(64), nullable=True),
        sa.Column('created_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('updated_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('completed_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('period_start_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('period_end_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('current_value', sa.Float(), nullable=False),
        sa.Column('progress_percent', sa.Float(), nullable=False),
        sa.Column('milestones', sa.JSON(), nullable=False),
        sa.Column('period_completed_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('evaluated_at', UTC_TS(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'id'),
    )
    op.create_index('ix_goals_user_status', 'goals', ['user_id', 'status'], unique=False)
    op.create_table(
        'goal_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('goal_id', _s(64), nullable=False),
        sa.Column('evaluated_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('period_end', sa.Date(), nullable=True),
        sa.Column('period_start_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('period_end_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('current_value', sa.Float(), nullable=False),
        sa.Column('progress_percent', sa.Float(), nullable=False),
        sa.Column('status', _s(10), nullable=False),
        sa.Column('closes_period', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_goal_progress_user_goal', 'goal_progress', ['user_id', 'goal_id', 'evaluated_at'], unique=False
    )
    op.create_table(
        'goal_state',
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('defaults_created_at', UTC_TS(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('user_id'),
    )
    op.create_table(
        'achievement_unlocks',
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('achievement_id', _s(64), nullable=False),
        sa.Column('unlocked_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('seen_at', UTC_TS(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'achievement_id'),
    )
    op.create_index(
        'ix_achievement_unlocks_achievement', 'achievement_unlocks', ['achievement_id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_achievement_unlocks_achievement', table_name='achievement_unlocks')
    op.drop_table('achievement_unlocks')
    op.drop_table('goal_state')
    op.drop_index('ix_goal_progress_user_goal', table_name='goal_progress')
    op.drop_table('goal_progress')
    op.drop_index('ix_goals_user_status', table_name='goals')
    op.drop_table('goals')
    op.create_table(
        'achievements',
        sa.Column('id', _s(64), nullable=False),
        sa.Column('title', _s(200), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('category', _s(16), nullable=False),
        sa.Column('rarity', _s(16), nullable=False),
        sa.Column('points', sa.Integer(), nullable=False),
        sa.Column('icon', _s(40), nullable=True),
        sa.Column('criterion', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'achievement_unlocks',
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('achievement_id', _s(64), nullable=False),
        sa.Column('unlocked_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('seen_at', UTC_TS(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id']),
        sa.PrimaryKeyConstraint('user_id', 'achievement_id'),
    )
    op.create_table(
        'goals',
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('id', _s(64), nullable=False),
        sa.Column('title', _s(200), nullable=False),
        sa.Column('description', sa.Text(), nullable=True),
        sa.Column('goal_type', _s(16), nullable=False),
        sa.Column('target_metric', _s(64), nullable=False),
        sa.Column('target_value', sa.Float(), nullable=False),
        sa.Column('comparison', _s(4), nullable=False),
        sa.Column('frequency', _s(10), nullable=False),
        sa.Column('deadline', sa.Date(), nullable=True),
        sa.Column('topic', _s(100), nullable=True),
        sa.Column('status', _s(10), nullable=False),
        sa.Column('icon', _s(40), nullable=True),
        sa.Column('color', _s(16), nullable=True),
        sa.Column('template', _s(64), nullable=True),
        sa.Column('created_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('updated_at', UTC_TS(timezone=True), nullable=True),
        sa.Column('completed_at', UTC_TS(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('user_id', 'id'),
    )
    op.create_index('ix_goals_user_status', 'goals', ['user_id', 'status'], unique=False)
    op.create_table(
        'goal_progress',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', _s(64), nullable=False),
        sa.Column('goal_id', _s(64), nullable=False),
        sa.Column('evaluated_at', UTC_TS(timezone=True), nullable=False),
        sa.Column('period_start', UTC_TS(timezone=True), nullable=True),
        sa.Column('period_end', UTC_TS(timezone=True), nullable=True),
        sa.Column('current_value', sa.Float(), nullable=False),
        sa.Column('progress_percent', sa.Float(), nullable=False),
        sa.Column('status', _s(10), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_goal_progress_user_goal', 'goal_progress', ['user_id', 'goal_id', 'evaluated_at'], unique=False
    )
