"""SQLModel tables: raw events, users and keys, and every derived table. Keys lead with `user_id`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKeyConstraint, Index, SmallInteger, Table, Text
from sqlmodel import Field, SQLModel

from .types import Counter, UTCDateTime


def _ts(*, nullable: bool = True, index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)


def _count() -> Any:
    """A 64-bit counter starting at 0 (see `types.Counter`)."""
    return Field(default=0, sa_type=Counter)


# ---- users and keys


class UserRow(SQLModel, table=True):
    __tablename__ = "users"

    id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    created_at: datetime = _ts(nullable=False)


class ApiKeyRow(SQLModel, table=True):
    __tablename__ = "api_keys"

    id: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(foreign_key="users.id", index=True, max_length=64)
    key_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=16)
    created_at: datetime = _ts(nullable=False)


# ---- raw events


class SessionRow(SQLModel, table=True):
    """A study session. `reported_*` is the client's summary; `exchange_count`/`quality_*` come from exchanges."""

    __tablename__ = "learning_sessions"
    __table_args__ = (
        Index("ix_sessions_user_started", "user_id", "started_at"),
        Index("ix_sessions_user_day", "user_id", "local_day"),
    )

    user_id: str = Field(primary_key=True, foreign_key="users.id", max_length=64)
    id: str = Field(primary_key=True, max_length=200)
    started_at: datetime = _ts(nullable=False)
    ended_at: datetime | None = _ts()
    local_day: date
    local_hour: int = Field(sa_type=SmallInteger)
    reported_exchanges: int | None = Field(default=None, sa_type=Counter)
    reported_avg_quality: float | None = None
    exchange_count: int = _count()
    quality_n: int = _count()
    quality_sum: float = 0.0
    ingested_at: datetime = _ts(nullable=False)


class ExchangeRow(SQLModel, table=True):
    __tablename__ = "exchanges"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "session_id"], ["learning_sessions.user_id", "learning_sessions.id"]
        ),
        Index("ix_exchanges_user_session", "user_id", "session_id"),
        Index("ix_exchanges_user_day", "user_id", "local_day"),
    )

    user_id: str = Field(primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=200)
    session_id: str = Field(max_length=200)
    occurred_at: datetime = _ts(nullable=False)
    local_day: date
    local_hour: int = Field(sa_type=SmallInteger)
    quality: float | None = None
    relevance: float | None = None
    helpfulness: float | None = None
    engagement: float | None = None
    clarity: float | None = None
    accuracy: float | None = None
    user_text: str | None = Field(default=None, sa_type=Text)
    agent_text: str | None = Field(default=None, sa_type=Text)
    ingested_at: datetime = _ts(nullable=False)


class FeedbackRow(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        ForeignKeyConstraint(["user_id", "exchange_id"], ["exchanges.user_id", "exchanges.id"]),
        Index("ix_feedback_user_exchange", "user_id", "exchange_id"),
        Index("ix_feedback_user_session", "user_id", "session_id"),
        Index("ix_feedback_user_day", "user_id", "local_day"),
    )

    user_id: str = Field(primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=200)
    exchange_id: str = Field(max_length=200)
    session_id: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    rating: float | None = None
    comment: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _ts(nullable=False)
    local_day: date
    local_hour: int = Field(sa_type=SmallInteger)
    ingested_at: datetime = _ts(nullable=False)


class TopicRow(SQLModel, table=True):
    __tablename__ = "topics"

    user_id: str = Field(primary_key=True, foreign_key="users.id", max_length=64)
    name: str = Field(primary_key=True, max_length=100)
    first_seen_at: datetime = _ts(nullable=False)
    first_seen_day: date


class SessionTopicRow(SQLModel, table=True):
    __tablename__ = "session_topics"
    __table_args__ = (
        ForeignKeyConstraint(
            ["user_id", "session_id"], ["learning_sessions.user_id", "learning_sessions.id"]
        ),
        # The fold recomputes topic rollups and the read API pairs topics by (user, local day).
        Index("ix_session_topics_user_day", "user_id", "local_day"),
    )

    user_id: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(primary_key=True, max_length=200)
    topic: str = Field(primary_key=True, max_length=100)
    local_day: date


