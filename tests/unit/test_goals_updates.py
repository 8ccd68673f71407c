"""Updating goals: fields, the allowed status transitions, manual completion, retry and resume."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.goals import (
    UNSET,
    Goal,
    GoalChanges,
    GoalDraft,
    GoalEventKind,
    GoalFrequency,
    GoalInputs,
    GoalLimits,
    GoalMilestone,
    GoalStatus,
    GoalType,
    ScopeMetrics,
    allowed_transitions,
    apply_update,
    create_goal,
    evaluate_goal,
    scopes_needed,
)

S = GoalStatus
UTC_ZONE = ZoneInfo("UTC")
CREATED = datetime(2026, 3, 10, 12, tzinfo=UTC)  # a Tuesday
LATER = datetime(2026, 3, 12, 9, tzinfo=UTC)


def one_time(**kw: object) -> Goal:
    d = GoalDraft(title="Complete 20 Sessions", goal_type=GoalType.SESSIONS, target_value=20, **kw)  # type: ignore[arg-type]
    return create_goal(d, goal_id="g1", now=CREATED, tz=UTC_ZONE)


def weekly(**kw: object) -> Goal:
    d = GoalDraft(
        title="Weekly Learner",
        goal_type=GoalType.ACTIVITY,
        target_value=5,
        frequency=GoalFrequency.WEEKLY,
        **kw,  # type: ignore[arg-type]
    )
    return create_goal(d, goal_id="w1", now=CREATED, tz=UTC_ZONE)


def update(g: Goal, now: datetime = LATER, existing: list[Goal] | None = None, **changes: object):  # type: ignore[no-untyped-def]
    return apply_update(g, GoalChanges(**changes), now=now, tz=UTC_ZONE, existing=existing or [])  # type: ignore[arg-type]


def refused(
    g: Goal, now: datetime = LATER, existing: list[Goal] | None = None, **changes: object
) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        update(g, now, existing, **changes)
    return caught.value


def evaluated(g: Goal, sessions: int, now: datetime) -> Goal:
    scopes = scopes_needed([g], now=now, tz=UTC_ZONE)
    inputs = GoalInputs(by_scope={s: ScopeMetrics(sessions=sessions) for s in scopes})
    return evaluate_goal(g, inputs, now=now, tz=UTC_ZONE).goal


def test_the_allowed_transitions() -> None:
    active = one_time()
    done_weekly = replace(weekly(), status=S.COMPLETED, period_completed_at=LATER)

    assert allowed_transitions(active) == {S.PAUSED, S.COMPLETED, S.ARCHIVED}
    assert allowed_transitions(replace(active, status=S.PAUSED)) == {S.ACTIVE, S.COMPLETED, S.ARCHIVED}
    assert allowed_transitions(replace(active, status=S.FAILED)) == {S.ACTIVE, S.ARCHIVED}
    assert allowed_transitions(replace(active, status=S.COMPLETED)) == {S.ARCHIVED}
    assert allowed_transitions(done_weekly) == {S.PAUSED, S.ARCHIVED}
    assert allowed_transitions(replace(active, status=S.ARCHIVED)) == frozenset()


@pytest.mark.parametrize(
    ("status", "to"),
    [(S.ACTIVE, S.FAILED), (S.COMPLETED, S.ACTIVE), (S.COMPLETED, S.PAUSED), (S.PAUSED, S.FAILED)],
)
def test_a_transition_outside_the_table_is_refused_on_status(status: GoalStatus, to: GoalStatus) -> None:
    error = refused(replace(one_time(), status=status), status=to)

    assert (error.field, error.code) == ("status", "invalid_transition")


def test_setting_the_same_status_changes_nothing() -> None:
    g = one_time()

    result = update(g, status=S.ACTIVE)

    assert result.goal == g and result.snapshot is None and result.events == ()


def test_an_archived_goal_takes_no_change() -> None:
    archived = replace(one_time(), status=S.ARCHIVED)

    error = refused(archived, title="New")

    assert (error.field, error.code) == ("title", "archived")
    assert update(archived).goal == archived  # an empty update is fine


def test_marking_a_goal_done_by_hand_completes_it_once() -> None:
    # the guide's troubleshooting: a goal at 100 % not marked complete is completed by an update
    g = replace(one_time(), current_value=20.0, progress_percent=100.0)

    result = update(g, status=S.COMPLETED)

    assert result.goal.status is S.COMPLETED
    assert result.goal.completed_at == result.goal.period_completed_at == LATER
    assert [e.kind for e in result.events] == [GoalEventKind.COMPLETED]
    assert result.snapshot is not None and result.snapshot.status is S.COMPLETED
    assert result.goal.finished


def test_completed_at_never_changes_once_set() -> None:
    first = datetime(2026, 3, 3, 18, tzinfo=UTC)
    g = replace(weekly(), completed_at=first)  # a week completed before this one

    result = update(g, status=S.COMPLETED)

    assert result.goal.completed_at == first
    assert result.goal.period_completed_at == LATER


def test_a_failed_goal_is_made_active_again_only_with_a_new_deadline() -> None:
    failed = replace(
        one_time(deadline=date(2026, 3, 11)), status=S.FAILED, current_value=12, progress_percent=60
    )

    error = refused(failed, status=S.ACTIVE)
    retried = update(failed, status=S.ACTIVE, deadline=date(2026, 3, 31))

    assert (error.field, error.code) == ("deadline", "past_deadline")
    assert retried.goal.status is S.ACTIVE
    assert retried.goal.deadline == retried.goal.period.end == date(2026, 3, 31)
    assert retried.goal.current_value == 12
    assert retried.snapshot is not None and retried.snapshot.status is S.ACTIVE


def test_making_a_goal_active_again_needs_room_under_the_limit() -> None:
    paused = replace(one_time(), status=S.PAUSED)
    full = [replace(one_time(), id=f"o{i}") for i in range(10)]

    error = refused(paused, existing=full, status=S.ACTIVE)

    assert (error.field, error.code, error.limit) == (
        "status",
        "LIMIT",
        GoalLimits().max_active_goals,
    )
    assert update(paused, existing=full[:9], status=S.ACTIVE).goal.status is S.ACTIVE


def test_resuming_a_weekly_goal_after_its_week_moves_to_the_current_week_unrecorded() -> None:
    paused = replace(evaluated(weekly(), 3, CREATED), status=S.PAUSED)  # week of 9 March, 3 of 5
    monday_after_next = datetime(2026, 3, 23, 8, tzinfo=UTC)

    resumed = update(paused, now=monday_after_next, status=S.ACTIVE).goal

    assert resumed.status is S.ACTIVE
    assert (resumed.period.start, resumed.period.end) == (date(2026, 3, 23), date(2026, 3, 29))
    assert (resumed.current_value, resumed.progress_percent, resumed.milestones) == (0.0, 0.0, ())


def test_resuming_in_the_same_week_keeps_a_completed_period_completed() -> None:
    done = evaluated(weekly(), 5, CREATED)
    paused = update(done, status=S.PAUSED).goal

    resumed = update(paused, status=S.ACTIVE)

    assert resumed.goal.status is S.COMPLETED
    assert resumed.goal.period_completed_at == CREATED
    assert resumed.events == ()


def test_a_new_target_re_derives_the_percent_and_drops_milestones_above_it() -> None:
    g = replace(
        one_time(),
        current_value=10,
        progress_percent=50.0,
        milestones=(GoalMilestone(25, CREATED), GoalMilestone(50, CREATED)),
    )

    result = update(g, target_value=40)

    assert result.goal.target_value == 40
    assert result.goal.progress_percent == 25.0
    assert [m.percent for m in result.goal.milestones] == [25]
    assert result.snapshot is not None and result.snapshot.progress_percent == 25.0


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "t" * 121}, "title", "too_long"),
        ({"target_value": 0}, "targetValue", "out_of_range"),
        ({"deadline": date(2026, 3, 11)}, "deadline", "past_deadline"),
        ({"description": "d" * 1001}, "description", "too_long"),
    ],
)
def test_updated_fields_follow_the_creation_rules(changes: dict[str, object], field: str, code: str) -> None:
    error = refused(one_time(), **changes)

    assert (error.field, error.code) == (field, code)


def test_a_finished_goals_target_and_deadline_are_not_editable() -> None:
    done = replace(one_time(), status=S.COMPLETED, completed_at=CREATED, period_completed_at=CREATED)

    assert refused(done, target_value=30).code == "not_editable"
    assert refused(done, deadline=date(2026, 4, 1)).field == "deadline"


def test_a_deadline_can_be_cleared_and_the_description_too() -> None:
    g = one_time(deadline=date(2026, 3, 31), description="why")

    result = update(g, deadline=None, description=None)

    assert (
        result.goal.deadline is None and result.goal.period.end is None and result.goal.period.end_at is None
    )
    assert result.goal.description is None
    assert update(g, deadline=UNSET).goal.deadline == date(2026, 3, 31)


def test_a_new_deadline_inside_the_week_cuts_the_current_period() -> None:
    result = update(weekly(), deadline=date(2026, 3, 13))

    assert (result.goal.period.start, result.goal.period.end) == (date(2026, 3, 9), date(2026, 3, 13))
