"""Goal progress: the metrics a goal reads, its value, percent, whether it is met, and its milestones."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from learning_analytics.domain.goals.kinds import Comparison
from learning_analytics.domain.goals.metrics import MetricKind, TargetMetric
from learning_analytics.domain.goals.model import MILESTONE_PERCENTS, Goal, GoalMilestone, GoalPeriod
from learning_analytics.domain.streaks import EMPTY_STREAK, Streak

# Relative tolerance of comparisons: an average of 0.7999999999999999 meets a target of 0.8.
REL_TOLERANCE = 1e-9
# The architecture's floor under an LTE goal's value, so that a value of 0 does not divide by zero.
LTE_FLOOR = 0.001


@dataclass(frozen=True, slots=True)
class MetricScope:
    """The local days and the topic one set of metrics covers; the key of `GoalInputs.by_scope`.

    `start` None: from the learner's first day (lifetime); `end` None: up to today. `topic`: only
    what is tagged with that topic (topic rollups), else everything.
    """

    start: date | None
    end: date | None
    topic: str | None = None


LIFETIME = MetricScope(start=None, end=None)


@dataclass(frozen=True, slots=True)
class ScopeMetrics:
    """What the learner did within one scope, read by the caller from the rollups.

    - `sessions`, `exchanges`, `minutes`: summed over the scope's local days (day rollups, or topic
      rollups for a topic scope, which hold no minutes); `active_days`: days with activity.
    - `avg_quality`: the exchange-weighted mean composite quality; None without scored exchanges.
    - `new_topics`: topics whose first local day lies within the scope (lifetime: every topic).
    - `mastered_topics`: topics at the expert level now (lifetime scope only).
    - `mastery`: the current mastery score of the scope's topic (topic scopes only).
    """

    sessions: int = 0
    exchanges: int = 0
    minutes: float = 0.0
    active_days: int = 0
    avg_quality: float | None = None
    new_topics: int = 0
    mastered_topics: int = 0
    mastery: float = 0.0


@dataclass(frozen=True, slots=True)
class GoalInputs:
    """Everything goal evaluation reads for one learner: the one `Streak` (as the `streak` query
    computes it: grace period and freezes included) and the metrics of each scope the goals need
    (`scopes_needed`)."""

    streak: Streak = EMPTY_STREAK
    by_scope: Mapping[MetricScope, ScopeMetrics] = field(default_factory=dict)

    def metrics(self, scope: MetricScope) -> ScopeMetrics:
        try:
            return self.by_scope[scope]
        except KeyError:
            raise KeyError(f"no metrics were given for {scope}: read every scope of scopes_needed") from None


def metric_scope(goal: Goal, period: GoalPeriod) -> MetricScope | None:
    """The scope a goal's metric is read from while it measures `period`: the period's days (with the
    goal's topic) for period metrics, lifetime for lifetime metrics, the topic for its mastery, and
    None for streak metrics (they read the `Streak`)."""
    kind = goal.target_metric.kind
    if kind is MetricKind.STREAK:
        return None
    if kind is MetricKind.LIFETIME:
        return LIFETIME
    if kind is MetricKind.MASTERY:
        return MetricScope(start=None, end=None, topic=goal.topic)
    return MetricScope(start=period.start, end=period.end, topic=goal.topic)


def metric_value(metric: TargetMetric, metrics: ScopeMetrics, streak: Streak) -> float:
    """A metric's current value: the scope's field it names, `streak.current`/`streak.longest` for
    the streak metrics (never recomputed here), and 0 for an average without scored exchanges."""
    match metric:
        case TargetMetric.SESSION_COUNT | TargetMetric.SESSIONS_TODAY | TargetMetric.TOTAL_SESSIONS:
            return float(metrics.sessions)
        case TargetMetric.EXCHANGE_COUNT | TargetMetric.TOTAL_EXCHANGES:
            return float(metrics.exchanges)
        case TargetMetric.STUDY_MINUTES | TargetMetric.TOTAL_MINUTES:
            return metrics.minutes
        case TargetMetric.ACTIVE_DAYS:
            return float(metrics.active_days)
        case TargetMetric.AVG_QUALITY:
            return 0.0 if metrics.avg_quality is None else metrics.avg_quality
        case TargetMetric.NEW_TOPICS | TargetMetric.UNIQUE_TOPICS:
            return float(metrics.new_topics)
        case TargetMetric.MASTERED_TOPICS:
            return float(metrics.mastered_topics)
        case TargetMetric.TOPIC_MASTERY:
            return metrics.mastery
        case TargetMetric.CURRENT_STREAK:
            return float(streak.current)
        case TargetMetric.LONGEST_STREAK:
            return float(streak.longest)


def goal_value(goal: Goal, period: GoalPeriod, inputs: GoalInputs) -> float:
    """The value of `goal`'s metric over `period` (see `metric_scope` and `metric_value`)."""
    scope = metric_scope(goal, period)
    metrics = ScopeMetrics() if scope is None else inputs.metrics(scope)
    return metric_value(goal.target_metric, metrics, inputs.streak)


def _slack(target: float) -> float:
    return REL_TOLERANCE * max(1.0, abs(target))


def is_met(value: float, target: float, comparison: Comparison) -> bool:
    """Whether the value meets the target (the architecture's `is_complete`), with a relative
    tolerance of 1e-9 for rounding: GTE value ≥ target; LTE value ≤ target; EQ value = target."""
    if comparison is Comparison.GTE:
        return value >= target - _slack(target)
    if comparison is Comparison.LTE:
        return value <= target + _slack(target)
    return math.isclose(value, target, rel_tol=REL_TOLERANCE, abs_tol=REL_TOLERANCE)


def progress_percent(value: float, target: float, comparison: Comparison) -> float:
    """The share of the target reached, in percent — the architecture's formulas (§7):

    - GTE: min(100, value / target × 100)
    - LTE: min(100, target / max(value, 0.001) × 100)
    - EQ:  100 if value = target else 0

    and exactly 100 whenever `is_met` holds (so a value within rounding of the target reads 100,
    and an LTE target below the 0.001 floor reads 100 at 0). Never negative.
    """
    if target <= 0:
        raise ValueError(f"a goal's target is > 0, got {target}")
    if is_met(value, target, comparison):
        return 100.0
    if comparison is Comparison.GTE:
        return max(0.0, min(100.0, value / target * 100.0))
    if comparison is Comparison.LTE:
        return min(100.0, target / max(value, LTE_FLOOR) * 100.0)
    return 0.0


def new_milestones(
    reached: Iterable[GoalMilestone], percent: float, *, at: datetime
) -> tuple[GoalMilestone, ...]:
    """The milestones (25, 50, 75, 100 %) `percent` reaches that are not in `reached` yet, at `at`."""
    known = {m.percent for m in reached}
    return tuple(
        GoalMilestone(percent=p, reached_at=at) for p in MILESTONE_PERCENTS if p not in known and percent >= p
    )
