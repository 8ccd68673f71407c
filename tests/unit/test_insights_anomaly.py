"""Anomaly insights: an exceptional quality day, missed days and a spike of corrections."""

from __future__ import annotations

import numpy as np
from insight_fixtures import ago, day, evaluate, inputs, one

from learning_analytics.domain.insights import Importance, InsightType, LifetimeTotals
from learning_analytics.domain.rollups import Bucket
from learning_analytics.domain.streaks import EMPTY_STREAK

# ---- quality anomaly


def usual_quality(days_ago: int) -> float:
    return 0.7 if days_ago % 2 else 0.8


def quality_history(yesterday: float, *, exchanges: int = 3) -> list[Bucket]:
    """30 days of alternating 0.7 / 0.8 days of three exchanges, then `yesterday`; today is empty."""
    daily = [day(ago(i), sessions=1, qualities=[usual_quality(i)] * 3) for i in range(2, 31)]
    return [*daily, day(ago(1), sessions=1, qualities=[yesterday] * exchanges)]


def expected_z(daily: list[Bucket], value: float) -> tuple[float, float]:
    window = [b.quality.total / b.quality.n for b in daily if ago(29) <= b.day <= ago(2)]
    mean, sd = float(np.mean(window)), float(np.std(window, ddof=1))
    return mean, (value - mean) / sd


def test_an_exceptional_quality_day_yesterday_is_a_medium_anomaly() -> None:
    daily = quality_history(0.95)
    mean, z = expected_z(daily, 0.95)

    insight = one("quality_anomaly", inputs(daily=daily))

    assert insight.title == "Exceptional Quality Day"
    assert insight.type is InsightType.ANOMALY
    assert insight.importance is Importance.MEDIUM
    assert insight.icon == "star"
    assert insight.fact_day == ago(1)
    assert insight.description == (
        f"Exceptional quality day! Your quality on Mar 14 was 0.95 (typical: 0.75), "
        f"{z:.1f} standard deviations above your previous 28 days."
    )
    assert insight.data["z_score"] == round(z, 4)
    assert insight.data["expected"] == round(mean, 4)
    assert insight.data["value"] == 0.95
    assert insight.data["threshold_z"] == 2.0
    assert insight.confidence > 0.99


def test_an_unusually_low_day_is_an_anomaly_too() -> None:
    insight = one("quality_anomaly", inputs(daily=quality_history(0.55)))

    assert insight.title == "Unusually Low Quality"
    assert insight.icon == "alert-triangle"
    assert float(insight.data["z_score"]) < -2  # type: ignore[arg-type]
    assert "unusually low: 0.55 (typical: 0.75)" in insight.description


def test_a_day_under_two_standard_deviations_is_no_anomaly() -> None:
    daily = quality_history(0.85)
    _, z = expected_z(daily, 0.85)

    assert 1.9 < z < 2.0
    assert evaluate("quality_anomaly", inputs(daily=daily)) == []


def test_a_day_with_too_few_scored_exchanges_is_never_an_anomaly() -> None:
    assert evaluate("quality_anomaly", inputs(daily=quality_history(0.95, exchanges=2))) == []


# ---- no sessions yesterday


FIRST_DAY = LifetimeTotals(sessions=120, exchanges=600, first_day=ago(60))


def test_no_sessions_yesterday_while_typically_two_is_a_low_anomaly() -> None:
    daily = [day(ago(i), sessions=2) for i in range(2, 30)] + [day(ago(0), sessions=1)]

    insight = one("no_sessions_yesterday", inputs(daily=daily, totals=FIRST_DAY))

    assert insight.title == "No Sessions Yesterday"
    assert insight.importance is Importance.LOW
    assert insight.fact_day == ago(1)
    assert insight.description == (
        "No sessions yesterday (you typically have 2 sessions a day; active on 28 of the previous 28 days)."
    )
    assert insight.data == {
        "date": "2026-03-14",
        "typical_sessions": 2.0,
        "active_days": 28,
        "window_days": 28,
    }
    assert insight.confidence == 1.0


def test_no_sessions_yesterday_is_no_insight_when_a_typical_day_has_none() -> None:
    daily = [day(ago(i), sessions=2) for i in range(2, 15)]  # 13 active of 28: median 0

    assert evaluate("no_sessions_yesterday", inputs(daily=daily, totals=FIRST_DAY)) == []


def test_an_active_yesterday_is_no_insight() -> None:
    daily = [day(ago(i), sessions=2) for i in range(1, 30)]

    assert evaluate("no_sessions_yesterday", inputs(daily=daily, totals=FIRST_DAY)) == []


