"""Recommendation rules: when to study, how to ask, and which topic to revisit."""

from __future__ import annotations

import math
from datetime import timedelta

from learning_analytics.domain.insights.model import (
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    make_insight,
)
from learning_analytics.domain.insights.support import (
    at_least,
    daily_window,
    dashboard_url,
    num,
    p_text,
    pct,
    r4,
    saturation,
    welch_p_value,
)
from learning_analytics.domain.periods import Granularity
from learning_analytics.domain.rollups import Bucket, Moments, merge_buckets
from learning_analytics.domain.trends import seasonality

BEST_HOUR = "best_hour"
BEST_WEEKDAY = "best_weekday"
HIGH_CORRECTION_RATE = "high_correction_rate"
REVISIT_TOPIC = "revisit_topic"


def _hour_label(hour: int) -> str:
    return f"{hour}:00–{(hour + 1) % 24}:00"


def best_hour(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """The hour of day with the best average quality, among hours with ≥ `min_sessions_at_best_hour`
    sessions and ≥ `min_data_points` scored exchanges (at least 2 such hours), when it beats the
    overall average by ≥ `best_time_lift_percent`. Confidence: 1 − p of Welch's t-test of that hour
    against all other hours.
    """
    by_hour: dict[int, Bucket] = {}
    for bucket in inputs.hourly:
        known = by_hour.get(bucket.hour)
        by_hour[bucket.hour] = bucket if known is None else known.merge(bucket, granularity=Granularity.HOUR)
    eligible = [
        b
        for b in by_hour.values()
        if b.sessions >= thresholds.min_sessions_at_best_hour and b.quality.n >= thresholds.min_data_points
    ]
    if len(eligible) < 2:
        return []
    overall = merge_buckets(by_hour.values(), granularity=Granularity.HOUR, day=inputs.today).quality
    best = max(eligible, key=lambda b: (b.quality.total / b.quality.n, -b.hour))
    best_avg, overall_avg = best.quality.total / best.quality.n, overall.total / overall.n
    if overall_avg <= 0.0:
        return []
    lift = (best_avg - overall_avg) / overall_avg
    if not at_least(lift, thresholds.best_time_lift_percent / 100.0):
        return []
    rest = Moments(
        n=overall.n - best.quality.n,
        total=overall.total - best.quality.total,
        sumsq=overall.sumsq - best.quality.sumsq,
    )
    p_value = welch_p_value(best.quality, rest)
    return [
        make_insight(
            inputs,
            rule=BEST_HOUR,
            type=InsightType.RECOMMENDATION,
            fact_key=str(best.hour),
            fact_day=inputs.today,
            title="Peak Learning Time",
            description=(
                f"Your peak learning time is {best.hour}:00 - schedule sessions then: between "
                f"{_hour_label(best.hour)} your quality averages {num(best_avg)} against {num(overall_avg)} "
                f"overall ({best.sessions} sessions, {pct(lift)} better)."
            ),
            importance=Importance.MEDIUM,
            confidence=0.0 if p_value is None else 1.0 - p_value,
            data={
                "hour": best.hour,
                "avg_quality": r4(best_avg),
                "overall_quality": r4(overall_avg),
                "lift_percent": r4(lift * 100.0),
                "sessions": best.sessions,
                "exchanges": best.quality.n,
                "threshold_sessions": thresholds.min_sessions_at_best_hour,
                "threshold_lift_percent": thresholds.best_time_lift_percent,
            },
            icon="clock",
            action_url=dashboard_url("progress", chart="hours"),
        )
    ]


def best_weekday(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """The weekday with the best mean daily quality, when `domain.trends.seasonality` detects a weekly
    pattern (≥ 14 days with data, one-way ANOVA p < 0.05) over the `history_days` days ending today.
    """
    window = daily_window(inputs.daily, today=inputs.today, days=thresholds.history_days)
    pattern = seasonality([b.quality.mean for b in window.buckets], first_day=window.first)
    best, worst, p_value = pattern.best_day, pattern.worst_day, pattern.p_value
    if not pattern.detected or best is None or worst is None or p_value is None:
        return []
    if best.value is None or worst.value is None:
        return []
    data: dict[str, object] = {
        "weekday": best.day,
        "avg_quality": r4(best.value),
        "worst_weekday": worst.day,
        "worst_avg_quality": r4(worst.value),
        "p_value": r4(p_value),
        "data_days": pattern.data_days,
    }
    data |= {f"avg_{w.day.lower()}": r4(w.value) for w in pattern.by_weekday if w.value is not None}
    return [
        make_insight(
            inputs,
            rule=BEST_WEEKDAY,
            type=InsightType.RECOMMENDATION,
            fact_key=best.day,
            fact_day=inputs.today,
            title="Best Learning Day",
            description=(
                f"Your quality peaks on {best.day}s: {num(best.value)} on average against "
                f"{num(worst.value)} on {worst.day}s (over {pattern.data_days} days, {p_text(p_value)}). "
                f"Schedule your harder sessions on {best.day}s."
            ),
            importance=Importance.LOW,
            confidence=1.0 - p_value,
            data=data,
            icon="calendar",
            action_url=dashboard_url("quality", period=f"{thresholds.history_days}d"),
        )
    ]


def high_correction_rate(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Corrections per exchange over the last `period_days` > `high_correction_rate`, with at least
    `min_rate_exchanges` exchanges. Confidence: P(true rate > threshold) under the normal approximation.
    """
    days = thresholds.period_days
    window = daily_window(inputs.daily, today=inputs.today, days=days)
    period = window.merged(inputs.today - timedelta(days=days - 1), inputs.today)
    if period.exchanges < thresholds.min_rate_exchanges:
        return []
    rate = period.corrections / period.exchanges
    if rate <= thresholds.high_correction_rate:
        return []
    se = math.sqrt(rate * (1.0 - rate) / period.exchanges)
    confidence = (
        1.0 if se == 0.0 else 0.5 * math.erfc(-(rate - thresholds.high_correction_rate) / se / math.sqrt(2))
    )
    return [
        make_insight(
            inputs,
            rule=HIGH_CORRECTION_RATE,
            type=InsightType.RECOMMENDATION,
            fact_key=f"{days}d",
            fact_day=inputs.today,
            title="Break Complex Topics Down",
            description=(
                f"High correction rate ({pct(rate)}) - try breaking down complex topics: "
                f"{period.corrections} of your {period.exchanges} exchanges in the last {days} days "
                f"needed a correction."
            ),
            importance=Importance.MEDIUM,
            confidence=confidence,
            data={
                "rate": r4(rate),
                "corrections": period.corrections,
                "exchanges": period.exchanges,
                "period": f"{days}d",
                "threshold_rate": thresholds.high_correction_rate,
            },
            icon="layers",
            action_url=dashboard_url("progress", period=f"{days}d"),
        )
    ]


def revisit_topic(inputs: InsightInputs, thresholds: InsightThresholds) -> list[Insight]:
    """Topics with ≥ `revisit_min_exchanges` exchanges whose average quality is ≥ `revisit_gap_percent`
    below the learner's lifetime average, largest gap first. Confidence: 1 − exp(−exchanges / 10).
    """
    overall = inputs.totals.avg_quality
    if overall is None or overall <= 0.0:
        return []
    candidates: list[tuple[float, Insight]] = []
    for stat in inputs.topics:
        if stat.avg_quality is None or stat.exchanges < thresholds.revisit_min_exchanges:
            continue
        gap = (overall - stat.avg_quality) / overall
        if not at_least(gap, thresholds.revisit_gap_percent / 100.0):
            continue
        insight = make_insight(
            inputs,
            rule=REVISIT_TOPIC,
            type=InsightType.RECOMMENDATION,
            fact_key=stat.topic,
            fact_day=stat.last_day,
            title=f"Revisit '{stat.topic}'",
            description=(
                f"Consider revisiting '{stat.topic}' - quality was lower: {num(stat.avg_quality)} on "
                f"average against your overall {num(overall)} ({pct(gap)} lower over "
                f"{stat.exchanges} exchanges)."
            ),
            importance=Importance.MEDIUM,
            confidence=saturation(stat.exchanges),
            data={
                "topic": stat.topic,
                "avg_quality": r4(stat.avg_quality),
                "overall_quality": r4(overall),
                "gap_percent": r4(gap * 100.0),
                "exchanges": stat.exchanges,
                "mastery": r4(stat.mastery),
                "level": str(stat.level),
                "threshold_gap_percent": thresholds.revisit_gap_percent,
            },
            icon="rotate-ccw",
            action_url=dashboard_url("topics", topic=stat.topic),
        )
        candidates.append((gap, insight))
    candidates.sort(key=lambda c: (-c[0], c[1].fact_key))
    return [insight for _, insight in candidates]
