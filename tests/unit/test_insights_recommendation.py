"""Recommendation insights: best hour, best weekday, high correction rate, topics to revisit."""

from __future__ import annotations

from insight_fixtures import TH, ago, day, evaluate, hour, inputs, one, topic

from learning_analytics.domain.insights import Importance, InsightType, LifetimeTotals
from learning_analytics.domain.rollups import Bucket
from learning_analytics.domain.trends import seasonality

# ---- best hour


def hours(*, morning_sessions: int) -> list[Bucket]:
    return [
        hour(9, sessions=morning_sessions, qualities=[0.85, 0.95] * 5),
        hour(14, sessions=6, qualities=[0.75, 0.85] * 5),
        hour(20, sessions=6, qualities=[0.70, 0.80] * 5),
    ]


def test_the_best_hour_by_quality_is_a_medium_recommendation() -> None:
    insight = one("best_hour", inputs(hourly=hours(morning_sessions=4)))

    assert insight.title == "Peak Learning Time"
    assert insight.type is InsightType.RECOMMENDATION
    assert insight.importance is Importance.MEDIUM
    assert insight.icon == "clock"
    assert insight.description == (
        "Your peak learning time is 9:00 - schedule sessions then: between 9:00–10:00 your quality "
        "averages 0.90 against 0.82 overall (4 sessions, 10% better)."
    )
    assert insight.data["hour"] == 9
    assert insight.data["avg_quality"] == 0.9
    assert insight.data["overall_quality"] == 0.8167
    assert insight.data["sessions"] == 4
    assert insight.data["threshold_sessions"] == 4
    assert 0.9 < insight.confidence <= 1.0


def test_an_hour_with_three_sessions_is_not_enough_to_recommend() -> None:
    assert evaluate("best_hour", inputs(hourly=hours(morning_sessions=3))) == []


def test_buckets_of_the_same_hour_are_merged() -> None:
    split = [*hours(morning_sessions=2), hour(9, sessions=2, qualities=[0.9])]

    assert one("best_hour", inputs(hourly=split)).data["sessions"] == 4


# ---- best weekday


def weekday_days(n: int) -> list[Bucket]:
    """`n` days ending today: Tuesdays around 0.90, other days around 0.75."""
    out: list[Bucket] = []
    for i in range(n):
        on = ago(i)
        base = 0.90 if on.weekday() == 1 else 0.75
        out.append(day(on, sessions=1, qualities=[base + (0.02 if i % 3 else -0.02)]))
    return out


def test_a_detected_weekly_pattern_recommends_the_best_weekday() -> None:
    daily = weekday_days(60)
    reference = seasonality([b.avg_quality for b in reversed(daily)], first_day=ago(59))

    insight = one("best_weekday", inputs(daily=daily))

    assert insight.title == "Best Learning Day"
    assert insight.importance is Importance.LOW
    assert insight.fact_key == "Tuesday"
    assert reference.best_day is not None and reference.worst_day is not None
    assert reference.best_day.value is not None and reference.worst_day.value is not None
    assert reference.p_value is not None and reference.p_value < 0.001
    assert insight.description == (
        f"Your quality peaks on Tuesdays: {reference.best_day.value:.2f} on average against "
        f"{reference.worst_day.value:.2f} on {reference.worst_day.day}s (over 60 days, p < 0.001). "
        "Schedule your harder sessions on Tuesdays."
    )
    assert insight.data["weekday"] == "Tuesday"
    assert insight.data["avg_quality"] == round(reference.best_day.value, 4)
    assert insight.data["data_days"] == 60
    assert insight.confidence == round(1 - reference.p_value, 4)


def test_13_days_are_too_few_for_a_weekday_recommendation() -> None:
    assert evaluate("best_weekday", inputs(daily=weekday_days(13))) == []


# ---- high correction rate


def corrected(exchanges: int, corrections: int) -> list[Bucket]:
    """`exchanges` spread over 10 days, the corrections on the first days."""
    per_day = exchanges // 10
    return [
        day(
            ago(i), sessions=1, exchanges=per_day, corrections=min(per_day, max(0, corrections - i * per_day))
        )
        for i in range(10)
    ]


def test_a_correction_rate_over_15_percent_recommends_breaking_topics_down() -> None:
    insight = one("high_correction_rate", inputs(daily=corrected(100, 16)))

    assert insight.title == "Break Complex Topics Down"
    assert insight.importance is Importance.MEDIUM
    assert insight.icon == "layers"
    assert insight.description == (
        "High correction rate (16%) - try breaking down complex topics: 16 of your 100 exchanges "
        "in the last 30 days needed a correction."
    )
    assert insight.data == {
        "rate": 0.16,
        "corrections": 16,
        "exchanges": 100,
        "period": "30d",
        "threshold_rate": 0.15,
    }
    assert 0.5 < insight.confidence < 0.7


def test_a_correction_rate_of_exactly_15_percent_is_no_recommendation() -> None:
    assert evaluate("high_correction_rate", inputs(daily=corrected(100, 15))) == []


def test_a_high_correction_rate_needs_enough_exchanges() -> None:
    assert TH.min_rate_exchanges == 20
    assert evaluate("high_correction_rate", inputs(daily=corrected(10, 5))) == []


# ---- revisit a topic


AVERAGE = LifetimeTotals(sessions=50, exchanges=400, avg_quality=0.80)


def test_a_topic_15_percent_below_the_average_should_be_revisited() -> None:
    weak = topic("distributed systems", exchanges=14, avg_quality=0.68, mastery=0.51, last_day=ago(3))

    insight = one("revisit_topic", inputs(topics=[weak, topic("python")], totals=AVERAGE))

    assert insight.title == "Revisit 'distributed systems'"
    assert insight.importance is Importance.MEDIUM
    assert insight.description == (
        "Consider revisiting 'distributed systems' - quality was lower: 0.68 on average against your "
        "overall 0.80 (15% lower over 14 exchanges)."
    )
    assert insight.data["gap_percent"] == 15.0
    assert insight.data["threshold_gap_percent"] == 10
    assert insight.data["level"] == "intermediate"
    assert insight.fact_day == ago(3)
    assert insight.action_url == "/?view=topics&topic=distributed+systems"


def test_a_topic_9_percent_below_the_average_is_fine() -> None:
    close = topic("distributed systems", exchanges=14, avg_quality=0.73)

    assert evaluate("revisit_topic", inputs(topics=[close], totals=AVERAGE)) == []


def test_a_topic_with_too_few_exchanges_is_not_judged() -> None:
    thin = topic("distributed systems", exchanges=4, avg_quality=0.5)

    assert evaluate("revisit_topic", inputs(topics=[thin], totals=AVERAGE)) == []


def test_the_weakest_topics_come_first() -> None:
    topics = [topic("a", avg_quality=0.70), topic("b", avg_quality=0.60), topic("c", avg_quality=0.65)]

    found = evaluate("revisit_topic", inputs(topics=topics, totals=AVERAGE))

    assert [i.fact_key for i in found] == ["b", "c", "a"]
