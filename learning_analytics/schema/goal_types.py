"""Goal and achievement types of the contract; the overview lists them once they are tracked."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

import strawberry


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


@strawberry.enum
class AchievementCategory(Enum):
    STREAK = "streak"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPICS = "topics"
    GOALS = "goals"
    SPECIAL = "special"


@strawberry.enum
class Rarity(Enum):
    COMMON = "common"
    UNCOMMON = "uncommon"
    RARE = "rare"
    EPIC = "epic"
    LEGENDARY = "legendary"


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
    def history(self, limit: int | None = 30) -> list[GoalProgressSnapshot]:
        return self.snapshots[: limit if limit is not None else 30]


@strawberry.type(description="A badge of the catalog, and whether the caller holds it.")
class Achievement:
    id: strawberry.ID
    title: str
    description: str
    category: AchievementCategory
    rarity: Rarity
    points: int
    icon: str | None
    unlocked: bool
    unlocked_at: datetime | None
    progress_percent: float
    holders_percent: float | None
