"""Trend insights: quality and activity of the last 30 days against the 30 days before."""

from __future__ import annotations

from insight_fixtures import ago, day, evaluate, inputs, one

from learning_analytics.domain.insights import Importance, InsightType, LifetimeTotals
from learning_analytics.domain.rollups import Bucket


def quality_days(previous: tuple[float, float], current: tuple[float, float]) -> list[Bucket]:
    """60 days, one session and two scored exchanges a day: `previous` then `current` scores."""
    return [day(ago(i), sessions=1, qualities=previous if i >= 30 else current) for i in range(60)]


def session_days(previous: list[int], current: list[int]) -> list[Bucket]:
    """Sessions per day: previous[0] is 59 days ago, current[-1] is today."""
    counts = previous + current
    return [day(ago(59 - i), sessions=n) for i, n in enumerate(counts)]


def test_quality_rising_12_percent_is_a_high_trend_with_its_numbers() -> None:
    snapshot = inputs(daily=quality_days((0.70, 0.80), (0.80, 0.90)))

    insight = one("quality_improved", snapshot)

    assert insight.title == "Quality Improving"
    assert insight.type is InsightType.TREND
    assert insight.importance is Importance.HIGH
    assert insight.icon == "trending-up"
    assert insight.description == (
        "Your average quality rose 13% to 0.85 over the last 30 days "
        "(previous 30 days: 0.75; 60 and 60 scored exchanges)."
    )
    assert insight.data["change_percent"] == 13.3333
    assert insight.data["current_avg"] == 0.85
    assert insight.data["previous_avg"] == 0.75
    assert insight.data["threshold_percent"] == 10
    assert insight.data["period"] == "30d"
    assert insight.confidence > 0.99
    assert insight.action_url == "/?view=quality&period=30d"


def test_quality_rising_exactly_10_percent_meets_the_threshold() -> None:
    snapshot = inputs(daily=quality_days((0.70, 0.80), (0.775, 0.875)))

    assert one("quality_improved", snapshot).data["change_percent"] == 10.0


def test_quality_rising_9_percent_is_no_insight() -> None:
    snapshot = inputs(daily=quality_days((0.70, 0.80), (0.77, 0.87)))

    assert evaluate("quality_improved", snapshot) == []
    assert evaluate("quality_declined", snapshot) == []


def test_a_large_change_on_too_few_noisy_exchanges_is_not_confident_enough() -> None:
    daily = [day(ago(40), sessions=1, qualities=(0.2, 0.9, 0.5, 0.95, 0.2))]
    daily += [day(ago(1), sessions=1, qualities=(0.3, 0.99, 0.6, 0.99, 0.4))]

    assert evaluate("quality_improved", inputs(daily=daily)) == []


def test_quality_falling_12_percent_is_a_high_declining_trend() -> None:
    snapshot = inputs(daily=quality_days((0.80, 0.90), (0.70, 0.80)))

    insight = one("quality_declined", snapshot)

    assert insight.title == "Quality Declining"
    assert insight.importance is Importance.HIGH
    assert insight.icon == "trending-down"
    assert insight.description.startswith("Your average quality fell 12% to 0.75 over the last 30 days")
    assert insight.data["change_percent"] == -11.7647
    assert evaluate("quality_improved", snapshot) == []


def test_quality_falling_9_percent_is_no_insight() -> None:
    assert evaluate("quality_declined", inputs(daily=quality_days((0.80, 0.90), (0.72, 0.82)))) == []


FULL_HISTORY = LifetimeTotals(sessions=200, exchanges=1000, first_day=ago(90))


def test_activity_up_50_percent_is_a_medium_trend() -> None:
    daily = session_days([1] * 30, [2, 1] * 15)  # 30 sessions, then 45

    insight = one("activity_up", inputs(daily=daily, totals=FULL_HISTORY))

    assert insight.title == "Activity Up"
    assert insight.importance is Importance.MEDIUM
    assert insight.description == (
        "Learning activity up 50% from the previous 30 days: 45 sessions in the last 30 days against 30."
    )
    assert insight.data["current_sessions"] == 45
    assert insight.data["previous_sessions"] == 30
    assert insight.data["change_percent"] == 50.0
    assert insight.data["threshold_percent"] == 50


def test_activity_up_47_percent_is_no_insight() -> None:
    daily = session_days([1] * 30, [2] * 14 + [1] * 16)  # 30, then 44

    assert evaluate("activity_up", inputs(daily=daily, totals=FULL_HISTORY)) == []


def test_activity_change_needs_a_full_previous_period() -> None:
    daily = session_days([1] * 30, [2, 1] * 15)
    recent_learner = LifetimeTotals(sessions=75, exchanges=300, first_day=ago(40))

    assert evaluate("activity_up", inputs(daily=daily, totals=recent_learner)) == []


def test_activity_down_30_percent_is_a_declining_session_frequency() -> None:
    daily = session_days([2] * 30, [2] * 12 + [1] * 18)  # 60 sessions, then 42

    insight = one("activity_down", inputs(daily=daily, totals=FULL_HISTORY))

    assert insight.title == "Activity Declining"
    assert insight.description == (
        "Session frequency is declining: down 30% to 42 sessions in the last 30 days (previous 30 days: 60)."
    )
    assert insight.data["change_percent"] == -30.0
    assert insight.data["threshold_percent"] == 30
    assert evaluate("activity_up", inputs(daily=daily, totals=FULL_HISTORY)) == []


def test_activity_down_28_percent_is_no_insight() -> None:
    daily = session_days([2] * 30, [2] * 13 + [1] * 17)  # 60, then 43

    assert evaluate("activity_down", inputs(daily=daily, totals=FULL_HISTORY)) == []
