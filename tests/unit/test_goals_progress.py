"""Goal progress: the architecture's GTE/LTE/EQ formulas, metric values, scopes, and the one streak."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.goals import (
    LIFETIME,
    Comparison,
    Goal,
    GoalDraft,
    GoalFrequency,
    GoalInputs,
    GoalType,
    MetricScope,
    ScopeMetrics,
    TargetMetric,
    create_goal,
    evaluate_goal,
    goal_value,
    is_met,
    metric_scope,
    metric_value,
    progress_percent,
)
from learning_analytics.domain.streaks import Streak, compute_streak

GTE, LTE, EQ = Comparison.GTE, Comparison.LTE, Comparison.EQ
UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
GRACE = timedelta(hours=36)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [(0, 5, 0.0), (3, 5, 60.0), (5, 5, 100.0), (7, 5, 100.0), (0.4, 0.8, 50.0)],
)
def test_gte_progress_is_value_over_target_capped_at_100(
    value: float, target: float, expected: float
) -> None:
    assert progress_percent(value, target, GTE) == pytest.approx(expected)
    assert is_met(value, target, GTE) is (value >= target)


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [(60, 30, 50.0), (40, 30, 75.0), (30, 30, 100.0), (10, 30, 100.0), (0, 30, 100.0)],
)
def test_lte_progress_is_target_over_value_capped_at_100(
    value: float, target: float, expected: float
) -> None:
    assert progress_percent(value, target, LTE) == pytest.approx(expected)
    assert is_met(value, target, LTE) is (value <= target)


def test_lte_divides_by_the_0_001_floor_below_it() -> None:
    # 0.0005 / max(0.0008, 0.001) × 100 = 50; the value is over the target, so not met
    assert progress_percent(0.0008, 0.0005, LTE) == pytest.approx(50.0)
    assert not is_met(0.0008, 0.0005, LTE)
    # at 0 the ceiling holds: 100 (the bare formula would say 50)
    assert progress_percent(0.0, 0.0005, LTE) == 100.0


@pytest.mark.parametrize(("value", "expected"), [(5, 100.0), (4, 0.0), (6, 0.0)])
def test_eq_progress_is_all_or_nothing(value: float, expected: float) -> None:
    assert progress_percent(value, 5, EQ) == expected
    assert is_met(value, 5, EQ) is (value == 5)


def test_rounding_of_averages_does_not_miss_a_target() -> None:
    assert is_met(0.1 + 0.2, 0.3, EQ)
    assert progress_percent(0.7999999999999999, 0.8, GTE) == 100.0
    assert progress_percent(0.79, 0.8, GTE) < 100.0


def test_a_target_must_be_positive() -> None:
    with pytest.raises(ValueError):
        progress_percent(1, 0, GTE)


def test_metric_values_read_their_scope_field_or_the_streak() -> None:
    m = ScopeMetrics(
        sessions=4,
        exchanges=40,
        minutes=95.5,
        active_days=3,
        avg_quality=0.82,
        new_topics=2,
        mastered_topics=1,
    )
    streak = Streak(12, 20, date(2026, 3, 10), date(2026, 2, 27), True, 1, ())

    assert metric_value(TargetMetric.SESSION_COUNT, m, streak) == 4
    assert metric_value(TargetMetric.SESSIONS_TODAY, m, streak) == 4
    assert metric_value(TargetMetric.TOTAL_SESSIONS, m, streak) == 4
    assert metric_value(TargetMetric.EXCHANGE_COUNT, m, streak) == 40
    assert metric_value(TargetMetric.STUDY_MINUTES, m, streak) == 95.5
    assert metric_value(TargetMetric.ACTIVE_DAYS, m, streak) == 3
    assert metric_value(TargetMetric.AVG_QUALITY, m, streak) == 0.82
    assert metric_value(TargetMetric.UNIQUE_TOPICS, m, streak) == 2
    assert metric_value(TargetMetric.MASTERED_TOPICS, m, streak) == 1
    assert metric_value(TargetMetric.CURRENT_STREAK, m, streak) == 12
    assert metric_value(TargetMetric.LONGEST_STREAK, m, streak) == 20
    assert metric_value(TargetMetric.AVG_QUALITY, ScopeMetrics(), streak) == 0.0


def goal(
    goal_type: GoalType,
    target: float,
    *,
    metric: str | None = None,
    frequency: GoalFrequency = GoalFrequency.ONE_TIME,
    topic: str | None = None,
    deadline: date | None = None,
) -> Goal:
    draft = GoalDraft(
        title="g",
        goal_type=goal_type,
        target_value=target,
        target_metric=metric,
        frequency=frequency,
        topic=topic,
        deadline=deadline,
    )
    return create_goal(draft, goal_id="g1", now=NOW, tz=UTC_ZONE)


def test_each_kind_of_metric_reads_its_own_scope() -> None:
    weekly = goal(GoalType.SESSIONS, 5, frequency=GoalFrequency.WEEKLY)
    on_topic = goal(GoalType.TOPIC, 3, topic="python")
    lifetime = goal(GoalType.MILESTONE, 100)
    mastery = goal(GoalType.TOPIC, 0.75, metric="topic_mastery", topic="python")
    streak = goal(GoalType.STREAK, 7)

    assert metric_scope(weekly, weekly.period) == MetricScope(date(2026, 3, 9), date(2026, 3, 15))
    assert metric_scope(on_topic, on_topic.period) == MetricScope(date(2026, 3, 10), None, "python")
    assert metric_scope(lifetime, lifetime.period) == LIFETIME
    assert metric_scope(mastery, mastery.period) == MetricScope(None, None, "python")
    assert metric_scope(streak, streak.period) is None


def test_a_scope_the_caller_did_not_read_is_a_clear_error() -> None:
    weekly = goal(GoalType.SESSIONS, 5, frequency=GoalFrequency.WEEKLY)

    with pytest.raises(KeyError, match="scopes_needed"):
        goal_value(weekly, weekly.period, GoalInputs())


# ---- one streak: a STREAK goal reads the Streak the `streak` query computes (grace, freezes)


def run(first: date, length: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(length)]


def streak_goal_value(streak: Streak) -> float:
    g = goal(GoalType.STREAK, 7, deadline=date(2026, 3, 31))
    evaluation = evaluate_goal(g, GoalInputs(streak=streak), now=NOW, tz=UTC_ZONE)
    return evaluation.goal.current_value


def test_a_seven_day_run_meets_a_seven_day_streak_goal() -> None:
    days = run(date(2026, 3, 4), 7)  # 4..10 March
    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=NOW,
        last_activity_at=datetime(2026, 3, 10, 9, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 7
    assert streak_goal_value(streak) == streak.current == 7


def test_a_missed_day_is_frozen_and_the_goal_keeps_the_streak() -> None:
    days = run(date(2026, 3, 1), 7)  # 1..7 March earn one freeze; 8 March is missed
    streak = compute_streak(
        days,
        today=date(2026, 3, 9),
        now=datetime(2026, 3, 9, 8, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 7, 18, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.frozen_days == (date(2026, 3, 8),)
    assert streak.current == 7
    assert streak_goal_value(streak) == streak.current


def test_the_day_after_a_frozen_day_extends_the_run() -> None:
    days = [*run(date(2026, 3, 1), 7), date(2026, 3, 9)]  # 8 March frozen: 7 + 1 active days
    streak = compute_streak(
        days,
        today=date(2026, 3, 10),
        now=datetime(2026, 3, 10, 8, tzinfo=UTC),
        last_activity_at=datetime(2026, 3, 9, 20, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 8
    assert streak_goal_value(streak) == 8


def test_a_second_missed_day_without_a_freeze_left_ends_the_streak_and_the_goal_reads_zero() -> None:
    days = [*run(date(2026, 3, 1), 7), date(2026, 3, 9)]  # the freeze went on 8 March; 10 March is missed
    streak = compute_streak(
        days,
        today=date(2026, 3, 11),
        now=datetime(2026, 3, 11, 12, tzinfo=UTC),  # 40 h after the last activity: past the grace
        last_activity_at=datetime(2026, 3, 9, 20, tzinfo=UTC),
        grace=GRACE,
        freezes_max=2,
    )

    assert streak.current == 0
    assert streak.longest == 8
    assert streak_goal_value(streak) == 0
