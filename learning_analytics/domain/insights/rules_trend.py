"""Trend rules: quality and activity of the last period against the period before it.

Each is one rule with a parameter, its direction: `quality_change` with `IMPROVED` or `DECLINED`,
`activity_change` with `ACTIVITY_ROSE` or `ACTIVITY_FELL`; each direction reports under its own rule id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from learning_analytics.domain.insights.model import (
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    make_insight,
)
from learning_analytics.domain.insights.support import (
    DailyWindow,
    at_least,
    daily_window,
    dashboard_url,
    moments_of,
    num,
    pct,
    r4,
    welch_p_value,
)

QUALITY_IMPROVED = "quality_improved"
QUALITY_DECLINED = "quality_declined"
ACTIVITY_UP = "activity_up"
ACTIVITY_DOWN = "activity_down"


@dataclass(frozen=True, slots=True)
class _Periods:
    """The last `days` local days (today included) and the `days` before them."""

    window: DailyWindow
    days: int
    current_first: date
    previous_first: date
    previous_last: date


def _periods(inputs: InsightInputs, thresholds: InsightThresholds) -> _Periods:
    days = thresholds.period_days
    current_first = inputs.today - timedelta(days=days - 1)
    return _Periods(
        window=daily_window(inputs.daily, today=inputs.today, days=2 * days),
        days=days,
        current_first=current_first,
        previous_first=current_first - timedelta(days=days),
        previous_last=current_first - timedelta(days=1),
    )


@dataclass(frozen=True, slots=True)
class QualityChange:
    """A direction of the quality-change rule: its rule id, its sign (+1: the last period above the
    previous one, −1: below) and its wording."""

    rule: str
    sign: float
    title: str
    verb: str
    icon: str


IMPROVED = QualityChange(QUALITY_IMPROVED, 1.0, "Quality Improving", "rose", "trending-up")
DECLINED = QualityChange(QUALITY_DECLINED, -1.0, "Quality Declining", "fell", "trending-down")


def quality_change(
    inputs: InsightInputs, thresholds: InsightThresholds, *, direction: QualityChange
) -> list[Insight]:
    """Average quality of the last `period_days` moved ≥ `quality_change_percent` in `direction`
    from the previous period's: change = (current − previous) / previous, both over ≥ `min_data_points`
    scored exchanges, with a Welch test giving confidence 1 − p ≥ `confidence_threshold`."""
    p = _periods(inputs, thresholds)
    current = p.window.merged(p.current_first, inputs.today).quality
    previous = p.window.merged(p.previous_first, p.previous_last).quality
    if current.n < thresholds.min_data_points or previous.n < thresholds.min_data_points:
        return []
    current_avg, previous_avg = current.total / current.n, previous.total / previous.n
    if previous_avg <= 0.0:
        return []
    change = (current_avg - previous_avg) / previous_avg
    if not at_least(direction.sign * change, thresholds.quality_change_percent / 100.0):
        return []
    p_value = welch_p_value(current, previous)
    if p_value is None or 1.0 - p_value < thresholds.confidence_threshold:
        return []
    return [
        make_insight(
            inputs,
            rule=direction.rule,
            type=InsightType.TREND,
            fact_key=f"{p.days}d",
            fact_day=inputs.today,
            title=direction.title,
            description=(
                f"Your average quality {direction.verb} {pct(abs(change))} to {num(current_avg)} over the "
                f"last {p.days} days (previous {p.days} days: {num(previous_avg)}; "
                f"{current.n} and {previous.n} scored exchanges)."
            ),
            importance=Importance.HIGH,
            confidence=1.0 - p_value,
            data={
                "change": r4(change),
                "change_percent": r4(change * 100.0),
                "period": f"{p.days}d",
                "current_avg": r4(current_avg),
                "previous_avg": r4(previous_avg),
                "current_exchanges": current.n,
                "previous_exchanges": previous.n,
                "threshold_percent": thresholds.quality_change_percent,
                "p_value": r4(p_value),
            },
            icon=direction.icon,
            action_url=dashboard_url("quality", period=f"{p.days}d"),
        )
    ]


@dataclass(frozen=True, slots=True)
class ActivityChange:
    """A direction of the activity-change rule: its rule id, its sign, the threshold it reads, and its
    wording (`description` is formatted with change, current, previous and days)."""

    rule: str
    sign: float
    threshold_percent: Callable[[InsightThresholds], float]
    title: str
    description: str
    icon: str


ACTIVITY_ROSE = ActivityChange(
    rule=ACTIVITY_UP,
    sign=1.0,
    threshold_percent=lambda t: t.activity_up_percent,
    title="Activity Up",
    description=(
        "Learning activity up {change} from the previous {days} days: {current} sessions "
        "in the last {days} days against {previous}."
    ),
    icon="activity",
)
ACTIVITY_FELL = ActivityChange(
    rule=ACTIVITY_DOWN,
    sign=-1.0,
    threshold_percent=lambda t: t.activity_down_percent,
    title="Activity Declining",
    description=(
        "Session frequency is declining: down {change} to {current} sessions in the last "
        "{days} days (previous {days} days: {previous})."
    ),
    icon="trending-down",
)


def activity_change(
    inputs: InsightInputs, thresholds: InsightThresholds, *, direction: ActivityChange
) -> list[Insight]:
    """Sessions of the last `period_days` moved ≥ the direction's threshold from the previous full
    period's (≥ `min_data_points` sessions then): change = (current − previous) / previous, with a Welch
    test on the daily counts giving confidence 1 − p ≥ `confidence_threshold`."""
    p = _periods(inputs, thresholds)
    first_day = inputs.totals.first_day
    if first_day is not None and first_day > p.previous_first:
        return []  # the previous period is not a full period of the learner's history
    current_days = [b.sessions for b in p.window.span(p.current_first, inputs.today)]
    previous_days = [b.sessions for b in p.window.span(p.previous_first, p.previous_last)]
    current, previous = sum(current_days), sum(previous_days)
    if previous < thresholds.min_data_points:
        return []
    change = (current - previous) / previous
    threshold_percent = direction.threshold_percent(thresholds)
    if not at_least(direction.sign * change, threshold_percent / 100.0):
        return []
    p_value = welch_p_value(
        moments_of(float(s) for s in current_days), moments_of(float(s) for s in previous_days)
    )
    if p_value is None or 1.0 - p_value < thresholds.confidence_threshold:
        return []
    return [
        make_insight(
            inputs,
            rule=direction.rule,
            type=InsightType.TREND,
            fact_key=f"{p.days}d",
            fact_day=inputs.today,
            title=direction.title,
            description=direction.description.format(
                change=pct(abs(change)), current=current, previous=previous, days=p.days
            ),
            importance=Importance.MEDIUM,
            confidence=1.0 - p_value,
            data={
                "change": r4(change),
                "change_percent": r4(change * 100.0),
                "period": f"{p.days}d",
                "current_sessions": current,
                "previous_sessions": previous,
                "threshold_percent": threshold_percent,
                "p_value": r4(p_value),
            },
            icon=direction.icon,
            action_url=dashboard_url("progress", metric="sessions", period=f"{p.days}d"),
        )
    ]
