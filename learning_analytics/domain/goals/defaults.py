"""The architecture's six default goals (§7 "Default Goals"), created for every new learner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from learning_analytics.domain.goals.kinds import Comparison, GoalFrequency, GoalType
from learning_analytics.domain.goals.lifecycle import GoalDraft, create_goal
from learning_analytics.domain.goals.metrics import TargetMetric
from learning_analytics.domain.goals.model import Goal, GoalLimits


@dataclass(frozen=True, slots=True)
class GoalTemplate:
    """A default goal: its id (also the new goal's id and `template`) and its definition."""

    id: str
    title: str
    description: str
    goal_type: GoalType
    frequency: GoalFrequency
    target_metric: TargetMetric
    target_value: float
    comparison: Comparison
    icon: str
    color: str

    def draft(self) -> GoalDraft:
        return GoalDraft(
            title=self.title,
            goal_type=self.goal_type,
            target_value=self.target_value,
            description=self.description,
            target_metric=self.target_metric.value,
            comparison=self.comparison,
            frequency=self.frequency,
            icon=self.icon,
            color=self.color,
        )


DEFAULT_GOALS: tuple[GoalTemplate, ...] = (
    GoalTemplate(
        id="weekly_sessions",
        title="Weekly Learner",
        description="Complete at least 5 learning sessions this week",
        goal_type=GoalType.ACTIVITY,
        frequency=GoalFrequency.WEEKLY,
        target_metric=TargetMetric.SESSION_COUNT,
        target_value=5,
        comparison=Comparison.GTE,
        icon="calendar",
        color="#4F46E5",
    ),
    GoalTemplate(
        id="daily_engagement",
        title="Daily Engagement",
        description="Have at least 10 exchanges today",
        goal_type=GoalType.ACTIVITY,
        frequency=GoalFrequency.DAILY,
        target_metric=TargetMetric.EXCHANGE_COUNT,
        target_value=10,
        comparison=Comparison.GTE,
        icon="message",
        color="#10B981",
    ),
    GoalTemplate(
        id="quality_target",
        title="Quality Champion",
        description="Maintain average quality score above 80%",
        goal_type=GoalType.QUALITY,
        frequency=GoalFrequency.WEEKLY,
        target_metric=TargetMetric.AVG_QUALITY,
        target_value=0.80,
        comparison=Comparison.GTE,
        icon="star",
        color="#F59E0B",
    ),
    GoalTemplate(
        id="daily_streak",
        title="Consistency King",
        description="Learn something every day",
        goal_type=GoalType.STREAK,
        frequency=GoalFrequency.DAILY,
        target_metric=TargetMetric.SESSIONS_TODAY,
        target_value=1,
        comparison=Comparison.GTE,
        icon="fire",
        color="#EF4444",
    ),
    GoalTemplate(
        id="100_sessions",
        title="Century Club",
        description="Complete 100 total learning sessions",
        goal_type=GoalType.MILESTONE,
        frequency=GoalFrequency.ONE_TIME,
        target_metric=TargetMetric.TOTAL_SESSIONS,
        target_value=100,
        comparison=Comparison.GTE,
        icon="trophy",
        color="#8B5CF6",
    ),
    GoalTemplate(
        id="50_topics",
        title="Knowledge Explorer",
        description="Explore 50 different topics",
        goal_type=GoalType.MILESTONE,
        frequency=GoalFrequency.ONE_TIME,
        target_metric=TargetMetric.UNIQUE_TOPICS,
        target_value=50,
        comparison=Comparison.GTE,
        icon="map",
        color="#06B6D4",
    ),
)


def default_goals(*, now: datetime, tz: ZoneInfo) -> list[Goal]:
    """The six default goals of a learner created at `now`, each with its template's id, in its first
    period. They are created without the active-goal limit: a new learner has no goals yet.

    The "Consistency King" STREAK goal measures `sessions_today` (≥ 1 each day), as the architecture
    defines it: each day's result lands in its history; the streak itself is the `streak` query."""
    unlimited = GoalLimits(max_active_goals=len(DEFAULT_GOALS))
    return [
        create_goal(t.draft(), goal_id=t.id, now=now, tz=tz, limits=unlimited, template=t.id)
        for t in DEFAULT_GOALS
    ]
