"""Goal values: types, frequencies, comparisons, statuses, target metrics, periods, milestones and snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class GoalType(StrEnum):
    ACTIVITY = "activity"
    SESSIONS = "sessions"
    EXCHANGES = "exchanges"
    QUALITY = "quality"
    TOPIC = "topic"
    STREAK = "streak"
    MILESTONE = "milestone"
    CUSTOM = "custom"


class GoalFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    ONE_TIME = "one_time"

    @property
    def periodic(self) -> bool:
        """DAILY, WEEKLY and MONTHLY goals roll over from one calendar period to the next."""
        return self is not GoalFrequency.ONE_TIME


class Comparison(StrEnum):
    GTE = "gte"
    LTE = "lte"
    EQ = "eq"


class GoalStatus(StrEnum):
    ACTIVE = "active"
    COMPLETED = "completed"
    FAILED = "failed"
    PAUSED = "paused"
    ARCHIVED = "archived"


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

MILESTONE_PERCENTS: tuple[int, ...] = (25, 50, 75, 100)


@dataclass(frozen=True, slots=True)
class GoalLimits:
    """Bounds on what a client may set on a goal (the later `Settings` section maps onto this)."""

    max_active_goals: int = 10  # the guide's `config.goals.max_active_goals`
    max_title_length: int = 120
    max_description_length: int = 1000
    max_topic_length: int = 100
    max_icon_length: int = 40
    max_color_length: int = 16
    max_target_value: float = 1_000_000.0
    max_catch_up_periods: int = 31  # elapsed periods one evaluation records one by one


@dataclass(frozen=True, slots=True)
class GoalPeriod:
    """The local days a goal is measured over, and the same span as UTC instants.

    `start`..`end` are local dates, both included; `end` is None for an open-ended ONE_TIME goal.
    `start_at` is the first instant of `start` in the user's timezone; `end_at` the first instant
    after `end` (exclusive: the next period's `start_at`), None when open-ended.
    """

    start: date
    end: date | None
    start_at: datetime
    end_at: datetime | None

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class GoalMilestone:
    """A share of the target (25, 50, 75 or 100 %) and when the current period first reached it."""

    percent: int
    reached_at: datetime


@dataclass(frozen=True, slots=True)
class Goal:
    """A learner's goal: its definition and its evaluated state for the current period.

    - `period`: the period being measured; `current_value`/`progress_percent` its latest measure.
    - `milestones`: the milestones the current period reached, each with its time (reset at rollover).
    - `period_completed_at`: when the current period was completed (once per period; None while open).
    - `completed_at`: the first time the goal was ever completed; never changes once set.
    - `evaluated_at`: the last evaluation; a period is closed once an evaluation ran after its end.
    - `template`: the id of the default goal it was made from, if any.
    """

    id: str
    title: str
    goal_type: GoalType
    target_metric: TargetMetric
    target_value: float
    comparison: Comparison
    frequency: GoalFrequency
    created_at: datetime
    period: GoalPeriod
    status: GoalStatus = GoalStatus.ACTIVE
    description: str | None = None
    deadline: date | None = None
    topic: str | None = None
    icon: str | None = None
    color: str | None = None
    template: str | None = None
    current_value: float = 0.0
    progress_percent: float = 0.0
    milestones: tuple[GoalMilestone, ...] = ()
    period_completed_at: datetime | None = None
    completed_at: datetime | None = None
    evaluated_at: datetime | None = None

    @property
    def finished(self) -> bool:
        """No longer evaluated: a ONE_TIME goal completed or failed, or a periodic goal whose last
        period (the one holding its deadline) has been closed."""
        if self.status not in (GoalStatus.COMPLETED, GoalStatus.FAILED):
            return False
        if not self.frequency.periodic or self.status is GoalStatus.FAILED:
            return True
        end_at = self.period.end_at
        return (
            self.deadline is not None
            and self.period.end == self.deadline
            and end_at is not None
            and self.evaluated_at is not None
            and self.evaluated_at >= end_at
        )

    @property
    def counts_toward_limit(self) -> bool:
        """Whether the goal takes one of the `max_active_goals` places: an active goal, or a periodic
        goal whose current period is completed and which still runs (paused goals make room)."""
        if self.status is GoalStatus.ACTIVE:
            return True
        return self.status is GoalStatus.COMPLETED and not self.finished


def milestone_list(goal: Goal) -> list[tuple[int, datetime | None]]:
    """Every milestone percent (25, 50, 75, 100) with the time the current period reached it, or None."""
    reached = {m.percent: m.reached_at for m in goal.milestones}
    return [(p, reached.get(p)) for p in MILESTONE_PERCENTS]


@dataclass(frozen=True, slots=True)
class GoalSnapshot:
    """One row of a goal's history: its measure at `evaluated_at` for `period`.

    Appended when the value, the percent or the status changed, and once when a period closes
    (`closes_period`: the period's result, COMPLETED or FAILED).
    """

    goal_id: str
    evaluated_at: datetime
    period: GoalPeriod
    current_value: float
    progress_percent: float
    status: GoalStatus
    closes_period: bool = False
