"""Insight values: types, importance, the insight itself, the inputs snapshot and the thresholds."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from learning_analytics.domain.mastery import MasteryLevel
from learning_analytics.domain.rollups import Bucket
from learning_analytics.domain.streaks import EMPTY_STREAK, Streak
from learning_analytics.domain.trends.anomaly_detection import AnomalyThresholds


class InsightType(StrEnum):
    TREND = "trend"
    ANOMALY = "anomaly"
    MILESTONE = "milestone"
    RECOMMENDATION = "recommendation"
    KNOWLEDGE = "knowledge"


class Importance(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


IMPORTANCE_RANK: Mapping[Importance, int] = {Importance.HIGH: 0, Importance.MEDIUM: 1, Importance.LOW: 2}

# How long an insight stays relevant after it is generated, per type.
EXPIRY: Mapping[InsightType, timedelta] = {
    InsightType.TREND: timedelta(days=7),
    InsightType.ANOMALY: timedelta(days=3),
    InsightType.MILESTONE: timedelta(days=14),
    InsightType.RECOMMENDATION: timedelta(days=7),
    InsightType.KNOWLEDGE: timedelta(days=14),
}


@dataclass(frozen=True, slots=True)
class Insight:
    """One generated insight: what the learner is told, and the numbers and thresholds behind it.

    `fact_key` and `fact_day` identify the fact (a milestone number, a topic pair, an anomaly's date,
    and the local day the fact is about); the id is derived from them, so the same fact on the same
    day always gets the same id.
    """

    id: str
    rule: str
    type: InsightType
    title: str
    description: str
    importance: Importance
    confidence: float
    data: Mapping[str, object]
    icon: str | None
    action_url: str | None
    generated_at: datetime
    expires_at: datetime | None
    fact_day: date
    fact_key: str


@dataclass(frozen=True, slots=True)
class TopicStat:
    """A topic over the learner's whole history, with its mastery and its activity of the last days.

    `exchanges`/`sessions` count every exchange and session tagged with the topic; `avg_quality` is
    the mean composite quality of its scored exchanges (None when none is scored); `mastery` and
    `level` come from `domain.mastery`; `recent_exchanges` counts its exchanges of the last
    `InsightThresholds.recent_days` local days, today included.
    """

    topic: str
    exchanges: int
    sessions: int
    avg_quality: float | None
    mastery: float
    level: MasteryLevel
    first_day: date
    last_day: date
    recent_exchanges: int = 0


@dataclass(frozen=True, slots=True)
class TopicPair:
    """Two topics studied in the same sessions: how many sessions share both, and the last such day."""

    a: str
    b: str
    sessions: int
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class LifetimeTotals:
    """The learner's totals over their whole history, as of now."""

    sessions: int = 0
    exchanges: int = 0
    avg_quality: float | None = None
    first_day: date | None = None


@dataclass(frozen=True, slots=True)
class InsightInputs:
    """Everything the rules read, built by the caller from rollups.

    - `daily`: day buckets of the last `InsightThresholds.history_days` local days ending `today`
      (any order; a missing day is an inactive day; several buckets of one day are merged).
    - `hourly`: hour-of-day buckets over the caller's lookback; buckets of the same `hour` are merged.
    - `totals`: lifetime totals; `streak`: the current streak as of `today`.
    - `topics`: every topic the learner studied (lifetime); `pairs`: topic co-occurrence in sessions.
    """

    user_id: str
    today: date
    now: datetime
    daily: Sequence[Bucket] = ()
    hourly: Sequence[Bucket] = ()
    totals: LifetimeTotals = LifetimeTotals()
    streak: Streak = EMPTY_STREAK
    topics: Sequence[TopicStat] = ()
    pairs: Sequence[TopicPair] = ()


