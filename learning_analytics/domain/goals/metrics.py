"""Target metrics: where each one's value comes from, the default per goal type, and what each type may measure."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from learning_analytics.domain.goals.kinds import GoalType


class MetricKind(StrEnum):
    """Where a target metric's value comes from.

    PERIOD: what happened within the goal's period (ONE_TIME: from its creation day to its deadline,
    or open-ended), optionally on one topic. LIFETIME: the learner's totals over all time. MASTERY:
    the current mastery score of the goal's topic. STREAK: the one `Streak` value of the learner.
    """

    PERIOD = "period"
    LIFETIME = "lifetime"
    MASTERY = "mastery"
    STREAK = "streak"


class TargetMetric(StrEnum):
    """What a goal measures; the names of the architecture (`session_count`, `avg_quality_composite`…)."""

    SESSION_COUNT = "session_count"
    SESSIONS_TODAY = "sessions_today"  # the sessions of a DAILY goal's day
    EXCHANGE_COUNT = "exchange_count"
    STUDY_MINUTES = "study_minutes"
    ACTIVE_DAYS = "active_days"
    AVG_QUALITY = "avg_quality_composite"
    NEW_TOPICS = "new_topics"  # topics first studied within the period
    TOTAL_SESSIONS = "total_sessions"
    TOTAL_EXCHANGES = "total_exchanges"
    TOTAL_MINUTES = "total_minutes"
    UNIQUE_TOPICS = "unique_topics"
    MASTERED_TOPICS = "mastered_topics"  # topics at the expert level
    TOPIC_MASTERY = "topic_mastery"
    CURRENT_STREAK = "current_streak"
    LONGEST_STREAK = "longest_streak"

    @property
    def kind(self) -> MetricKind:
        return _KIND.get(self, MetricKind.PERIOD)

    @property
    def is_ratio(self) -> bool:
        """A score in [0, 1] (average quality, mastery): its targets lie in (0, 1]."""
        return self in (TargetMetric.AVG_QUALITY, TargetMetric.TOPIC_MASTERY)

    @property
    def topic_filter(self) -> bool:
        """Whether the metric can be read on one topic (topic rollups hold no minutes)."""
        return self in _TOPIC_FILTERABLE


_KIND: Mapping[TargetMetric, MetricKind] = {
    TargetMetric.TOTAL_SESSIONS: MetricKind.LIFETIME,
    TargetMetric.TOTAL_EXCHANGES: MetricKind.LIFETIME,
    TargetMetric.TOTAL_MINUTES: MetricKind.LIFETIME,
    TargetMetric.UNIQUE_TOPICS: MetricKind.LIFETIME,
    TargetMetric.MASTERED_TOPICS: MetricKind.LIFETIME,
    TargetMetric.TOPIC_MASTERY: MetricKind.MASTERY,
    TargetMetric.CURRENT_STREAK: MetricKind.STREAK,
    TargetMetric.LONGEST_STREAK: MetricKind.STREAK,
}
_TOPIC_FILTERABLE = frozenset(
    {
        TargetMetric.SESSION_COUNT,
        TargetMetric.SESSIONS_TODAY,
        TargetMetric.EXCHANGE_COUNT,
        TargetMetric.ACTIVE_DAYS,
        TargetMetric.AVG_QUALITY,
        TargetMetric.TOPIC_MASTERY,
    }
)

# The metric a goal of each type measures when the client names none.
DEFAULT_METRIC: Mapping[GoalType, TargetMetric] = {
    GoalType.ACTIVITY: TargetMetric.SESSION_COUNT,
    GoalType.SESSIONS: TargetMetric.SESSION_COUNT,
    GoalType.EXCHANGES: TargetMetric.EXCHANGE_COUNT,
    GoalType.QUALITY: TargetMetric.AVG_QUALITY,
    GoalType.TOPIC: TargetMetric.SESSION_COUNT,
    GoalType.STREAK: TargetMetric.CURRENT_STREAK,
    GoalType.MILESTONE: TargetMetric.TOTAL_SESSIONS,
    GoalType.CUSTOM: TargetMetric.SESSION_COUNT,
}

# The metrics a goal of each type may measure (CUSTOM: any).
ALLOWED_METRICS: Mapping[GoalType, frozenset[TargetMetric]] = {
    GoalType.ACTIVITY: frozenset(
        {
            TargetMetric.SESSION_COUNT,
            TargetMetric.SESSIONS_TODAY,
            TargetMetric.EXCHANGE_COUNT,
            TargetMetric.STUDY_MINUTES,
            TargetMetric.ACTIVE_DAYS,
        }
    ),
    GoalType.SESSIONS: frozenset(
        {TargetMetric.SESSION_COUNT, TargetMetric.SESSIONS_TODAY, TargetMetric.TOTAL_SESSIONS}
    ),
    GoalType.EXCHANGES: frozenset({TargetMetric.EXCHANGE_COUNT, TargetMetric.TOTAL_EXCHANGES}),
    GoalType.QUALITY: frozenset({TargetMetric.AVG_QUALITY}),
    GoalType.TOPIC: frozenset(
        {
            TargetMetric.SESSION_COUNT,
            TargetMetric.EXCHANGE_COUNT,
            TargetMetric.ACTIVE_DAYS,
            TargetMetric.AVG_QUALITY,
            TargetMetric.TOPIC_MASTERY,
        }
    ),
    GoalType.STREAK: frozenset(
        {TargetMetric.CURRENT_STREAK, TargetMetric.LONGEST_STREAK, TargetMetric.SESSIONS_TODAY}
    ),
    GoalType.MILESTONE: frozenset(
        {
            TargetMetric.TOTAL_SESSIONS,
            TargetMetric.TOTAL_EXCHANGES,
            TargetMetric.TOTAL_MINUTES,
            TargetMetric.UNIQUE_TOPICS,
            TargetMetric.MASTERED_TOPICS,
            TargetMetric.LONGEST_STREAK,
            TargetMetric.NEW_TOPICS,
        }
    ),
    GoalType.CUSTOM: frozenset(TargetMetric),
}

DEFAULT_ICON: Mapping[GoalType, str] = {
    GoalType.ACTIVITY: "calendar",
    GoalType.SESSIONS: "calendar",
    GoalType.EXCHANGES: "message",
    GoalType.QUALITY: "star",
    GoalType.TOPIC: "book",
    GoalType.STREAK: "fire",
    GoalType.MILESTONE: "trophy",
    GoalType.CUSTOM: "target",
}
