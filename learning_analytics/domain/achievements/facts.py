"""Building a `LearnerSnapshot` from what storage reads: day and hour rollups, active days, streak, mastery."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from learning_analytics.domain.achievements.model import LearnerSnapshot
from learning_analytics.domain.mastery import DEFAULT_MASTERY_THRESHOLD, MasteryLevel, level_for
from learning_analytics.domain.periods import week_start
from learning_analytics.domain.rollups import Bucket, merge_moments
from learning_analytics.domain.streaks import Streak

COMEBACK_GAP_DAYS = 7
LATE_NIGHT_FROM_HOUR = 22  # a session started at 22:00–23:59 local
EARLY_MORNING_BEFORE_HOUR = 7  # a session started at 00:00–06:59 local
HIGH_QUALITY_MIN_EXCHANGES = 10
HIGH_QUALITY_AVERAGE = 0.9
_SATURDAY = 5


@dataclass(frozen=True, slots=True)
class CalendarFacts:
    """Facts of the active local days: how many, ISO weeks with all 7 active, weekends with Saturday
    and Sunday active, and comebacks (an active day after ≥ `COMEBACK_GAP_DAYS` inactive days)."""

    active_days: int = 0
    perfect_weeks: int = 0
    full_weekends: int = 0
    comebacks: int = 0


def calendar_facts(days: Iterable[date], *, comeback_gap_days: int = COMEBACK_GAP_DAYS) -> CalendarFacts:
    """The calendar facts of a set of active days (any order, duplicates allowed).

    perfect week: an ISO week (Monday..Sunday) whose 7 days are active; full weekend: a Saturday
    active with the Sunday after it; comeback: consecutive active days a < b with (b − a) − 1 ≥
    `comeback_gap_days` missed days between them.
    """
    unique = sorted(set(days))
    per_week: dict[date, int] = {}
    for day in unique:
        monday = week_start(day)
        per_week[monday] = per_week.get(monday, 0) + 1
    present = set(unique)
    weekends = sum(1 for d in unique if d.weekday() == _SATURDAY and d + timedelta(days=1) in present)
    comebacks = sum(1 for a, b in pairwise(unique) if (b - a).days - 1 >= comeback_gap_days)
    return CalendarFacts(
        active_days=len(unique),
        perfect_weeks=sum(1 for n in per_week.values() if n == 7),
        full_weekends=weekends,
        comebacks=comebacks,
    )


def is_high_quality_day(bucket: Bucket) -> bool:
    """A day with at least 10 scored exchanges whose composite quality averages ≥ 0.9."""
    mean = bucket.quality.mean
    return (
        bucket.quality.n >= HIGH_QUALITY_MIN_EXCHANGES and mean is not None and mean >= HIGH_QUALITY_AVERAGE
    )


def hour_counts(hourly: Iterable[Bucket]) -> tuple[int, int]:
    """Sessions started late at night (local hour ≥ 22) and early in the morning (hour < 7), from
    hour buckets (`Bucket.hour` is the local hour of the sessions' start)."""
    late = early = 0
    for bucket in hourly:
        if bucket.hour >= LATE_NIGHT_FROM_HOUR:
            late += bucket.sessions
        elif bucket.hour < EARLY_MORNING_BEFORE_HOUR:
            early += bucket.sessions
    return late, early


def learner_snapshot(
    *,
    daily: Iterable[Bucket],
    active_days: Iterable[date],
    recent_hourly: Iterable[Bucket],
    streak: Streak,
    mastery_scores: Iterable[float],
    unique_topics: int,
    goals_completed: int,
    longest_session_minutes: float,
    mastery_threshold: float = DEFAULT_MASTERY_THRESHOLD,
) -> LearnerSnapshot:
    """The snapshot of a learner from: every day bucket (`daily`, any order), the active days the
    streak reads, the hour buckets of the retained window, the `Streak` as the `streak` query
    computes it, the mastery score of each topic, the number of distinct topics, the goals ever
    completed and the longest session in minutes. Levels follow `mastery.level_for`."""
    days = list(daily)
    quality = merge_moments(b.quality for b in days)
    late, early = hour_counts(recent_hourly)
    calendar = calendar_facts(active_days)
    levels = [level_for(s, mastery_threshold=mastery_threshold) for s in mastery_scores]
    proficient = (MasteryLevel.INTERMEDIATE, MasteryLevel.ADVANCED, MasteryLevel.EXPERT)
    return LearnerSnapshot(
        total_sessions=sum(b.sessions for b in days),
        total_exchanges=sum(b.exchanges for b in days),
        total_minutes=sum(b.minutes for b in days),
        scored_exchanges=quality.n,
        avg_quality=quality.mean or 0.0,
        high_quality_days=sum(1 for b in days if is_high_quality_day(b)),
        feedback_given=sum(b.feedback for b in days),
        most_exchanges_in_a_day=max((b.exchanges for b in days), default=0),
        most_minutes_in_a_day=max((b.minutes for b in days), default=0.0),
        active_days=calendar.active_days,
        perfect_weeks=calendar.perfect_weeks,
        full_weekends=calendar.full_weekends,
        comebacks=calendar.comebacks,
        current_streak=streak.current,
        longest_streak=streak.longest,
        frozen_days=len(streak.frozen_days),
        unique_topics=unique_topics,
        proficient_topics=sum(1 for level in levels if level in proficient),
        expert_topics=sum(1 for level in levels if level is MasteryLevel.EXPERT),
        goals_completed=goals_completed,
        late_night_sessions=late,
        early_morning_sessions=early,
        longest_session_minutes=longest_session_minutes,
    )
