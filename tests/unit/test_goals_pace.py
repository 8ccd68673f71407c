"""Goal pace against hand-worked numbers, and goal suggestions from current metrics."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.goals import (
    Comparison,
    Difficulty,
    Goal,
    GoalDraft,
    GoalFrequency,
    GoalStatus,
    GoalType,
    Pace,
    SuggestionInputs,
    TargetMetric,
    create_goal,
    goal_pace,
    suggest_goals,
)
from learning_analytics.domain.streaks import Streak

UTC_ZONE = ZoneInfo("UTC")
TODAY = date(2026, 3, 12)  # a Thursday
NOW = datetime(2026, 3, 12, 15, tzinfo=UTC)


def goal(value: float, target: float = 20, **kw: object) -> Goal:
    fields: dict[str, object] = {"title": "g", "goal_type": GoalType.SESSIONS, "target_value": target, **kw}
    g = create_goal(GoalDraft(**fields), goal_id="g", now=datetime(2026, 3, 10, tzinfo=UTC), tz=UTC_ZONE)  # type: ignore[arg-type]
    return replace(g, current_value=value)


def pace(g: Goal, gain: float, streak: Streak | None = None) -> Pace:
    return goal_pace(g, recent_gain=gain, now=NOW, tz=UTC_ZONE, streak=streak)


def test_behind_pace_for_a_near_deadline() -> None:
    # 8 of 20, 7 sessions in 14 days: 0.5 a day; 12 to go take 24 days, the last one today + 23
    # deadline today + 9: 10 days left with today, so 12 / 10 = 1.2 a day are needed
    p = pace(goal(8, deadline=date(2026, 3, 21)), 7)

    assert p == Pace(
        daily_rate=0.5, projected_completion_date=date(2026, 4, 4), required_daily_pace=1.2, on_track=False
    )


def test_on_pace_for_a_far_deadline() -> None:
    p = pace(goal(8, deadline=date(2026, 4, 11)), 7)  # 31 days left with today

    assert p.projected_completion_date == date(2026, 4, 4)
    assert p.required_daily_pace == pytest.approx(12 / 31)
    assert p.on_track is True


def test_reaching_the_target_on_the_deadline_is_on_track() -> None:
    # 12 to go at 1.2 a day: 10 days, today + 9 = the deadline
    p = pace(goal(8, deadline=date(2026, 3, 21)), 16.8)

    assert p.projected_completion_date == date(2026, 3, 21)
    assert p.on_track is True


def test_no_recent_activity_projects_nothing_and_is_off_track() -> None:
    p = pace(goal(8, deadline=date(2026, 3, 21)), 0)

    assert (p.daily_rate, p.projected_completion_date, p.on_track) == (0.0, None, False)
    assert p.required_daily_pace == 1.2


def test_without_a_deadline_only_the_projection() -> None:
    p = pace(goal(8), 7)

    assert p == Pace(0.5, date(2026, 4, 4), None, None)


def test_a_weekly_goal_aims_at_the_end_of_its_week() -> None:
    # week 9..15 March; Thursday: 4 days left with today; 2 of 5, 14 in 14 days = 1 a day
    g = goal(2, target=5, goal_type=GoalType.ACTIVITY, frequency=GoalFrequency.WEEKLY)
    assert (g.period.start, g.period.end) == (date(2026, 3, 9), date(2026, 3, 15))

    p = pace(g, 14)

    assert p == Pace(1.0, date(2026, 3, 14), 0.75, True)


def test_a_met_or_completed_goal_is_done() -> None:
    met = pace(goal(20, deadline=date(2026, 3, 21)), 7)
    done = pace(
        replace(
            goal(20), status=GoalStatus.COMPLETED, period_completed_at=datetime(2026, 3, 9, 23, tzinfo=UTC)
        ),
        7,
    )

    assert met == Pace(0.5, TODAY, 0.0, True)
    assert done.projected_completion_date == date(2026, 3, 9)
    assert done.on_track is True


def test_a_streak_grows_one_day_at_a_time() -> None:
    g = goal(5, target=7, goal_type=GoalType.STREAK, deadline=date(2026, 3, 13))
    studied_today = Streak(5, 5, TODAY, date(2026, 3, 8), True, 0, ())
    not_yet = replace(studied_today, today_complete=False, last_active_date=date(2026, 3, 11))

    assert pace(g, 0, studied_today) == Pace(1.0, date(2026, 3, 14), 1.0, False)  # 13th and 14th
    assert pace(g, 0, not_yet) == Pace(1.0, date(2026, 3, 13), 1.0, True)  # today and the 13th


@pytest.mark.parametrize(
    "g",
    [
        goal(0.7, target=0.8, goal_type=GoalType.QUALITY),
        goal(3, target=5, comparison=Comparison.LTE, deadline=date(2026, 3, 20)),
        goal(3, target=5, comparison=Comparison.EQ),
        replace(goal(3), status=GoalStatus.PAUSED),
    ],
)
def test_averages_ceilings_exact_targets_and_paused_goals_have_no_pace(g: Goal) -> None:
    assert pace(g, 10) == Pace()


# ---- suggestions


INPUTS = SuggestionInputs(
    streak=Streak(5, 12, TODAY, date(2026, 3, 8), True, 0, ()),
    total_sessions=87,
    total_exchanges=900,
    unique_topics=34,
    recent_sessions=6,
    recent_exchanges=120,
    recent_active_days=8,
    recent_avg_quality=0.78,
    recent_scored_exchanges=40,
    weak_topic="sql",
    weak_topic_mastery=0.3,
)


def test_suggestions_worked_by_hand() -> None:
    by_kind = {s.kind: s for s in suggest_goals(INPUTS, limit=10)}

    streak = by_kind["streak"]  # 5 days: next step 7, 2 to go
    assert (streak.goal_type, streak.target_metric, streak.suggested_target, streak.difficulty) == (
        GoalType.STREAK,
        TargetMetric.CURRENT_STREAK,
        7.0,
        Difficulty.EASY,
    )
    assert streak.confidence == 0.7981  # 1 − e^(−8/5)
    weekly = by_kind["weekly_sessions"]  # 6 in 14 days = 3 a week; 3 × 1.2 = 3.6 → 4 (ratio 1.33)
    assert (weekly.suggested_target, weekly.difficulty, weekly.frequency) == (
        4.0,
        Difficulty.MEDIUM,
        GoalFrequency.WEEKLY,
    )
    daily = by_kind["daily_exchanges"]  # 120 / 8 = 15 a day; × 1.2 = 18 → 20
    assert (daily.suggested_target, daily.difficulty) == (20.0, Difficulty.MEDIUM)
    quality = by_kind["weekly_quality"]  # 0.78 + 0.05
    assert (quality.suggested_target, quality.difficulty, quality.confidence) == (
        0.83,
        Difficulty.MEDIUM,
        0.8647,
    )
    milestone = by_kind["session_milestone"]  # 87 → 100: 13 at 3 a week = 4.3 weeks
    assert (milestone.suggested_target, milestone.difficulty, milestone.confidence) == (
        100.0,
        Difficulty.MEDIUM,
        0.9998,
    )
    topics = by_kind["explore_topics"]  # 34 → 50
    assert (topics.suggested_target, topics.difficulty) == (50.0, Difficulty.HARD)
    deepen = by_kind["deepen_topic"]
    assert (deepen.goal_type, deepen.topic, deepen.suggested_target) == (GoalType.TOPIC, "sql", 3.0)
    assert all(s.title and s.reason for s in by_kind.values())


def test_suggestions_rank_by_confidence_and_keep_their_order_on_ties() -> None:
    kinds = [s.kind for s in suggest_goals(INPUTS, limit=5)]

    assert kinds == ["session_milestone", "explore_topics", "weekly_quality", "streak", "weekly_sessions"]


def test_a_suggestion_already_set_as_an_open_goal_is_left_out() -> None:
    weekly = create_goal(
        GoalDraft(title="w", goal_type=GoalType.SESSIONS, target_value=4, frequency=GoalFrequency.WEEKLY),
        goal_id="w",
        now=NOW,
        tz=UTC_ZONE,
    )

    kinds = {s.kind for s in suggest_goals(INPUTS, existing=[weekly], limit=10)}
    archived = {
        s.kind
        for s in suggest_goals(INPUTS, existing=[replace(weekly, status=GoalStatus.ARCHIVED)], limit=10)
    }

    assert "weekly_sessions" not in kinds
    assert "weekly_sessions" in archived


def test_a_new_learner_gets_starter_suggestions() -> None:
    kinds = {s.kind: s for s in suggest_goals(SuggestionInputs(), limit=10)}

    assert set(kinds) == {
        "streak",
        "weekly_sessions",
        "daily_exchanges",
        "session_milestone",
        "explore_topics",
    }
    assert kinds["streak"].suggested_target == 3.0
    assert kinds["weekly_sessions"].suggested_target == 3.0
    assert kinds["daily_exchanges"].suggested_target == 10.0
    assert all(s.confidence == 0.0 for s in kinds.values())
    assert suggest_goals(SuggestionInputs(), limit=0) == []
