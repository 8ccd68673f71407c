"""Goal evaluation: measure the current period, close the periods that ended, roll periodic goals over.

Rules (one pass at `now`, in the user's timezone):

- PAUSED, ARCHIVED and finished goals (`Goal.finished`) are left as they are.
- Every period that ended before today is closed, oldest first: it is measured with its own
  metrics, and its result is appended as a snapshot stamped at the period's end (`closes_period`):
  COMPLETED when the period was completed earlier or its value meets the target at the close,
  else FAILED. Completions and milestones first seen at a close are dated at the period's end.
- A periodic (DAILY/WEEKLY/MONTHLY) goal then ROLLS OVER: it stays in the running, ACTIVE in its
  next period, with value 0, no milestones and no period completion; its history keeps one result
  per period (and events PERIOD_MISSED or COMPLETED, then ROLLED_OVER). When the period was its
  last (the one holding its deadline), the goal ends COMPLETED or FAILED instead. A ONE_TIME goal
  whose deadline passed unmet ends FAILED. If more than `max_catch_up_periods` periods elapsed
  since the last evaluation, the stored period and the latest ones are recorded, the ones between
  are skipped.
- The open period is measured: new milestones (25/50/75/100 %, GTE and EQ goals) are stamped
  `now`; a GTE or EQ goal that meets its target completes now (`period_completed_at`, and
  `completed_at` the first time ever; neither changes afterwards, even if the value falls back).
  An LTE goal is a ceiling: it can still be broken until its period ends, so it is judged at the
  close only (its percent starts at 100 and marks no milestones).
- A snapshot is appended when the value, the percent or the status changed since the last one
  (and at a goal's first evaluation); a fresh period starts from value 0 and its percent at 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from learning_analytics.domain.goals.events import EvaluationSummary, GoalEvaluation, GoalEvent, GoalEventKind
from learning_analytics.domain.goals.kinds import Comparison, GoalStatus
from learning_analytics.domain.goals.model import Goal, GoalLimits, GoalPeriod, GoalSnapshot
from learning_analytics.domain.goals.periods import local_today, next_period
from learning_analytics.domain.goals.progress import (
    GoalInputs,
    MetricScope,
    goal_value,
    is_met,
    metric_scope,
    new_milestones,
    progress_percent,
)


def _timeline(
    goal: Goal, now: datetime, tz: ZoneInfo, limits: GoalLimits
) -> tuple[list[GoalPeriod], GoalPeriod | None]:
    """The periods to close (oldest first) and the open period to measure, at `now`."""
    if goal.status in (GoalStatus.PAUSED, GoalStatus.ARCHIVED) or goal.finished:
        return [], None
    today = local_today(now, tz)
    period = goal.period
    if period.end is None or today <= period.end:
        return [], period
    closes = [period]
    following = next_period(goal.frequency, period, deadline=goal.deadline, tz=tz)
    while following is not None and following.end is not None and today > following.end:
        closes.append(following)
        following = next_period(goal.frequency, following, deadline=goal.deadline, tz=tz)
    cap = max(1, limits.max_catch_up_periods)
    if len(closes) > cap:
        closes = [closes[0], *closes[len(closes) - cap + 1 :]]
    return closes, following


def scopes_needed(
    goals: Iterable[Goal], *, now: datetime, tz: ZoneInfo, limits: GoalLimits = GoalLimits()
) -> set[MetricScope]:
    """Every metric scope evaluating `goals` at `now` reads: the caller reads each once from the
    rollups and passes them in `GoalInputs.by_scope`."""
    scopes: set[MetricScope] = set()
    for goal in goals:
        closes, current = _timeline(goal, now, tz, limits)
        for period in [*closes, *([current] if current is not None else [])]:
            scope = metric_scope(goal, period)
            if scope is not None:
                scopes.add(scope)
    return scopes


def fresh_period(goal: Goal, period: GoalPeriod) -> Goal:
    """The goal at the start of `period`: ACTIVE, value 0, its percent at 0, no milestones."""
    return replace(
        goal,
        period=period,
        status=GoalStatus.ACTIVE,
        current_value=0.0,
        progress_percent=progress_percent(0.0, goal.target_value, goal.comparison),
        milestones=(),
        period_completed_at=None,
    )


class _Pass:
    """One evaluation of one goal: the state as it moves, and what it appends."""

    def __init__(self, goal: Goal, inputs: GoalInputs, now: datetime) -> None:
        self.goal = goal
        self.inputs = inputs
        self.now = now
        self.snapshots: list[GoalSnapshot] = []
        self.events: list[GoalEvent] = []

    def _event(self, kind: GoalEventKind, at: datetime, milestone: int | None = None) -> None:
        g = self.goal
        self.events.append(
            GoalEvent(kind, g.id, at, g.period, g.current_value, g.progress_percent, milestone)
        )

    def _snapshot(self, at: datetime, *, closes: bool = False) -> None:
        g = self.goal
        self.snapshots.append(
            GoalSnapshot(
                g.id, at, g.period, g.current_value, g.progress_percent, g.status, closes_period=closes
            )
        )

    def _measure(self, period: GoalPeriod, at: datetime, *, closing: bool) -> None:
        g = self.goal
        value = goal_value(g, period, self.inputs)
        percent = progress_percent(value, g.target_value, g.comparison)
        gained = () if g.comparison is Comparison.LTE else new_milestones(g.milestones, percent, at=at)
        met = is_met(value, g.target_value, g.comparison)
        completes = g.period_completed_at is None and met and (closing or g.comparison is not Comparison.LTE)
        self.goal = replace(
            g,
            current_value=value,
            progress_percent=percent,
            milestones=g.milestones + gained,
            period_completed_at=at if completes else g.period_completed_at,
            completed_at=g.completed_at or (at if completes else None),
        )
        for milestone in gained:
            self._event(GoalEventKind.MILESTONE_REACHED, at, milestone.percent)
        if completes:
            self._event(GoalEventKind.COMPLETED, at)

    def close(self, period: GoalPeriod, *, continues: bool) -> None:
        """Close an ended period: measure it, stamp its result at its end, record it."""
        end_at = period.end_at
        assert end_at is not None  # only periods with an end are closed
        self._measure(period, end_at, closing=True)
        done = self.goal.period_completed_at is not None
        self.goal = replace(self.goal, status=GoalStatus.COMPLETED if done else GoalStatus.FAILED)
        self._snapshot(end_at, closes=True)
        if not done:
            self._event(GoalEventKind.PERIOD_MISSED if continues else GoalEventKind.FAILED, end_at)

    def roll_over(self, period: GoalPeriod) -> None:
        at = self.goal.period.end_at or self.now
        self.goal = fresh_period(self.goal, period)
        self._event(GoalEventKind.ROLLED_OVER, at)

    def measure_open(self, *, first: bool) -> None:
        before = (self.goal.current_value, self.goal.progress_percent, self.goal.status)
        self._measure(self.goal.period, self.now, closing=False)
        if self.goal.period_completed_at is not None:
            self.goal = replace(self.goal, status=GoalStatus.COMPLETED)
        after = (self.goal.current_value, self.goal.progress_percent, self.goal.status)
        if first or after != before:
            self._snapshot(self.now)


def evaluate_goal(
    goal: Goal, inputs: GoalInputs, *, now: datetime, tz: ZoneInfo, limits: GoalLimits = GoalLimits()
) -> GoalEvaluation:
    """Evaluate one goal at `now` (see the module's rules): the new goal, the snapshots to append and
    the events. `inputs` must hold the metrics of every scope `scopes_needed` names for it."""
    closes, current = _timeline(goal, now, tz, limits)
    if not closes and current is None:
        return GoalEvaluation(goal=goal)
    run = _Pass(goal, inputs, now)
    periods: list[GoalPeriod] = [*closes, *([current] if current is not None else [])]
    for i, period in enumerate(closes):
        if i > 0:
            run.roll_over(period)
        run.close(period, continues=i + 1 < len(periods))
    if current is not None:
        if closes:
            run.roll_over(current)
        run.measure_open(first=goal.evaluated_at is None)
    new = replace(run.goal, evaluated_at=now)
    changed = bool(run.snapshots or run.events) or replace(new, evaluated_at=goal.evaluated_at) != goal
    return GoalEvaluation(goal=new, snapshots=tuple(run.snapshots), events=tuple(run.events), changed=changed)


def evaluate_all(
    goals: Sequence[Goal],
    inputs: GoalInputs,
    *,
    now: datetime,
    tz: ZoneInfo,
    limits: GoalLimits = GoalLimits(),
) -> EvaluationSummary:
    """Evaluate every goal of one learner in one pass (the guide's `update_all_goals`): goals updated
    = evaluations that changed something; goals completed = evaluations with a COMPLETED event;
    milestones reached = MILESTONE_REACHED events."""
    evaluations = tuple(evaluate_goal(g, inputs, now=now, tz=tz, limits=limits) for g in goals)
    return EvaluationSummary(
        evaluations=evaluations,
        goals_updated=sum(1 for e in evaluations if e.changed),
        goals_completed=sum(1 for e in evaluations if e.completed),
        milestones_reached=sum(e.milestones_reached for e in evaluations),
    )