def test_no_sessions_yesterday_counts_only_days_since_the_first_day() -> None:
    daily = [day(ago(i), sessions=1) for i in range(2, 6)]  # 4 days of history: under min_data_points
    newcomer = LifetimeTotals(sessions=4, exchanges=20, first_day=ago(5))

    assert evaluate("no_sessions_yesterday", inputs(daily=daily, totals=newcomer)) == []


# ---- several inactive days


def active_until(last: int) -> list[Bucket]:
    return [day(ago(i), sessions=1) for i in range(last, 30)]


HISTORY = LifetimeTotals(sessions=60, exchanges=300, first_day=ago(49))


def test_three_days_without_activity_is_a_medium_anomaly() -> None:
    insight = one("inactive_days", inputs(daily=active_until(4), totals=HISTORY))

    assert insight.title == "3 Days Without Learning"
    assert insight.importance is Importance.MEDIUM
    # typical = 60 sessions / 46 days from the first day to the last active day
    assert insight.description == (
        "No sessions recorded in the past 3 days (typical: 1.3/day). Your last session was on Mar 11."
    )
    assert insight.data == {
        "days_inactive": 3,
        "last_active_day": "2026-03-11",
        "typical_sessions_per_day": round(60 / 46, 4),
        "threshold_days": 3,
    }
    assert insight.fact_day == ago(3)
    assert evaluate("no_sessions_yesterday", inputs(daily=active_until(4), totals=HISTORY)) == []


def test_two_days_without_activity_is_only_a_missed_yesterday() -> None:
    snapshot = inputs(daily=active_until(3), totals=HISTORY)

    assert evaluate("inactive_days", snapshot) == []
    assert one("no_sessions_yesterday", snapshot).data["typical_sessions"] == 1.0


def test_activity_today_ends_the_inactive_run() -> None:
    daily = [*active_until(5), day(ago(0), sessions=1)]

    assert evaluate("inactive_days", inputs(daily=daily, totals=HISTORY)) == []


def test_a_gap_longer_than_the_window_comes_from_the_streak() -> None:
    streak = EMPTY_STREAK.__class__(
        current=0,
        longest=9,
        last_active_date=ago(40),
        started_on=None,
        today_complete=False,
        freezes_available=0,
        frozen_days=(),
    )

    insight = one("inactive_days", inputs(streak=streak, totals=HISTORY))

    assert insight.data["days_inactive"] == 39
    assert insight.fact_key == ago(40).isoformat()


# ---- correction spike


def correction_days(*, usual: tuple[int, int], recent: tuple[int, int]) -> list[Bucket]:
    """28 baseline days then 7 recent days: (exchanges, corrections) per day; baseline corrections
    are `usual[1]` on every other day."""
    baseline = [
        day(ago(i), sessions=1, exchanges=usual[0], corrections=usual[1] if i % 2 else 0)
        for i in range(7, 35)
    ]
    return baseline + [day(ago(i), sessions=1, exchanges=recent[0], corrections=recent[1]) for i in range(7)]


def test_a_correction_rate_of_25_percent_against_5_is_a_spike() -> None:
    daily = correction_days(usual=(10, 1), recent=(8, 2))  # 14 / 280 = 5 %, then 14 / 56 = 25 %

    insight = one("correction_spike", inputs(daily=daily))

    assert insight.title == "Correction Rate Spike"
    assert insight.importance is Importance.MEDIUM
    assert insight.description == (
        "Correction rate spiked to 25% (typical: 5%): 14 corrections in 56 exchanges over the last 7 days."
    )
    assert insight.data["rate"] == 0.25
    assert insight.data["typical_rate"] == 0.05
    assert insight.data["ratio"] == 5.0
    assert insight.data["baseline_exchanges"] == 280
    assert insight.data["threshold_ratio"] == 2.0
    assert insight.confidence > 0.99


def test_a_rate_just_under_twice_the_usual_is_no_spike() -> None:
    # usual 28 / 280 = 10 %; 11 / 56 = 19.6 % is under 2×, 12 / 56 = 21.4 % is over
    under = [*correction_days(usual=(10, 2), recent=(8, 0))[:-1], day(ago(0), exchanges=8, corrections=11)]
    over = [*under[:-1], day(ago(0), exchanges=8, corrections=12)]

    assert evaluate("correction_spike", inputs(daily=under)) == []
    assert one("correction_spike", inputs(daily=over)).data["corrections"] == 12


def test_a_doubled_rate_under_the_floor_is_no_spike() -> None:
    daily = correction_days(usual=(20, 1), recent=(20, 1))  # 2.5 %, then 5 %: 2× but under 10 %

    assert evaluate("correction_spike", inputs(daily=daily)) == []
