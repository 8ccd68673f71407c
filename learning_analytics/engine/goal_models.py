"""Goals and achievements in the guide's names: the domain's enums and requests, and what the goal
tracker and achievement system return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from ..domain.achievements import Achievement, AchievementCategory, AchievementStatus, Rarity
from ..domain.goals import (
    Comparison,
    Goal,
    GoalChanges,
    GoalDraft,
    GoalFrequency,
    GoalStatus,
    GoalSuggestion,
    GoalType,
    TargetMetric,
)
from ..resolvers.goals import GoalView

__all__ = [
    "Achievement",
    "AchievementCategory",
    "AchievementCheck",
    "AchievementStatus",
    "Comparison",
    "CreateGoalRequest",
    "GoalFrequency",
    "GoalStatus",
    "GoalSuggestion",
    "GoalType",
    "Rarity",
    "TargetMetric",
    "TrackedGoal",
    "UpdateGoalRequest",
]

# `UpdateGoalRequest(status=GoalStatus.COMPLETED)`: the `updateGoal` input (title, description,
# target_value, deadline, status; what is not given is left as it is).
UpdateGoalRequest = GoalChanges
# The `createGoal` input: title, goal_type, target_value and the optional rest.
CreateGoalRequest = GoalDraft


@dataclass(frozen=True, slots=True)
class TrackedGoal:
    """A goal as the `goals` query answers it: its definition, its progress in the current period
    (`current_value`, `progress_percent`), its status, and its pace at the last 14 days' rate."""

    id: str
    user_id: str
    title: str
    description: str | None
    goal_type: GoalType
    target_metric: TargetMetric
    target_value: float
    comparison: Comparison
    frequency: GoalFrequency
    status: GoalStatus
    deadline: date | None
    topic: str | None
    current_value: float
    progress_percent: float
    period_start: date
    period_end: date | None
    created_at: datetime
    completed_at: datetime | None
    milestones_reached: tuple[int, ...]
    daily_rate: float | None
    projected_completion_date: date | None
    required_daily_pace: float | None
    on_track: bool | None
    goal: Goal

    @classmethod
    def of(cls, view: GoalView, user_id: str) -> TrackedGoal:
        g, pace = view.goal, view.pace
        return cls(
            id=g.id,
            user_id=user_id,
            title=g.title,
            description=g.description,
            goal_type=g.goal_type,
            target_metric=g.target_metric,
            target_value=g.target_value,
            comparison=g.comparison,
            frequency=g.frequency,
            status=g.status,
            deadline=g.deadline,
            topic=g.topic,
            current_value=g.current_value,
            progress_percent=g.progress_percent,
            period_start=g.period.start,
            period_end=g.period.end,
            created_at=g.created_at,
            completed_at=g.completed_at,
            milestones_reached=tuple(m.percent for m in g.milestones),
            daily_rate=pace.daily_rate,
            projected_completion_date=pace.projected_completion_date,
            required_daily_pace=pace.required_daily_pace,
            on_track=pace.on_track,
            goal=g,
        )


@dataclass(frozen=True, slots=True)
class AchievementCheck:
    """What one check unlocked (catalog order) and the points it earned (rarity points summed)."""

    newly_unlocked: list[Achievement]
    total_points_earned: int
