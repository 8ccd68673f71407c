"""Goal pace: at the recent rate, when the target is reached, and the rate the deadline needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from learning_analytics.domain.goals.kinds import Comparison, GoalStatus
from learning_analytics.domain.goals.metrics import MetricKind, TargetMetric
from learning_analytics.domain.goals.model import Goal
from learning_analytics.domain.goals.periods import local_today
from learning_analytics.domain.streaks import Streak

PACE_WINDOW_DAYS = 14
_EPSILON = 1e-9


@dataclass(frozen=True, slots=True)
class Pace:
    """`daily_rate`: the metric's recent gain per day; `projected_completion_date`: the local day the
    target is reached at that rate; `required_daily_pace`: the gain per day the deadline needs;
    `on_track`: whether the recent rate is enough. None where it does not apply."""

    daily_rate: float | None = None
    projected_completion_date: date | None = None
    required_daily_pace: float | None = None
    on_track: bool | None = None


NO_PACE = Pace()
_NO_RATE = frozenset({TargetMetric.AVG_QUALITY, TargetMetric.TOPIC_MASTERY, TargetMetric.LONGEST_STREAK})


def pace_deadline(goal: Goal) -> date | None:
    """The day the pace aims at: a periodic goal's current period end, else the goal's deadline."""
    return goal.period.end if goal.frequency.periodic else goal.deadline


def goal_pace(
    goal: Goal,
    *,
    recent_gain: float,
    now: datetime,
    tz: ZoneInfo,
    streak: Streak | None = None,
    window_days: int = PACE_WINDOW_DAYS,
) -> Pace:
    """The pace of an ACTIVE or COMPLETED GTE goal on a metric that accumulates.

    With `recent_gain` the metric's growth over the last `window_days` (14) local days, today
    included (for a period metric: its count over those days), `today` the local today,
    remaining = target − current value, and days_left = (deadline − today) + 1 (today included):

    - daily_rate = recent_gain / window_days
    - projected_completion_date = today + (⌈remaining / daily_rate⌉ − 1) days (None at rate 0)
    - required_daily_pace = remaining / days_left (None without a deadline)
    - on_track = daily_rate ≥ required_daily_pace, i.e. projected ≤ deadline (None without one)

    A current streak grows by one per active day: its rate is 1, and the projection is the day it
    reaches the target studying every day (tomorrow counts first when today is already done). A
    completed period is done: projected on the day it completed, required 0, on track. Averages,
    mastery, the longest streak, LTE and EQ goals, and other statuses have no pace (all None).
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days}")
    if goal.comparison is not Comparison.GTE or goal.target_metric in _NO_RATE:
        return NO_PACE
    today = local_today(now, tz)
    is_streak = goal.target_metric.kind is MetricKind.STREAK
    rate = 1.0 if is_streak else max(0.0, recent_gain) / window_days
    if goal.period_completed_at is not None:
        return Pace(rate, local_today(goal.period_completed_at, tz), 0.0, True)
    if goal.status is not GoalStatus.ACTIVE:
        return NO_PACE
    remaining = goal.target_value - goal.current_value
    deadline = pace_deadline(goal)
    if remaining <= 0:
        return Pace(
            rate, today, 0.0 if deadline is not None else None, True if deadline is not None else None
        )
    if is_streak:
        first_gain = 1 if streak is not None and streak.today_complete else 0
        projected: date | None = today + timedelta(days=math.ceil(remaining - _EPSILON) - 1 + first_gain)
    elif rate > 0:
        projected = today + timedelta(days=math.ceil(remaining / rate - _EPSILON) - 1)
    else:
        projected = None
    if deadline is None:
        return Pace(rate, projected, None, None)
    days_left = (deadline - today).days + 1
    if days_left < 1:
        return Pace(rate, projected, None, False)
    required = remaining / days_left
    on_track = projected is not None and projected <= deadline
    return Pace(rate, projected, required, on_track)