@dataclass(frozen=True, slots=True)
class InsightThresholds:
    """The thresholds of the rules, with the seeds' defaults: the single definition of each (the
    `insights` section of the settings is this class). `anomaly` is shared with the trend answer and
    set from the settings' `anomalies` section."""

    period_days: int = 30
    min_data_points: int = 5
    confidence_threshold: float = 0.7
    max_insights: int = 10
    max_recommendations: int = 5
    max_per_rule: int = 3
    quality_change_percent: float = 10.0
    activity_up_percent: float = 50.0
    activity_down_percent: float = 30.0
    anomaly: AnomalyThresholds = field(default_factory=AnomalyThresholds)
    anomaly_recent_days: int = 3
    anomaly_min_exchanges: int = 3
    typical_days: int = 28
    inactive_days: int = 3
    recent_days: int = 7
    correction_baseline_days: int = 28
    correction_spike_ratio: float = 2.0
    correction_spike_floor: float = 0.10
    high_correction_rate: float = 0.15
    min_rate_exchanges: int = 20
    session_milestones: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000)
    exchange_milestones: tuple[int, ...] = (100, 500, 1000, 5000, 10000)
    streak_milestones: tuple[int, ...] = (7, 14, 30, 60, 90)
    topic_milestones: tuple[int, ...] = (5, 10, 25, 50, 100)
    milestone_window_days: int = 7
    min_sessions_at_best_hour: int = 4
    best_time_lift_percent: float = 5.0
    revisit_gap_percent: float = 10.0
    revisit_min_exchanges: int = 5
    strong_connection_min_sessions: int = 5
    strong_connection_strength: float = 0.25
    gap_max_mastery: float = 0.4
    gap_neighbour_mastery: float = 0.6
    gap_min_neighbours: int = 2
    gap_min_shared_sessions: int = 2
    emerging_days: int = 30
    emerging_min_sessions: int = 3
    emerging_min_momentum: float = 0.5

    def __post_init__(self) -> None:
        for name in (
            "period_days",
            "anomaly_recent_days",
            "typical_days",
            "recent_days",
            "correction_baseline_days",
            "milestone_window_days",
            "emerging_days",
        ):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")

    @property
    def history_days(self) -> int:
        """How many local days ending today `InsightInputs.daily` must cover for every rule."""
        return max(
            2 * self.period_days,
            self.recent_days + self.correction_baseline_days,
            self.anomaly.lookback_days + self.anomaly_recent_days,
            self.typical_days + 2,
            self.milestone_window_days,
        )


Rule = Callable[[InsightInputs, InsightThresholds], list[Insight]]


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule of the catalog: its id, the type of insight it makes, what triggers it, and the function."""

    id: str
    type: InsightType
    description: str
    evaluate: Rule = field(repr=False)


def insight_id(user_id: str, rule: str, fact_key: str, fact_day: date) -> str:
    """The stable id of a fact: "ins_" + the first 16 hex digits of sha256("user|rule|fact_key|day")."""
    digest = hashlib.sha256(f"{user_id}|{rule}|{fact_key}|{fact_day.isoformat()}".encode()).hexdigest()
    return f"ins_{digest[:16]}"


def make_insight(
    inputs: InsightInputs,
    *,
    rule: str,
    type: InsightType,
    fact_key: str,
    fact_day: date,
    title: str,
    description: str,
    importance: Importance,
    confidence: float,
    data: Mapping[str, object],
    icon: str,
    action_url: str,
) -> Insight:
    """An insight generated at `inputs.now`, expiring after its type's horizon, confidence clamped to [0, 1]."""
    return Insight(
        id=insight_id(inputs.user_id, rule, fact_key, fact_day),
        rule=rule,
        type=type,
        title=title,
        description=description,
        importance=importance,
        confidence=round(min(1.0, max(0.0, confidence)), 4),
        data=dict(data),
        icon=icon,
        action_url=action_url,
        generated_at=inputs.now,
        expires_at=inputs.now + EXPIRY[type],
        fact_day=fact_day,
        fact_key=fact_key,
    )
