"""Goals as the contract describes them: the overview lists the caller's active goals (none until goals
are tracked). Plain types; the goals area adds its queries and mutations here."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry

from .arguments import OrDefault, argument_rules


@strawberry.enum
class GoalType(Enum):
    ACTIVITY = "activity"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPIC = "topic"
    STREAK = "streak"
    MILESTONE = "milestone"
    CUSTOM = "custom"


@strawberry.enum
class GoalFrequency(Enum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ONE_TIME = "one_time"


@strawberry.enum
class Comparison(Enum):
    GTE = "gte"
    LTE = "lte"
    EQ = "eq"


@strawberry.enum
class GoalStatus(Enum):
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"
    ARCHIVED = "archived"


@strawberry.type
class GoalMilestone:
    percent: int
    reached_at: datetime | None


@strawberry.type
class GoalProgressSnapshot:
    evaluated_at: datetime
    current_value: float
    progress_percent: float
    status: GoalStatus


@strawberry.type(description="A learning goal with its progress in the current period.")
class Goal:
    id: strawberry.ID
    title: str
    description: str | None
    goal_type: GoalType
    target_metric: str
    target_value: float
    comparison: Comparison
    frequency: GoalFrequency
    deadline: date | None
    topic: str | None
    status: GoalStatus
    current_value: float
    progress_percent: float
    period_start: datetime | None
    period_end: datetime | None
    completed_at: datetime | None
    milestones: list[GoalMilestone]
    icon: str | None
    color: str | None
    created_at: datetime
    projected_completion_date: date | None
    required_daily_pace: float | None
    on_track: bool | None
    snapshots: strawberry.Private[list[GoalProgressSnapshot]]

    @strawberry.field
    @argument_rules
    def history(self, limit: OrDefault[int] = 30) -> list[GoalProgressSnapshot]:
        return self.snapshots[:limit]
