"""Goal suggestions from the learner's current metrics: a streak, sessions, exchanges, quality, topics."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from learning_analytics.domain.goals.kinds import GoalFrequency, GoalStatus, GoalType
from learning_analytics.domain.goals.metrics import TargetMetric
from learning_analytics.domain.goals.model import Goal
from learning_analytics.domain.streaks import EMPTY_STREAK, Streak

STREAK_STEPS: tuple[int, ...] = (3, 7, 14, 30, 60, 100, 365)
SESSION_STEPS: tuple[int, ...] = (10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
TOPIC_STEPS: tuple[int, ...] = (5, 10, 25, 50, 100, 250)
STRETCH = 1.2  # a suggested target asks 20 % more than the recent level
QUALITY_STEP = 0.05
QUALITY_CEILING = 0.95


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


@dataclass(frozen=True, slots=True)
class SuggestionInputs:
    """The learner's current metrics: the one `Streak`, lifetime totals, and the last `recent_days` (14)
    local days (today included): sessions, exchanges, active days, exchange-weighted quality and the
    number of scored exchanges. `weak_topic` is a practised topic with a low mastery, if any."""

    streak: Streak = EMPTY_STREAK
    total_sessions: int = 0
    total_exchanges: int = 0
    unique_topics: int = 0
    recent_days: int = 14
    recent_sessions: int = 0
    recent_exchanges: int = 0
    recent_active_days: int = 0
    recent_avg_quality: float | None = None
    recent_scored_exchanges: int = 0
    weak_topic: str | None = None
    weak_topic_mastery: float | None = None

    def __post_init__(self) -> None:
        if self.recent_days < 1:
            raise ValueError(f"recent_days must be at least 1, got {self.recent_days}")


@dataclass(frozen=True, slots=True)
class GoalSuggestion:
    """A goal worth setting: what to create (type, metric, frequency, target, topic) and why."""

    kind: str
    title: str
    goal_type: GoalType
    target_metric: TargetMetric
    frequency: GoalFrequency
    suggested_target: float
    difficulty: Difficulty
    confidence: float
    reason: str
    topic: str | None = None


def evidence(n: float, scale: float) -> float:
    """A confidence from the amount of evidence: 1 − exp(−n / scale), rounded to 4 decimals."""
    return round(1.0 - math.exp(-max(n, 0.0) / scale), 4)


def difficulty_of(target: float, baseline: float) -> Difficulty:
    """easy when the target asks at most 10 % more than the baseline, medium up to 50 % more, else
    hard (and hard from a baseline of 0)."""
    if baseline <= 0:
        return Difficulty.HARD
    ratio = target / baseline
    if ratio <= 1.1:
        return Difficulty.EASY
    if ratio <= 1.5:
        return Difficulty.MEDIUM
    return Difficulty.HARD


def _next_step(value: float, steps: Sequence[int]) -> int | None:
    return next((s for s in steps if s > value), None)


def _streak(m: SuggestionInputs) -> GoalSuggestion | None:
    current = m.streak.current
    target = _next_step(current, STREAK_STEPS)
    if target is None:
        return None
    gap = target - current
    return GoalSuggestion(
        kind="streak",
        title=f"Build a {target}-Day Streak",
        goal_type=GoalType.STREAK,
        target_metric=TargetMetric.CURRENT_STREAK,
        frequency=GoalFrequency.ONE_TIME,
        suggested_target=float(target),
        difficulty=Difficulty.EASY if gap <= 2 else Difficulty.MEDIUM if gap <= 7 else Difficulty.HARD,
        confidence=evidence(m.recent_active_days, 5.0),
        reason=f"Your current streak is {current} days: {gap} more active days make {target}.",
    )


def _weekly_sessions(m: SuggestionInputs) -> GoalSuggestion:
    per_week = m.recent_sessions * 7.0 / m.recent_days
    target = max(3, math.ceil(per_week * STRETCH))
    return GoalSuggestion(
        kind="weekly_sessions",
        title=f"Complete {target} Sessions This Week",
        goal_type=GoalType.SESSIONS,
        target_metric=TargetMetric.SESSION_COUNT,
        frequency=GoalFrequency.WEEKLY,
        suggested_target=float(target),
        difficulty=difficulty_of(target, per_week),
        confidence=evidence(m.recent_active_days, 5.0),
        reason=f"You averaged {per_week:.1f} sessions a week over the last {m.recent_days} days.",
    )


def _daily_exchanges(m: SuggestionInputs) -> GoalSuggestion:
    per_day = m.recent_exchanges / m.recent_active_days if m.recent_active_days else 0.0
    target = max(10, 5 * math.ceil(per_day * STRETCH / 5))
    return GoalSuggestion(
        kind="daily_exchanges",
        title=f"Have {target} Exchanges a Day",
        goal_type=GoalType.EXCHANGES,
        target_metric=TargetMetric.EXCHANGE_COUNT,
        frequency=GoalFrequency.DAILY,
        suggested_target=float(target),
        difficulty=difficulty_of(target, per_day),
        confidence=evidence(m.recent_active_days, 5.0),
        reason=f"You had {per_day:.1f} exchanges per active day over the last {m.recent_days} days.",
    )


def _quality(m: SuggestionInputs) -> GoalSuggestion | None:
    avg = m.recent_avg_quality
    if avg is None or m.recent_scored_exchanges < 10 or avg >= QUALITY_CEILING:
        return None
    target = round(min(QUALITY_CEILING, avg + QUALITY_STEP), 2)
    return GoalSuggestion(
        kind="weekly_quality",
        title=f"Keep Quality Above {target:.0%}",
        goal_type=GoalType.QUALITY,
        target_metric=TargetMetric.AVG_QUALITY,
        frequency=GoalFrequency.WEEKLY,
        suggested_target=target,
        # every point of quality is harder to win the closer it is to perfect
        difficulty=Difficulty.HARD if avg >= 0.85 else Difficulty.MEDIUM if avg >= 0.7 else Difficulty.EASY,
        confidence=evidence(m.recent_scored_exchanges, 20.0),
        reason=f"Your recent quality average is {avg:.2f} over {m.recent_scored_exchanges} scored exchanges.",
    )


def _milestone(m: SuggestionInputs) -> GoalSuggestion | None:
    target = _next_step(m.total_sessions, SESSION_STEPS)
    if target is None:
        return None
    remaining = target - m.total_sessions
    per_week = m.recent_sessions * 7.0 / m.recent_days
    weeks = math.inf if per_week == 0 else remaining / per_week
    return GoalSuggestion(
        kind="session_milestone",
        title=f"Reach {target} Sessions",
        goal_type=GoalType.MILESTONE,
        target_metric=TargetMetric.TOTAL_SESSIONS,
        frequency=GoalFrequency.ONE_TIME,
        suggested_target=float(target),
        difficulty=Difficulty.EASY if weeks <= 2 else Difficulty.MEDIUM if weeks <= 8 else Difficulty.HARD,
        confidence=evidence(m.total_sessions, 10.0),
        reason=f"You have completed {m.total_sessions} sessions: {remaining} more make {target}.",
    )


def _topics(m: SuggestionInputs) -> GoalSuggestion | None:
    target = _next_step(m.unique_topics, TOPIC_STEPS)
    if target is None:
        return None
    gap = target - m.unique_topics
    return GoalSuggestion(
        kind="explore_topics",
        title=f"Explore {target} Topics",
        goal_type=GoalType.MILESTONE,
        target_metric=TargetMetric.UNIQUE_TOPICS,
        frequency=GoalFrequency.ONE_TIME,
        suggested_target=float(target),
        difficulty=Difficulty.EASY if gap <= 2 else Difficulty.MEDIUM if gap <= 10 else Difficulty.HARD,
        confidence=evidence(m.total_sessions, 10.0),
        reason=f"You have explored {m.unique_topics} topics: {gap} new ones make {target}.",
    )


def _deepen(m: SuggestionInputs) -> GoalSuggestion | None:
    if m.weak_topic is None or m.weak_topic_mastery is None:
        return None
    return GoalSuggestion(
        kind="deepen_topic",
        title=f"Deepen {m.weak_topic}",
        goal_type=GoalType.TOPIC,
        target_metric=TargetMetric.SESSION_COUNT,
        frequency=GoalFrequency.WEEKLY,
        suggested_target=3.0,
        difficulty=Difficulty.MEDIUM,
        confidence=evidence(m.recent_active_days, 5.0),
        reason=f"Your mastery of {m.weak_topic} is {m.weak_topic_mastery:.2f}: regular sessions raise it.",
        topic=m.weak_topic,
    )


def suggest_goals(
    m: SuggestionInputs, *, existing: Iterable[Goal] = (), limit: int = 5
) -> list[GoalSuggestion]:
    """Up to `limit` suggestions, by confidence (then in this order): a streak to the next of 3, 7, 14,
    30, 60, 100, 365 days; weekly sessions at 1.2 × the recent weekly rate (at least 3); daily
    exchanges at 1.2 × the recent exchanges per active day, rounded up to 5 (at least 10); weekly
    quality at the recent average + 0.05 (at most 0.95; from 10 scored exchanges); the next session
    milestone; the next number of topics; more sessions on a weak topic. A suggestion matching an
    open goal (same type, metric, frequency and topic, not archived or finished) is left out.

    confidence = 1 − exp(−n / scale) of the evidence behind it (recent active days / 5, scored
    exchanges / 20, lifetime sessions / 10); difficulty from how far the target is from the level."""
    if limit <= 0:
        return []
    taken = {
        (g.goal_type, g.target_metric, g.frequency, g.topic)
        for g in existing
        if g.status is not GoalStatus.ARCHIVED and not g.finished
    }
    candidates = [
        s
        for s in (
            _streak(m),
            _weekly_sessions(m),
            _daily_exchanges(m),
            _quality(m),
            _milestone(m),
            _topics(m),
            _deepen(m),
        )
        if s is not None and (s.goal_type, s.target_metric, s.frequency, s.topic) not in taken
    ]
    return sorted(candidates, key=lambda s: -s.confidence)[:limit]  # stable: ties keep this order
