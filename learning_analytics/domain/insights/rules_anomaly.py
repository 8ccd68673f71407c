"""Anomaly rules: an exceptional quality day, missed days and a spike of corrections."""

from __future__ import annotations

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
    count,
    daily_window,
    dashboard_url,
    day_label,
    median,
    normal_confidence,
    num,
    pct,
    r4,
    two_proportion_p_value,
)
from learning_analytics.domain.trends import anomalies

QUALITY_ANOMALY = "quality_anomaly"
NO_SESSIONS_YESTERDAY = "no_sessions_yesterday"
INACTIVE_DAYS = "inactive_days"
CORRECTION_SPIKE = "correction_spike"

_ONE_DAY = timedelta(days=1)


def quality_anomaly(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """A day of the last `anomaly_recent_days` whose quality is an anomaly by `thresholds.anomaly`.

    Uses `domain.trends.anomalies` on the daily average quality: |z| > `anomaly.z_threshold` against
    the `anomaly.lookback_days` calendar days before the day, with at least `anomaly.min_data_points`
    days of data; a day with fewer than `anomaly_min_exchanges` scored exchanges counts as missing.
    """
    lookback, recent = thresholds.anomaly.lookback_days, thresholds.anomaly_recent_days
    window = daily_window(inputs.daily, today=inputs.today, days=lookback + recent)
    values = [
        b.quality.mean if b.quality.n >= thresholds.anomaly_min_exchanges else None for b in window.buckets
    ]
    found = anomalies(
        values[lookback:],
        first_day=inputs.today - timedelta(days=recent - 1),
        history=values[:lookback],
        thresholds=thresholds.anomaly,
    )
    insights: list[Insight] = []
    for anomaly in found:
        high = anomaly.z_score > 0
        sigmas = f"{abs(anomaly.z_score):.1f} standard deviations {'above' if high else 'below'}"
        if high:
            title = "Exceptional Quality Day"
            description = (
                f"Exceptional quality day! Your quality on {day_label(anomaly.date)} was "
                f"{num(anomaly.value)} (typical: {num(anomaly.expected)}), {sigmas} your previous "
                f"{lookback} days."
            )
        else:
            title = "Unusually Low Quality"
            description = (
                f"Your quality on {day_label(anomaly.date)} was unusually low: {num(anomaly.value)} "
                f"(typical: {num(anomaly.expected)}), {sigmas} your previous {lookback} days."
            )
        insights.append(
            make_insight(
                inputs,
                rule=QUALITY_ANOMALY,
                type=InsightType.ANOMALY,
                fact_key=anomaly.date.isoformat(),
                fact_day=anomaly.date,
                title=title,
                description=description,
                importance=Importance.MEDIUM,
                confidence=normal_confidence(anomaly.z_score),
                data={
                    "date": anomaly.date.isoformat(),
                    "value": r4(anomaly.value),
                    "expected": r4(anomaly.expected),
                    "std": r4((anomaly.value - anomaly.expected) / anomaly.z_score),
                    "z_score": r4(anomaly.z_score),
                    "threshold_z": thresholds.anomaly.z_threshold,
                    "lookback_days": lookback,
                    "exchanges": window.day(anomaly.date).quality.n,
                },
                icon="star" if high else "alert-triangle",
                action_url=dashboard_url("quality", period="30d"),
            )
        )
    return insights


def _last_active_day(inputs: InsightInputs, window: DailyWindow) -> date | None:
    """The latest active day up to today: from the daily window, else the streak's last active day."""
    for bucket in reversed(window.buckets):
        if bucket.active and bucket.day <= inputs.today:
            return bucket.day
    last = inputs.streak.last_active_date
    return last if last is not None and last < window.first else None


def _inactive_run(inputs: InsightInputs, window: DailyWindow) -> tuple[date, int] | None:
    """(last active day, completed days without activity since) while today has no activity yet."""
    if window.day(inputs.today).active:
        return None
    last = _last_active_day(inputs, window)
    if last is None:
        return None
    return last, (inputs.today - last).days - 1


def _window(inputs: InsightInputs, thresholds: InsightThresholds) -> DailyWindow:
    return daily_window(inputs.daily, today=inputs.today, days=thresholds.typical_days + 2)


def no_sessions_yesterday(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Yesterday had no activity while the median sessions per day of the `typical_days` before is > 0.

    Only days since the learner's first day count, at least `min_data_points` of them; left to
    `inactive_days` when that rule applies.
    """
    window = _window(inputs, thresholds)
    yesterday = inputs.today - _ONE_DAY
    if window.day(yesterday).active:
        return []
    run = _inactive_run(inputs, window)
    if run is not None and run[1] >= thresholds.inactive_days:
        return []
    first_known = inputs.totals.first_day or next((b.day for b in window.buckets if b.active), None)
    if first_known is None:
        return []
    start = max(first_known, yesterday - timedelta(days=thresholds.typical_days))
    days = window.span(start, yesterday - _ONE_DAY)
    if len(days) < thresholds.min_data_points:
        return []
    typical = median([float(b.sessions) for b in days])
    if typical <= 0:
        return []
    active = sum(1 for b in days if b.active)
    sessions = "session" if typical == 1 else "sessions"
    return [
        make_insight(
            inputs,
            rule=NO_SESSIONS_YESTERDAY,
            type=InsightType.ANOMALY,
            fact_key=yesterday.isoformat(),
            fact_day=yesterday,
            title="No Sessions Yesterday",
            description=(
                f"No sessions yesterday (you typically have {count(typical)} {sessions} a day; "
                f"active on {active} of the previous {len(days)} days)."
            ),
            importance=Importance.LOW,
            confidence=active / len(days),
            data={
                "date": yesterday.isoformat(),
                "typical_sessions": r4(typical),
                "active_days": active,
                "window_days": len(days),
            },
            icon="calendar",
            action_url=dashboard_url("progress", period="7d"),
        )
    ]


def inactive_days(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Today has no activity yet and the `inactive_days` (or more) days before it had none either.

    typical = lifetime sessions / local days from the first day to the last active day.
    """
    window = _window(inputs, thresholds)
    run = _inactive_run(inputs, window)
    if run is None or run[1] < thresholds.inactive_days:
        return []
    last, missed = run
    first = inputs.totals.first_day or last
    if inputs.totals.sessions <= 0 or first > last:
        return []
    typical = inputs.totals.sessions / ((last - first).days + 1)
    return [
        make_insight(
            inputs,
            rule=INACTIVE_DAYS,
            type=InsightType.ANOMALY,
            fact_key=last.isoformat(),
            fact_day=last + _ONE_DAY,
            title=f"{missed} Days Without Learning",
            description=(
                f"No sessions recorded in the past {missed} days (typical: {count(typical)}/day). "
                f"Your last session was on {day_label(last)}."
            ),
            importance=Importance.MEDIUM,
            confidence=1.0,
            data={
                "days_inactive": missed,
                "last_active_day": last.isoformat(),
                "typical_sessions_per_day": r4(typical),
                "threshold_days": thresholds.inactive_days,
            },
            icon="calendar-x",
            action_url=dashboard_url("goals"),
        )
    ]


def correction_spike(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Corrections per exchange of the last `recent_days` ≥ `correction_spike_ratio` × the rate of the
    `correction_baseline_days` before and ≥ `correction_spike_floor`, significant by a two-proportion test.
    """
    recent_days, baseline_days = thresholds.recent_days, thresholds.correction_baseline_days
    window = daily_window(inputs.daily, today=inputs.today, days=recent_days + baseline_days)
    recent_first = inputs.today - timedelta(days=recent_days - 1)
    recent = window.merged(recent_first, inputs.today)
    baseline = window.merged(window.first, recent_first - _ONE_DAY)
    if recent.exchanges < thresholds.min_data_points or baseline.exchanges < thresholds.min_data_points:
        return []
    rate = recent.corrections / recent.exchanges
    usual = baseline.corrections / baseline.exchanges
    if not at_least(rate, thresholds.correction_spike_floor):
        return []
    if not at_least(rate, thresholds.correction_spike_ratio * usual):
        return []
    p_value = two_proportion_p_value(
        recent.corrections, recent.exchanges, baseline.corrections, baseline.exchanges
    )
    if p_value is None or 1.0 - p_value < thresholds.confidence_threshold:
        return []
    data: dict[str, object] = {
        "rate": r4(rate),
        "typical_rate": r4(usual),
        "corrections": recent.corrections,
        "exchanges": recent.exchanges,
        "baseline_corrections": baseline.corrections,
        "baseline_exchanges": baseline.exchanges,
        "period": f"{recent_days}d",
        "baseline_days": baseline_days,
        "threshold_ratio": thresholds.correction_spike_ratio,
        "threshold_rate": thresholds.correction_spike_floor,
        "p_value": r4(p_value),
    }
    if usual > 0:
        data["ratio"] = r4(rate / usual)
    return [
        make_insight(
            inputs,
            rule=CORRECTION_SPIKE,
            type=InsightType.ANOMALY,
            fact_key=f"{recent_days}d",
            fact_day=inputs.today,
            title="Correction Rate Spike",
            description=(
                f"Correction rate spiked to {pct(rate)} (typical: {pct(usual)}): {recent.corrections} "
                f"corrections in {recent.exchanges} exchanges over the last {recent_days} days."
            ),
            importance=Importance.MEDIUM,
            confidence=1.0 - p_value,
            data=data,
            icon="alert-triangle",
            action_url=dashboard_url("progress", period=f"{recent_days}d"),
        )
    ]
