"""Goal evaluation: completion once, deadline failure, weekly rollover, history on change, milestones."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from learning_analytics.domain.goals import (
    LIFETIME,
    Comparison,
    Goal,
    GoalDraft,
    GoalEvaluation,
    GoalEventKind,
    GoalFrequency,
    GoalInputs,
    GoalLimits,
    GoalStatus,
    GoalType,
    MetricScope,
    ScopeMetrics,
    create_goal,
    evaluate_all,
    evaluate_goal,
    milestone_list,
    scopes_needed,
)
from learning_analytics.domain.streaks import Streak

K = GoalEventKind
S = GoalStatus
UTC_ZONE = ZoneInfo("UTC")
PARIS = ZoneInfo("Europe/Paris")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def new_goal(now: datetime, tz: ZoneInfo = UTC_ZONE, goal_id: str = "g1", **kw: object) -> Goal:
    fields: dict[str, object] = {"title": "Goal", "goal_type": GoalType.SESSIONS, "target_value": 10, **kw}
    return create_goal(GoalDraft(**fields), goal_id=goal_id, now=now, tz=tz)  # type: ignore[arg-type]


def inputs(values: dict[MetricScope, ScopeMetrics]) -> GoalInputs:
    return GoalInputs(by_scope=values)


def sessions(n: int) -> ScopeMetrics:
    return ScopeMetrics(sessions=n)


def run(
    g: Goal, now: datetime, by_scope: dict[MetricScope, ScopeMetrics], tz: ZoneInfo = UTC_ZONE, **kw: object
) -> GoalEvaluation:
    assert scopes_needed([g], now=now, tz=tz, **kw) == set(by_scope)  # type: ignore[arg-type]
    return evaluate_goal(g, inputs(by_scope), now=now, tz=tz, **kw)  # type: ignore[arg-type]


# ---- one-time goals: completion once, failure at the deadline


def test_a_one_time_goal_fails_when_its_deadline_passes_unmet() -> None:
    g = new_goal(utc("2026-03-10T12:00"), deadline=date(2026, 3, 12))
    scope = MetricScope(date(2026, 3, 10), date(2026, 3, 12))
    g = run(g, utc("2026-03-11T09:00"), {scope: sessions(4)}).goal  # 40 %

    after = run(g, utc("2026-03-13T00:30"), {scope: sessions(6)})  # 6 of 10 at the close

    deadline_end = utc("2026-03-13T00:00")
    assert after.goal.status is S.FAILED and after.goal.finished
    assert [
        (s.evaluated_at, s.current_value, s.progress_percent, s.status, s.closes_period)
        for s in after.snapshots
    ] == [(deadline_end, 6.0, 60.0, S.FAILED, True)]
    assert [(e.kind, e.at, e.milestone) for e in after.events] == [
        (K.MILESTONE_REACHED, deadline_end, 50),
        (K.FAILED, deadline_end, None),
    ]
    assert after.goal.completed_at is None
    # a finished goal is left alone, and needs no metrics
    assert scopes_needed([after.goal], now=utc("2026-03-20T00:00"), tz=UTC_ZONE) == set()
    again = evaluate_goal(after.goal, GoalInputs(), now=utc("2026-03-20T00:00"), tz=UTC_ZONE)
    assert again.goal == after.goal and not again.changed and again.snapshots == ()


def test_a_one_time_goal_met_before_its_deadline_completes_once_and_stops() -> None:
    g = new_goal(utc("2026-03-10T12:00"), deadline=date(2026, 3, 20))
    scope = MetricScope(date(2026, 3, 10), date(2026, 3, 20))

    done = run(g, utc("2026-03-15T10:00"), {scope: sessions(10)})
    later = evaluate_goal(done.goal, inputs({scope: sessions(3)}), now=utc("2026-03-25T00:00"), tz=UTC_ZONE)

    assert done.goal.status is S.COMPLETED
    assert done.goal.completed_at == done.goal.period_completed_at == utc("2026-03-15T10:00")
    assert [e.kind for e in done.events] == [K.MILESTONE_REACHED] * 4 + [K.COMPLETED]
    assert later.goal.completed_at == utc("2026-03-15T10:00") and later.events == ()


def test_a_target_met_only_at_the_close_completes_at_the_deadline() -> None:
    g = new_goal(utc("2026-03-10T12:00"), deadline=date(2026, 3, 12))
    scope = MetricScope(date(2026, 3, 10), date(2026, 3, 12))

    closed = run(g, utc("2026-03-14T08:00"), {scope: sessions(11)})

    assert closed.goal.status is S.COMPLETED
    assert closed.goal.completed_at == utc("2026-03-13T00:00")
    assert closed.snapshots[-1].status is S.COMPLETED and closed.snapshots[-1].closes_period


# ---- periodic goals: rollover, one result per period


def paris_weekly(**kw: object) -> Goal:
    created = utc("2026-03-25T09:00")  # Wednesday of the week that springs forward
    return new_goal(
        created, PARIS, goal_type=GoalType.ACTIVITY, target_value=5, frequency=GoalFrequency.WEEKLY, **kw
    )


WEEK_1 = MetricScope(date(2026, 3, 23), date(2026, 3, 29))
WEEK_2 = MetricScope(date(2026, 3, 30), date(2026, 4, 5))


def test_a_weekly_goal_missing_its_week_records_the_failed_week_and_rolls_over() -> None:
    friday = utc("2026-03-27T17:00")
    g = run(paris_weekly(), friday, {WEEK_1: sessions(3)}, PARIS).goal  # 60 %: milestones 25 and 50

    tuesday = utc("2026-03-31T08:00")
    after = run(g, tuesday, {WEEK_1: sessions(4), WEEK_2: sessions(1)}, PARIS)

    week_end = utc("2026-03-29T22:00")  # Monday 00:00 CEST
    assert [(s.period.start, s.evaluated_at, s.current_value, s.progress_percent, s.status, s.closes_period) for s in after.snapshots] == [
        (date(2026, 3, 23), week_end, 4.0, 80.0, S.FAILED, True),
        (date(2026, 3, 30), tuesday, 1.0, 20.0, S.ACTIVE, False),
    ]  # fmt: skip
    assert [(e.kind, e.at, e.milestone, e.period.start) for e in after.events] == [
        (K.MILESTONE_REACHED, week_end, 75, date(2026, 3, 23)),
        (K.PERIOD_MISSED, week_end, None, date(2026, 3, 23)),
        (K.ROLLED_OVER, week_end, None, date(2026, 3, 30)),
    ]
    rolled = after.goal
    assert rolled.status is S.ACTIVE and not rolled.finished
    assert (rolled.period.start, rolled.period.end, rolled.period.start_at) == (
        date(2026, 3, 30),
        date(2026, 4, 5),
        week_end,
    )
    assert (rolled.current_value, rolled.progress_percent, rolled.milestones) == (1.0, 20.0, ())
    assert rolled.period_completed_at is None and rolled.completed_at is None


def test_a_completed_week_is_recorded_and_the_next_week_starts_active_with_completed_at_kept() -> None:
    thursday = utc("2026-03-26T19:00")
    g = run(paris_weekly(), thursday, {WEEK_1: sessions(5)}, PARIS).goal
    assert g.status is S.COMPLETED and g.completed_at == thursday

    monday = utc("2026-03-30T10:00")
    rolled = run(g, monday, {WEEK_1: sessions(7), WEEK_2: sessions(0)}, PARIS)

    assert [(s.status, s.closes_period, s.current_value) for s in rolled.snapshots] == [
        (S.COMPLETED, True, 7.0)
    ]
    assert [e.kind for e in rolled.events] == [K.ROLLED_OVER]  # completed once, not again at the close
    assert rolled.goal.status is S.ACTIVE and rolled.goal.period_completed_at is None
    assert rolled.goal.completed_at == thursday

    wednesday = utc("2026-04-01T12:00")
    again = run(rolled.goal, wednesday, {WEEK_2: sessions(5)}, PARIS)
    assert again.goal.period_completed_at == wednesday
    assert again.goal.completed_at == thursday  # recorded once, never moved


def test_several_elapsed_days_are_each_closed_up_to_the_catch_up_limit() -> None:
    g = new_goal(
        utc("2026-03-01T08:00"), frequency=GoalFrequency.DAILY, goal_type=GoalType.ACTIVITY, target_value=1
    )
    days = {MetricScope(date(2026, 3, d), date(2026, 3, d)): sessions(1 if d % 2 else 0) for d in range(1, 6)}
    now = utc("2026-03-05T12:00")

    full = run(g, now, days)
    capped = run(
        g,
        now,
        {k: v for k, v in days.items() if k.start in (date(2026, 3, 1), date(2026, 3, 4), date(2026, 3, 5))},
        limits=GoalLimits(max_catch_up_periods=2),
    )

    assert [(s.period.start.day, s.status) for s in full.snapshots if s.closes_period] == [
        (1, S.COMPLETED), (2, S.FAILED), (3, S.COMPLETED), (4, S.FAILED)
    ]  # fmt: skip
    assert full.goal.period.start == date(2026, 3, 5) and full.goal.status is S.COMPLETED
    assert [s.period.start.day for s in capped.snapshots if s.closes_period] == [1, 4]
    assert capped.goal.period.start == date(2026, 3, 5)


def test_a_periodic_goal_ends_with_the_period_holding_its_deadline() -> None:
    g = paris_weekly(deadline=date(2026, 4, 1))  # the second week is cut to Monday..Wednesday
    g = run(
        g,
        utc("2026-03-30T10:00"),
        {WEEK_1: sessions(5), MetricScope(date(2026, 3, 30), date(2026, 4, 1)): sessions(0)},
        PARIS,
    ).goal
    assert g.period.end == date(2026, 4, 1) and g.status is S.ACTIVE

    ended = run(
        g, utc("2026-04-03T10:00"), {MetricScope(date(2026, 3, 30), date(2026, 4, 1)): sessions(2)}, PARIS
    )

    assert [e.kind for e in ended.events] == [K.MILESTONE_REACHED, K.FAILED]
    assert ended.goal.status is S.FAILED and ended.goal.finished
    assert ended.snapshots[-1].evaluated_at == utc("2026-04-01T22:00")


# ---- LTE ceilings are judged when their period ends


def test_a_daily_ceiling_is_judged_at_the_end_of_the_day() -> None:
    g = new_goal(
        utc("2026-03-10T08:00"),
        goal_type=GoalType.ACTIVITY,
        target_metric="study_minutes",
        target_value=30,
        comparison=Comparison.LTE,
        frequency=GoalFrequency.DAILY,
    )
    day1 = MetricScope(date(2026, 3, 10), date(2026, 3, 10))
    day2 = MetricScope(date(2026, 3, 11), date(2026, 3, 11))
    day3 = MetricScope(date(2026, 3, 12), date(2026, 3, 12))

    during = run(g, utc("2026-03-10T12:00"), {day1: ScopeMetrics(minutes=10)})
    assert (during.goal.status, during.goal.progress_percent, during.goal.milestones, during.events) == (
        S.ACTIVE,
        100.0,
        (),
        (),
    )

    next_day = run(
        during.goal, utc("2026-03-11T12:00"), {day1: ScopeMetrics(minutes=20), day2: ScopeMetrics(minutes=45)}
    )
    assert [(e.kind, e.at) for e in next_day.events] == [
        (K.COMPLETED, utc("2026-03-11T00:00")),
        (K.ROLLED_OVER, utc("2026-03-11T00:00")),
    ]
    assert next_day.goal.completed_at == utc("2026-03-11T00:00")
    assert next_day.goal.status is S.ACTIVE
    assert next_day.goal.progress_percent == 30 / 45 * 100

    third = run(
        next_day.goal, utc("2026-03-12T12:00"), {day2: ScopeMetrics(minutes=45), day3: ScopeMetrics()}
    )
    assert [e.kind for e in third.events] == [K.PERIOD_MISSED, K.ROLLED_OVER]
    assert third.snapshots[0].status is S.FAILED


# ---- history: snapshots only on change; milestones with their times


def test_a_snapshot_is_appended_only_when_value_percent_or_status_changes() -> None:
    g = new_goal(
        utc("2026-03-10T08:00"), goal_type=GoalType.QUALITY, target_value=0.8, frequency=GoalFrequency.WEEKLY
    )
    week = MetricScope(date(2026, 3, 9), date(2026, 3, 15))

    first = run(g, utc("2026-03-10T09:00"), {week: ScopeMetrics(avg_quality=0.6)})
    same = run(first.goal, utc("2026-03-10T10:00"), {week: ScopeMetrics(avg_quality=0.6)})
    moved = run(same.goal, utc("2026-03-10T11:00"), {week: ScopeMetrics(avg_quality=0.7)})

    assert len(first.snapshots) == 1 and first.changed
    assert same.snapshots == () and same.events == () and not same.changed
    assert [(s.current_value, s.progress_percent) for s in moved.snapshots] == [(0.7, 0.7 / 0.8 * 100)]


def test_the_first_evaluation_starts_the_history_even_at_zero() -> None:
    g = new_goal(utc("2026-03-10T08:00"))
    scope = MetricScope(date(2026, 3, 10), None)

    first = run(g, utc("2026-03-10T09:00"), {scope: sessions(0)})

    assert [(s.current_value, s.status) for s in first.snapshots] == [(0.0, S.ACTIVE)]


def test_milestones_are_stamped_with_the_evaluation_that_reached_them() -> None:
    g = new_goal(utc("2026-03-10T08:00"), target_value=4)
    scope = MetricScope(date(2026, 3, 10), None)
    t1, t2, t3 = utc("2026-03-10T09:00"), utc("2026-03-11T09:00"), utc("2026-03-12T09:00")

    g = run(g, t1, {scope: sessions(1)}).goal  # 25 %
    second = run(g, t2, {scope: sessions(3)})  # 75 %: 50 and 75 at once
    third = run(second.goal, t3, {scope: sessions(4)})

    assert [(e.kind, e.milestone, e.at) for e in second.events] == [
        (K.MILESTONE_REACHED, 50, t2),
        (K.MILESTONE_REACHED, 75, t2),
    ]
    assert milestone_list(second.goal) == [(25, t1), (50, t2), (75, t2), (100, None)]
    assert milestone_list(third.goal) == [(25, t1), (50, t2), (75, t2), (100, t3)]
    assert [e.kind for e in third.events] == [K.MILESTONE_REACHED, K.COMPLETED]
    assert third.goal.completed_at == t3


def test_paused_and_archived_goals_are_left_alone() -> None:
    g = new_goal(utc("2026-03-10T08:00"))
    for status in (S.PAUSED, S.ARCHIVED):
        held = replace(g, status=status)
        result = evaluate_goal(held, GoalInputs(), now=utc("2026-04-10T08:00"), tz=UTC_ZONE)
        assert result.goal == held and not result.changed


# ---- one pass over every goal


def test_evaluate_all_counts_goals_updated_completed_and_milestones() -> None:
    now = utc("2026-03-10T09:00")
    created = utc("2026-03-10T08:00")
    century = new_goal(created, goal_id="century", goal_type=GoalType.MILESTONE, target_value=100)
    streak = new_goal(
        created, goal_id="streak", goal_type=GoalType.STREAK, target_value=7, deadline=date(2026, 3, 31)
    )
    topic = new_goal(created, goal_id="topic", goal_type=GoalType.TOPIC, target_value=3, topic="sql")
    paused = replace(new_goal(created, goal_id="paused"), status=S.PAUSED)
    goals = [century, streak, topic, paused]

    needed = scopes_needed(goals, now=now, tz=UTC_ZONE)
    assert needed == {LIFETIME, MetricScope(date(2026, 3, 10), None, "sql")}
    summary = evaluate_all(
        goals,
        GoalInputs(
            streak=Streak(7, 9, date(2026, 3, 10), date(2026, 3, 4), True, 0, ()),
            by_scope={LIFETIME: sessions(87), MetricScope(date(2026, 3, 10), None, "sql"): sessions(0)},
        ),
        now=now,
        tz=UTC_ZONE,
    )

    by_id = {e.goal.id: e for e in summary.evaluations}
    assert by_id["century"].goal.progress_percent == 87.0
    assert by_id["streak"].goal.status is S.COMPLETED
    assert (summary.goals_updated, summary.goals_completed, summary.milestones_reached) == (3, 1, 3 + 4)
    assert not by_id["paused"].changed
