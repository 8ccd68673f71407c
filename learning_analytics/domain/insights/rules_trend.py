"""Trend rules: quality and activity of the last period against the period before it."""

from __future__ import annotations

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


def _quality_change(inputs: InsightInputs, thresholds: InsightThresholds, *, rising: bool) -> list[Insight]:
    p = _periods(inputs, thresholds)
    current = p.window.merged(p.current_first, inputs.today).quality
    previous = p.window.merged(p.previous_first, p.previous_last).quality
    if current.n < thresholds.min_data_points or previous.n < thresholds.min_data_points:
        return []
    current_avg, previous_avg = current.total / current.n, previous.total / previous.n
    if previous_avg <= 0.0:
        return []
    change = (current_avg - previous_avg) / previous_avg
    threshold = thresholds.quality_change_percent / 100.0
    if not at_least(change if rising else -change, threshold):
        return []
    p_value = welch_p_value(current, previous)
    if p_value is None or 1.0 - p_value < thresholds.confidence_threshold:
        return []
    verb = "rose" if rising else "fell"
    return [
        make_insight(
            inputs,
            rule=QUALITY_IMPROVED if rising else QUALITY_DECLINED,
            type=InsightType.TREND,
            fact_key=f"{p.days}d",
            fact_day=inputs.today,
            title="Quality Improving" if rising else "Quality Declining",
            description=(
                f"Your average quality {verb} {pct(abs(change))} to {num(current_avg)} over the last "
                f"{p.days} days (previous {p.days} days: {num(previous_avg)}; "
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
            icon="trending-up" if rising else "trending-down",
            action_url=dashboard_url("trends", metric="quality", period=f"{p.days}d"),
        )
    ]


def quality_improved(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Average quality of the last period ≥ `quality_change_percent` above the previous period's."""
    return _quality_change(inputs, thresholds, rising=True)


def quality_declined(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Average quality of the last period ≥ `quality_change_percent` below the previous period's."""
    return _quality_change(inputs, thresholds, rising=False)


def _activity_change(inputs: InsightInputs, thresholds: InsightThresholds, *, rising: bool) -> list[Insight]:
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
    threshold = (thresholds.activity_up_percent if rising else thresholds.activity_down_percent) / 100.0
    if not at_least(change if rising else -change, threshold):
        return []
    p_value = welch_p_value(
        moments_of(float(s) for s in current_days), moments_of(float(s) for s in previous_days)
    )
    if p_value is None or 1.0 - p_value < thresholds.confidence_threshold:
        return []
    if rising:
        title = "Activity Up"
        description = (
            f"Learning activity up {pct(change)} from the previous {p.days} days: {current} sessions "
            f"in the last {p.days} days against {previous}."
        )
    else:
        title = "Activity Declining"
        description = (
            f"Session frequency is declining: down {pct(-change)} to {current} sessions in the last "
            f"{p.days} days (previous {p.days} days: {previous})."
        )
    return [
        make_insight(
            inputs,
            rule=ACTIVITY_UP if rising else ACTIVITY_DOWN,
            type=InsightType.TREND,
            fact_key=f"{p.days}d",
            fact_day=inputs.today,
            title=title,
            description=description,
            importance=Importance.MEDIUM,
            confidence=1.0 - p_value,
            data={
                "change": r4(change),
                "change_percent": r4(change * 100.0),
                "period": f"{p.days}d",
                "current_sessions": current,
                "previous_sessions": previous,
                "threshold_percent": (
                    thresholds.activity_up_percent if rising else thresholds.activity_down_percent
                ),
                "p_value": r4(p_value),
            },
            icon="activity" if rising else "trending-down",
            action_url=dashboard_url("trends", metric="sessions", period=f"{p.days}d"),
        )
    ]


def activity_up(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Sessions of the last period ≥ `activity_up_percent` above the previous full period's."""
    return _activity_change(inputs, thresholds, rising=True)


def activity_down(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Sessions of the last period ≥ `activity_down_percent` below the previous full period's."""
    return _activity_change(inputs, thresholds, rising=False)