class ExchangeTopicRow(SQLModel, table=True):
    __tablename__ = "exchange_topics"
    __table_args__ = (
        ForeignKeyConstraint(["user_id", "exchange_id"], ["exchanges.user_id", "exchanges.id"]),
        # The fold recomputes topic rollups by (user, local day).
        Index("ix_exchange_topics_user_day", "user_id", "local_day"),
    )

    user_id: str = Field(primary_key=True, max_length=64)
    exchange_id: str = Field(primary_key=True, max_length=200)
    topic: str = Field(primary_key=True, max_length=100)
    local_day: date


# ---- derived: rollups and their bookkeeping


class RollupRow(SQLModel, table=True):
    """Mergeable statistics of one local period: counts, sums, sums of squares, min and max.

    `bucket_day` is the period's first local day (the Monday of an ISO week, the 1st of a month);
    `bucket_hour` is the local hour for hourly buckets and 0 otherwise.
    """

    __tablename__ = "rollups"

    user_id: str = Field(primary_key=True, max_length=64)
    granularity: str = Field(primary_key=True, max_length=8)
    bucket_day: date = Field(primary_key=True)
    bucket_hour: int = Field(primary_key=True, sa_type=SmallInteger, default=0)
    sessions: int = _count()
    exchanges: int = _count()
    minutes_sum: float = 0.0
    quality_n: int = _count()
    quality_sum: float = 0.0
    quality_sumsq: float = 0.0
    quality_min: float | None = None
    quality_max: float | None = None
    relevance_n: int = _count()
    relevance_sum: float = 0.0
    relevance_sumsq: float = 0.0
    relevance_min: float | None = None
    relevance_max: float | None = None
    helpfulness_n: int = _count()
    helpfulness_sum: float = 0.0
    helpfulness_sumsq: float = 0.0
    helpfulness_min: float | None = None
    helpfulness_max: float | None = None
    engagement_n: int = _count()
    engagement_sum: float = 0.0
    engagement_sumsq: float = 0.0
    engagement_min: float | None = None
    engagement_max: float | None = None
    clarity_n: int = _count()
    clarity_sum: float = 0.0
    clarity_sumsq: float = 0.0
    clarity_min: float | None = None
    clarity_max: float | None = None
    accuracy_n: int = _count()
    accuracy_sum: float = 0.0
    accuracy_sumsq: float = 0.0
    accuracy_min: float | None = None
    accuracy_max: float | None = None
    feedback_count: int = _count()
    thumbs_up: int = _count()
    thumbs_down: int = _count()
    copies: int = _count()
    corrections: int = _count()
    clarifications: int = _count()
    rating_n: int = _count()
    rating_sum: float = 0.0
    rating_sumsq: float = 0.0
    rating_min: float | None = None
    rating_max: float | None = None
    last_event_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()


class TopicRollupRow(SQLModel, table=True):
    """Per topic and local day: tagged exchanges, sessions linked that day, quality moments of those exchanges."""

    __tablename__ = "topic_rollups"
    __table_args__ = (Index("ix_topic_rollups_user_day", "user_id", "day"),)

    user_id: str = Field(primary_key=True, max_length=64)
    topic: str = Field(primary_key=True, max_length=100)
    day: date = Field(primary_key=True)
    exchanges: int = _count()
    sessions: int = _count()
    quality_n: int = _count()
    quality_sum: float = 0.0
    quality_sumsq: float = 0.0
    quality_min: float | None = None
    quality_max: float | None = None
    last_event_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()


class DirtyBucketRow(SQLModel, table=True):
    """A local hour touched by ingestion and not yet folded into the rollups.

    Marking an hour that is already marked bumps `version`: the fold deletes a mark only when its
    version is still the one it read, so a mark written while a fold runs is never lost.
    """

    __tablename__ = "dirty_buckets"

    user_id: str = Field(primary_key=True, max_length=64)
    day: date = Field(primary_key=True)
    hour: int = Field(primary_key=True, sa_type=SmallInteger)
    version: int = 1
    marked_at: datetime = _ts(nullable=False)


