"""Creating goals: every rule names its GraphQL field and a code; the active-goal limit; defaults."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.goals import (
    DEFAULT_GOALS,
    Comparison,
    Goal,
    GoalDraft,
    GoalFrequency,
    GoalLimits,
    GoalStatus,
    GoalType,
    TargetMetric,
    create_goal,
    default_goals,
)

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)


def draft(**changes: object) -> GoalDraft:
    base = GoalDraft(title="Complete 20 Sessions", goal_type=GoalType.SESSIONS, target_value=20)
    return replace(base, **changes)  # type: ignore[arg-type]


def make(d: GoalDraft, *, now: datetime = NOW, tz: ZoneInfo = UTC_ZONE, **kw: object) -> Goal:
    return create_goal(d, goal_id="g1", now=now, tz=tz, **kw)  # type: ignore[arg-type]


def refused(d: GoalDraft, **kw: object) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        make(d, **kw)  # type: ignore[arg-type]
    return caught.value


def test_a_valid_draft_makes_an_active_goal_at_zero_in_its_first_period() -> None:
    g = make(draft(description="  twenty  ", deadline=date(2026, 4, 1)))

    assert g.status is GoalStatus.ACTIVE
    assert g.title == "Complete 20 Sessions"
    assert g.description == "twenty"
    assert g.target_metric is TargetMetric.SESSION_COUNT  # the type's default metric
    assert (g.current_value, g.progress_percent, g.milestones) == (0.0, 0.0, ())
    assert (g.period.start, g.period.end) == (date(2026, 3, 10), date(2026, 4, 1))
    assert g.icon == "calendar"
    assert g.completed_at is None and g.evaluated_at is None


@pytest.mark.parametrize(
    ("goal_type", "metric"),
    [
        (GoalType.ACTIVITY, TargetMetric.SESSION_COUNT),
        (GoalType.SESSIONS, TargetMetric.SESSION_COUNT),
        (GoalType.EXCHANGES, TargetMetric.EXCHANGE_COUNT),
        (GoalType.QUALITY, TargetMetric.AVG_QUALITY),
        (GoalType.STREAK, TargetMetric.CURRENT_STREAK),
        (GoalType.MILESTONE, TargetMetric.TOTAL_SESSIONS),
        (GoalType.CUSTOM, TargetMetric.SESSION_COUNT),
    ],
)
def test_each_type_has_a_default_target_metric(goal_type: GoalType, metric: TargetMetric) -> None:
    assert make(draft(goal_type=goal_type, target_value=0.8)).target_metric is metric


def test_a_topic_goal_defaults_to_sessions_on_its_topic() -> None:
    g = make(draft(goal_type=GoalType.TOPIC, topic="  Machine Learning\u200b "))

    assert g.target_metric is TargetMetric.SESSION_COUNT
    assert g.topic == "Machine Learning"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * 121}, "title", "too_long"),
        ({"title": "bad\x00title"}, "title", "invalid_character"),
        ({"description": "d" * 1001}, "description", "too_long"),
        ({"target_metric": "happiness"}, "targetMetric", "invalid_metric"),
        ({"goal_type": GoalType.QUALITY, "target_metric": "session_count"}, "targetMetric", "invalid_metric"),
        ({"target_value": 0}, "targetValue", "out_of_range"),
        ({"target_value": -3}, "targetValue", "out_of_range"),
        ({"target_value": float("nan")}, "targetValue", "out_of_range"),
        ({"target_value": float("inf")}, "targetValue", "out_of_range"),
        ({"target_value": 1_000_001}, "targetValue", "out_of_range"),
        ({"goal_type": GoalType.QUALITY, "target_value": 1.2}, "targetValue", "out_of_range"),
        ({"goal_type": GoalType.QUALITY, "target_value": 0.0}, "targetValue", "out_of_range"),
        (
            {"goal_type": GoalType.MILESTONE, "frequency": GoalFrequency.WEEKLY},
            "frequency",
            "invalid_frequency",
        ),
        ({"goal_type": GoalType.STREAK, "frequency": GoalFrequency.DAILY}, "frequency", "invalid_frequency"),
        (
            {"target_metric": "sessions_today", "frequency": GoalFrequency.WEEKLY},
            "frequency",
            "invalid_frequency",
        ),
        ({"deadline": date(2026, 3, 9)}, "deadline", "past_deadline"),
        ({"comparison": Comparison.LTE}, "deadline", "required"),
        ({"goal_type": GoalType.TOPIC}, "topic", "required"),
        ({"goal_type": GoalType.TOPIC, "topic": "  "}, "topic", "required"),
        ({"goal_type": GoalType.TOPIC, "topic": "t" * 101}, "topic", "too_long"),
        (
            {"goal_type": GoalType.ACTIVITY, "target_metric": "study_minutes", "topic": "sql"},
            "topic",
            "not_applicable",
        ),
        ({"icon": "i" * 41}, "icon", "too_long"),
        ({"color": "#" * 17}, "color", "too_long"),
    ],
)
def test_each_rule_names_its_field_and_code(changes: dict[str, object], field: str, code: str) -> None:
    error = refused(draft(**changes))

    assert (error.field, error.code) == (field, code)
    assert error.message


def test_a_title_of_120_characters_and_a_quality_target_of_1_are_accepted() -> None:
    assert len(make(draft(title="x" * 120)).title) == 120
    assert make(draft(goal_type=GoalType.QUALITY, target_value=1.0)).target_value == 1.0


def test_topic_mastery_needs_a_topic_whatever_the_type() -> None:
    error = refused(draft(goal_type=GoalType.CUSTOM, target_metric="topic_mastery", target_value=0.75))

    assert (error.field, error.code) == ("topic", "required")


def test_a_deadline_is_judged_against_the_local_today() -> None:
    # 02:00 UTC on 10 March is still 9 March in New York and already 10 March in Auckland
    early = datetime(2026, 3, 10, 2, tzinfo=UTC)

    assert make(
        draft(deadline=date(2026, 3, 9)), now=early, tz=ZoneInfo("America/New_York")
    ).deadline == date(2026, 3, 9)
    late = datetime(2026, 3, 10, 12, tzinfo=UTC)  # 11 March, 01:00 in Auckland
    error = refused(draft(deadline=date(2026, 3, 10)), now=late, tz=ZoneInfo("Pacific/Auckland"))
    assert (error.field, error.code) == ("deadline", "past_deadline")


def test_today_is_an_acceptable_deadline() -> None:
    assert make(draft(deadline=date(2026, 3, 10))).period.end == date(2026, 3, 10)


def others(n: int, status: GoalStatus = GoalStatus.ACTIVE, **kw: object) -> list[Goal]:
    base = make(draft(**kw))
    return [replace(base, id=f"o{i}", status=status) for i in range(n)]


def test_more_active_goals_than_the_limit_are_refused_with_the_limit() -> None:
    error = refused(draft(), existing=others(3), limits=GoalLimits(max_active_goals=3))

    assert (error.field, error.code, error.limit) == ("input", "LIMIT", 3)


def test_paused_failed_archived_and_completed_one_time_goals_leave_room() -> None:
    existing = [
        *others(1, GoalStatus.PAUSED),
        *others(1, GoalStatus.FAILED),
        *others(1, GoalStatus.ARCHIVED),
        *others(1, GoalStatus.COMPLETED),
        *others(2),
    ]

    assert make(draft(), existing=existing, limits=GoalLimits(max_active_goals=3)).status is GoalStatus.ACTIVE


def test_a_running_periodic_goal_completed_this_period_still_counts() -> None:
    weekly_done = others(1, GoalStatus.COMPLETED, frequency=GoalFrequency.WEEKLY)

    error = refused(draft(), existing=[*weekly_done, *others(1)], limits=GoalLimits(max_active_goals=2))

    assert error.code == "LIMIT"


def test_field_rules_come_before_the_limit() -> None:
    error = refused(draft(title=""), existing=others(3), limits=GoalLimits(max_active_goals=3))

    assert error.field == "title"


# ---- the architecture's six default goals


def test_the_six_default_goals_are_the_architectures() -> None:
    rows = [
        (
            t.id,
            t.title,
            t.goal_type,
            t.frequency,
            t.target_metric.value,
            t.target_value,
            t.comparison,
            t.icon,
            t.color,
        )
        for t in DEFAULT_GOALS
    ]

    assert rows == [
        ("weekly_sessions", "Weekly Learner", GoalType.ACTIVITY, GoalFrequency.WEEKLY, "session_count", 5, Comparison.GTE, "calendar", "#4F46E5"),
        ("daily_engagement", "Daily Engagement", GoalType.ACTIVITY, GoalFrequency.DAILY, "exchange_count", 10, Comparison.GTE, "message", "#10B981"),
        ("quality_target", "Quality Champion", GoalType.QUALITY, GoalFrequency.WEEKLY, "avg_quality_composite", 0.80, Comparison.GTE, "star", "#F59E0B"),
        ("daily_streak", "Consistency King", GoalType.STREAK, GoalFrequency.DAILY, "sessions_today", 1, Comparison.GTE, "fire", "#EF4444"),
        ("100_sessions", "Century Club", GoalType.MILESTONE, GoalFrequency.ONE_TIME, "total_sessions", 100, Comparison.GTE, "trophy", "#8B5CF6"),
        ("50_topics", "Knowledge Explorer", GoalType.MILESTONE, GoalFrequency.ONE_TIME, "unique_topics", 50, Comparison.GTE, "map", "#06B6D4"),
    ]  # fmt: skip


def test_a_new_learner_gets_the_default_goals_in_their_first_periods() -> None:
    now = datetime(2026, 3, 25, 9, tzinfo=UTC)  # a Wednesday

    goals = {g.id: g for g in default_goals(now=now, tz=ZoneInfo("Europe/Paris"))}

    assert list(goals) == [t.id for t in DEFAULT_GOALS]
    assert all(g.status is GoalStatus.ACTIVE and g.template == g.id for g in goals.values())
    assert (goals["weekly_sessions"].period.start, goals["weekly_sessions"].period.end) == (
        date(2026, 3, 23),
        date(2026, 3, 29),
    )
    assert goals["daily_streak"].period.start == goals["daily_streak"].period.end == date(2026, 3, 25)
    assert goals["100_sessions"].period.end is None
    assert goals["quality_target"].description == "Maintain average quality score above 80%"
