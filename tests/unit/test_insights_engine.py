"""The insight engine: the catalog, stable ids, deduplication, ranking and limits."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import replace
from datetime import date, timedelta

import pytest
from insight_fixtures import NOW, TODAY, ago, day, hour, inputs, topic

from learning_analytics.domain.insights import (
    EXPIRY,
    RULES,
    Importance,
    Insight,
    InsightInputs,
    InsightThresholds,
    InsightType,
    LifetimeTotals,
    TopicPair,
    deduplicate,
    generate_insights,
    insight_id,
    rank_key,
)
from learning_analytics.domain.streaks import Streak

SEED_EXAMPLES = {
    "quality_improved", "quality_declined", "activity_up", "activity_down",
    "quality_anomaly", "no_sessions_yesterday", "inactive_days", "correction_spike",
    "session_milestone", "exchange_milestone", "streak_milestone", "topic_milestone",
    "best_hour", "best_weekday", "high_correction_rate", "revisit_topic",
    "strong_connection", "knowledge_gap", "emerging_interest",
}  # fmt: skip


def busy_learner(today: date = TODAY) -> InsightInputs:
    """A learner who triggers many rules at once."""
    offset = today - TODAY
    daily = [
        day(
            ago(i) + offset, sessions=1 if i >= 30 else 2, qualities=(0.70, 0.80) if i >= 30 else (0.80, 0.90)
        )
        for i in range(60)
    ]
    topics = [
        topic("python", sessions=30, mastery=0.81),
        topic("linear algebra", sessions=12, mastery=0.72),
        topic("neural networks", sessions=6, mastery=0.2, avg_quality=0.6, exchanges=12),
        topic("rust", sessions=4, exchanges=20, recent_exchanges=16, first_day=ago(5) + offset),
        topic("git", sessions=8),
    ]
    pairs = [
        TopicPair("python", "linear algebra", 9),
        TopicPair("neural networks", "python", 4),
        TopicPair("neural networks", "linear algebra", 3),
    ]
    return InsightInputs(
        user_id="learner-1",
        today=today,
        now=NOW + offset,
        daily=daily,
        hourly=[
            hour(9, sessions=6, qualities=[0.85, 0.95] * 5),
            hour(20, sessions=6, qualities=[0.70, 0.80] * 5),
        ],
        totals=LifetimeTotals(sessions=102, exchanges=900, avg_quality=0.8, first_day=ago(90)),
        streak=Streak(
            current=8,
            longest=8,
            last_active_date=today,
            started_on=today - timedelta(days=7),
            today_complete=True,
            freezes_available=0,
            frozen_days=(),
        ),
        topics=topics,
        pairs=pairs,
    )


def test_the_catalog_covers_every_seed_example_with_a_type_and_description() -> None:
    assert set(RULES) == SEED_EXAMPLES
    for rule_id, spec in RULES.items():
        assert spec.id == rule_id
        assert isinstance(spec.type, InsightType)
        assert spec.description


def test_a_window_of_zero_days_is_a_configuration_error() -> None:
    with pytest.raises(ValueError, match="period_days"):
        InsightThresholds(period_days=0)


def test_the_daily_history_needed_covers_two_periods() -> None:
    assert InsightThresholds().history_days == 60
    assert InsightThresholds(period_days=7).history_days == 35  # 7 recent + 28 baseline corrections


def test_no_data_gives_no_insight_and_no_error() -> None:
    assert generate_insights(inputs()) == []


def test_a_busy_learner_gets_insights_of_many_rules_ranked_by_importance_then_recency() -> None:
    found = generate_insights(busy_learner(), limit=50)

    rules = {i.rule for i in found}
    assert {"quality_improved", "activity_up", "session_milestone", "streak_milestone", "best_hour"} <= rules
    assert {"revisit_topic", "strong_connection", "knowledge_gap", "emerging_interest"} <= rules
    assert found == sorted(found, key=rank_key)
    ranks = [("high", "medium", "low").index(i.importance) for i in found]
    assert ranks == sorted(ranks)
    for earlier, later in itertools.pairwise(found):
        if earlier.importance == later.importance:
            assert earlier.fact_day >= later.fact_day
            if earlier.fact_day == later.fact_day:
                assert earlier.confidence >= later.confidence


def test_every_insight_carries_its_horizon_and_clock() -> None:
    for insight in generate_insights(busy_learner(), limit=50):
        assert insight.generated_at == NOW
        assert insight.expires_at == NOW + EXPIRY[insight.type]
        assert 0.0 <= insight.confidence <= 1.0
        assert insight.action_url is not None and insight.action_url.startswith("/?view=")
        assert insight.icon


def test_the_same_facts_give_the_same_ids() -> None:
    first = generate_insights(busy_learner(), limit=50)
    again = generate_insights(busy_learner(), limit=50)

    assert [i.id for i in first] == [i.id for i in again]
    assert len({i.id for i in first}) == len(first)


def test_an_id_is_the_hash_of_user_rule_fact_and_day() -> None:
    digest = hashlib.sha256(b"learner-1|session_milestone|100|2026-03-13").hexdigest()

    assert insight_id("learner-1", "session_milestone", "100", date(2026, 3, 13)) == f"ins_{digest[:16]}"


def test_the_same_trend_a_day_later_is_a_new_insight() -> None:
    today = {i.rule: i.id for i in generate_insights(busy_learner(), limit=50)}
    tomorrow = {i.rule: i.id for i in generate_insights(busy_learner(TODAY + timedelta(days=1)), limit=50)}

    assert today["quality_improved"] != tomorrow["quality_improved"]
    assert insight_id("learner-1", "quality_improved", "30d", TODAY) == today["quality_improved"]


def test_a_milestone_keeps_its_id_while_it_is_shown() -> None:
    snapshot = busy_learner()
    later = replace(snapshot, today=TODAY + timedelta(days=1), now=NOW + timedelta(days=1))
    later = replace(
        later,
        daily=[*snapshot.daily, day(TODAY + timedelta(days=1), sessions=2)],
        totals=replace(snapshot.totals, sessions=104),
    )

    def milestone(s: InsightInputs) -> str:
        return next(i.id for i in generate_insights(s, limit=50) if i.rule == "session_milestone")

    assert milestone(snapshot) == milestone(later)


def fake(rule: str, fact_key: str, *, importance: Importance, fact_day: date, confidence: float) -> Insight:
    return Insight(
        id=insight_id("u", rule, fact_key, fact_day),
        rule=rule,
        type=InsightType.TREND,
        title=rule,
        description=rule,
        importance=importance,
        confidence=confidence,
        data={},
        icon=None,
        action_url=None,
        generated_at=NOW,
        expires_at=None,
        fact_day=fact_day,
        fact_key=fact_key,
    )


def test_duplicates_keep_one_insight_per_rule_and_fact() -> None:
    a = fake("r", "k", importance=Importance.LOW, fact_day=ago(1), confidence=0.5)
    same_id = replace(a, confidence=0.9)
    older = fake("r", "k", importance=Importance.LOW, fact_day=ago(3), confidence=1.0)
    other = fake("r", "k2", importance=Importance.LOW, fact_day=ago(3), confidence=1.0)

    kept = deduplicate([a, same_id, older, other])

    assert sorted((i.fact_key, i.fact_day, i.confidence) for i in kept) == [
        ("k", ago(1), 0.9),
        ("k2", ago(3), 1.0),
    ]


def test_ranking_is_importance_then_newest_fact_then_confidence() -> None:
    low_new = fake("a", "1", importance=Importance.LOW, fact_day=ago(0), confidence=1.0)
    high_old = fake("b", "1", importance=Importance.HIGH, fact_day=ago(9), confidence=0.1)
    medium_new_sure = fake("c", "1", importance=Importance.MEDIUM, fact_day=ago(0), confidence=0.9)
    medium_new_unsure = fake("d", "1", importance=Importance.MEDIUM, fact_day=ago(0), confidence=0.4)
    medium_old = fake("e", "1", importance=Importance.MEDIUM, fact_day=ago(2), confidence=1.0)

    ranked = sorted([low_new, medium_old, medium_new_unsure, high_old, medium_new_sure], key=rank_key)

    assert [i.rule for i in ranked] == ["b", "c", "d", "e", "a"]


def test_the_limit_keeps_the_top_ranked() -> None:
    everything = generate_insights(busy_learner(), limit=50)

    top = generate_insights(busy_learner(), limit=3)

    assert len(everything) > 3
    assert top == everything[:3]
    assert len(generate_insights(busy_learner())) == min(10, len(everything))


def test_recommendations_and_insights_per_rule_are_capped() -> None:
    weak = [topic(f"topic {n}", avg_quality=0.5 + n / 100, exchanges=20) for n in range(6)]
    snapshot = inputs(topics=weak, totals=LifetimeTotals(sessions=10, exchanges=120, avg_quality=0.8))

    assert len(generate_insights(snapshot)) == 3  # max_per_rule
    loose = InsightThresholds(max_per_rule=10, max_recommendations=4)
    kept = generate_insights(snapshot, loose)
    assert [i.fact_key for i in kept] == ["topic 0", "topic 1", "topic 2", "topic 3"]