class RollupHorizonRow(SQLModel, table=True):
    """Per granularity, the first bucket day retention keeps: rollups before `kept_from` may be gone.

    Shared by every user (retention cuts all users at the same date); it only moves forward.
    """

    __tablename__ = "rollup_horizons"

    granularity: str = Field(primary_key=True, max_length=8)
    kept_from: date
    updated_at: datetime = _ts(nullable=False)


class AggregationRunRow(SQLModel, table=True):
    """One fold, rebuild or retention pass (`user_id` null: every learner), or one learner's failed fold.

    `status`: running, ok, partial (some learners failed; each has its own `failed` row with the
    error), failed, or abandoned (left running by a process that died, closed at the next start).
    """

    __tablename__ = "aggregation_runs"
    __table_args__ = (Index("ix_aggregation_runs_user_started", "user_id", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    user_id: str | None = Field(default=None, max_length=64)
    started_at: datetime = _ts(nullable=False, index=True)
    finished_at: datetime | None = _ts()
    buckets_touched: int = _count()
    duration_ms: float = 0.0
    status: str = Field(default="running", max_length=16)
    error: str | None = Field(default=None, sa_type=Text)


class StreakStateRow(SQLModel, table=True):
    __tablename__ = "streak_state"

    user_id: str = Field(primary_key=True, max_length=64)
    current: int = 0
    longest: int = 0
    last_active_day: date | None = None
    started_on: date | None = None
    freezes_available: int = 0
    frozen_days: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime | None = _ts()


class TopicMasteryRow(SQLModel, table=True):
    __tablename__ = "topic_mastery"

    user_id: str = Field(primary_key=True, max_length=64)
    topic: str = Field(primary_key=True, max_length=100)
    score: float = 0.0
    level: str = Field(default="novice", max_length=16)
    total_interactions: int = _count()
    weighted_quality: float | None = None
    last_practiced_at: datetime | None = _ts()
    updated_at: datetime | None = _ts()


# ---- derived: insights, goals, achievements, exports


class InsightRow(SQLModel, table=True):
    __tablename__ = "insights"
    __table_args__ = (Index("ix_insights_user_generated", "user_id", "generated_at"),)

    user_id: str = Field(primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=64)
    rule: str = Field(max_length=64)
    type: str = Field(max_length=20)
    title: str = Field(max_length=200)
    description: str = Field(sa_type=Text)
    importance: str = Field(max_length=10)
    confidence: float = 0.0
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    icon: str | None = Field(default=None, max_length=40)
    action_url: str | None = Field(default=None, max_length=400)
    generated_at: datetime = _ts(nullable=False)
    expires_at: datetime | None = _ts()
    viewed_at: datetime | None = _ts()
    dismissed_at: datetime | None = _ts()
    helpful: bool | None = None
    fact_day: date | None = None
    fact_key: str | None = Field(default=None, max_length=200)


class InsightStateRow(SQLModel, table=True):
    """When a user's insights were last generated, and the newest folded event they were made from."""

    __tablename__ = "insight_state"

    user_id: str = Field(primary_key=True, max_length=64)
    generated_at: datetime = _ts(nullable=False)
    data_through: datetime | None = _ts()


class GoalRow(SQLModel, table=True):
    """A learner's goal: its definition and its evaluated state in the current period.

    `period_*`: the local days measured (`period_end` null: open-ended) and the same span as UTC
    instants; `milestones`: [[percent, reached_at ISO], …] of the current period.
    """

    __tablename__ = "goals"
    __table_args__ = (Index("ix_goals_user_status", "user_id", "status"),)

    user_id: str = Field(primary_key=True, max_length=64)
    id: str = Field(primary_key=True, max_length=64)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, sa_type=Text)
    goal_type: str = Field(max_length=16)
    target_metric: str = Field(max_length=64)
    target_value: float
    comparison: str = Field(default="gte", max_length=4)
    frequency: str = Field(default="one_time", max_length=10)
    deadline: date | None = None
    topic: str | None = Field(default=None, max_length=100)
    status: str = Field(default="active", max_length=10)
    icon: str | None = Field(default=None, max_length=40)
    color: str | None = Field(default=None, max_length=16)
    template: str | None = Field(default=None, max_length=64)
    created_at: datetime = _ts(nullable=False)
    updated_at: datetime | None = _ts()
    completed_at: datetime | None = _ts()
    period_start: date
    period_end: date | None = None
    period_start_at: datetime = _ts(nullable=False)
    period_end_at: datetime | None = _ts()
    current_value: float = 0.0
    progress_percent: float = 0.0
    milestones: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    period_completed_at: datetime | None = _ts()
    evaluated_at: datetime | None = _ts()


class GoalProgressRow(SQLModel, table=True):
    """One snapshot of a goal's history (appended only when something changed, or a period closed)."""

    __tablename__ = "goal_progress"
    __table_args__ = (Index("ix_goal_progress_user_goal", "user_id", "goal_id", "evaluated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: str = Field(max_length=64)
    goal_id: str = Field(max_length=64)
    evaluated_at: datetime = _ts(nullable=False)
    period_start: date
    period_end: date | None = None
    period_start_at: datetime = _ts(nullable=False)
    period_end_at: datetime | None = _ts()
    current_value: float = 0.0
    progress_percent: float = 0.0
    status: str = Field(max_length=10)
    closes_period: bool = False


class GoalStateRow(SQLModel, table=True):
    """Per learner: when the default goals were created (once, so a deleted default stays deleted)."""

    __tablename__ = "goal_state"

    user_id: str = Field(primary_key=True, max_length=64)
    defaults_created_at: datetime = _ts(nullable=False)


class AchievementUnlockRow(SQLModel, table=True):
    """An achievement a learner holds. The catalog itself is code (`domain.achievements.CATALOG`);
    the primary key makes unlocking idempotent, even for two evaluations at once."""

    __tablename__ = "achievement_unlocks"
    __table_args__ = (Index("ix_achievement_unlocks_achievement", "achievement_id"),)

    user_id: str = Field(primary_key=True, max_length=64)
    achievement_id: str = Field(primary_key=True, max_length=64)
    unlocked_at: datetime = _ts(nullable=False)
    seen_at: datetime | None = _ts()


class ExportHistoryRow(SQLModel, table=True):
    __tablename__ = "export_history"
    __table_args__ = (Index("ix_export_history_user_created", "user_id", "created_at"),)

    id: str = Field(primary_key=True, max_length=64)
    user_id: str = Field(max_length=64)
    format: str = Field(max_length=10)
    period_start: datetime = _ts(nullable=False)
    period_end: datetime = _ts(nullable=False)
    sections: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    row_counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    size_bytes: int = 0
    checksum: str = Field(max_length=80)
    created_at: datetime = _ts(nullable=False)


metadata = SQLModel.metadata


# The Core tables, for SQL written with SQLAlchemy Core in the repositories.
dirty_t: Table = DirtyBucketRow.__table__  # type: ignore[attr-defined]
exchange_topics_t: Table = ExchangeTopicRow.__table__  # type: ignore[attr-defined]
exchanges_t: Table = ExchangeRow.__table__  # type: ignore[attr-defined]
feedback_t: Table = FeedbackRow.__table__  # type: ignore[attr-defined]
goal_progress_t: Table = GoalProgressRow.__table__  # type: ignore[attr-defined]
goal_state_t: Table = GoalStateRow.__table__  # type: ignore[attr-defined]
goals_t: Table = GoalRow.__table__  # type: ignore[attr-defined]
horizons_t: Table = RollupHorizonRow.__table__  # type: ignore[attr-defined]
insights_t: Table = InsightRow.__table__  # type: ignore[attr-defined]
keys_t: Table = ApiKeyRow.__table__  # type: ignore[attr-defined]
rollups_t: Table = RollupRow.__table__  # type: ignore[attr-defined]
runs_t: Table = AggregationRunRow.__table__  # type: ignore[attr-defined]
session_topics_t: Table = SessionTopicRow.__table__  # type: ignore[attr-defined]
sessions_t: Table = SessionRow.__table__  # type: ignore[attr-defined]
state_t: Table = InsightStateRow.__table__  # type: ignore[attr-defined]
topic_rollups_t: Table = TopicRollupRow.__table__  # type: ignore[attr-defined]
topics_t: Table = TopicRow.__table__  # type: ignore[attr-defined]
unlocks_t: Table = AchievementUnlockRow.__table__  # type: ignore[attr-defined]
users_t: Table = UserRow.__table__  # type: ignore[attr-defined]
