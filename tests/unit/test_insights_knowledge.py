"""Knowledge insights from the topic co-occurrence graph."""

from __future__ import annotations

import math

from insight_fixtures import ago, evaluate, inputs, one, topic

from learning_analytics.domain.insights import Importance, InsightType, TopicPair, TopicStat


def test_two_topics_often_studied_together_are_a_strong_connection() -> None:
    topics = [topic("machine learning", sessions=20), topic("statistics", sessions=12)]
    pair = TopicPair("statistics", "machine learning", 8, last_day=ago(2))

    insight = one("strong_connection", inputs(topics=topics, pairs=[pair]))

    strength = 8 / (20 + 12 - 8)  # Jaccard: 8 shared sessions of the 24 holding either topic = 1/3
    assert insight.title == "Strong Connection"
    assert insight.type is InsightType.KNOWLEDGE
    assert insight.importance is Importance.LOW
    assert insight.description == (
        "You've built strong connections between 'machine learning' and 'statistics': "
        f"studied together in 8 sessions (strength {strength:.2f})."
    )
    assert insight.data["strength"] == round(strength, 4)
    assert insight.data["shared_sessions"] == 8
    assert insight.fact_key == "machine learning|statistics"
    assert insight.fact_day == ago(2)


def test_four_shared_sessions_are_not_a_strong_connection() -> None:
    topics = [topic("machine learning", sessions=20), topic("statistics", sessions=12)]

    assert evaluate("strong_connection", inputs(topics=topics, pairs=[TopicPair("a", "b", 4)])) == []
    pair = TopicPair("machine learning", "statistics", 4)
    assert evaluate("strong_connection", inputs(topics=topics, pairs=[pair])) == []


def test_a_weak_strength_is_not_a_strong_connection() -> None:
    topics = [topic("python", sessions=100), topic("git", sessions=20)]  # 10 / (100 + 20 − 10) = 0.09

    assert evaluate("strong_connection", inputs(topics=topics, pairs=[TopicPair("python", "git", 10)])) == []


def gap_topics(algebra_mastery: float) -> list[TopicStat]:
    return [
        topic("neural networks", mastery=0.25, last_day=ago(4)),
        topic("python", mastery=0.81),
        topic("linear algebra", mastery=algebra_mastery),
        topic("git", mastery=0.5),
    ]


GAP_PAIRS = [
    TopicPair("neural networks", "python", 4),
    TopicPair("linear algebra", "neural networks", 3),
    TopicPair("neural networks", "git", 5),
]


def test_a_weak_topic_next_to_well_mastered_ones_is_a_knowledge_gap() -> None:
    insight = one("knowledge_gap", inputs(topics=gap_topics(0.72), pairs=GAP_PAIRS))

    assert insight.title == "Knowledge Gap"
    assert insight.importance is Importance.MEDIUM
    assert insight.icon == "puzzle"
    assert insight.description == (
        "Knowledge gap identified: consider learning 'neural networks' (mastery 0.25, beginner). "
        "It connects to 'python' (0.81), 'linear algebra' (0.72), which you master well."
    )
    assert insight.data["neighbours"] == ["python", "linear algebra"]
    assert insight.data["threshold_mastery"] == 0.4
    assert insight.fact_day == ago(4)
    assert insight.confidence == round(1 - math.exp(-7 / 10), 4)


def test_one_well_mastered_neighbour_is_no_knowledge_gap() -> None:
    assert evaluate("knowledge_gap", inputs(topics=gap_topics(0.59), pairs=GAP_PAIRS)) == []


def test_a_new_topic_with_growing_activity_is_an_emerging_interest() -> None:
    rust = topic("rust", sessions=4, exchanges=20, recent_exchanges=15, first_day=ago(9))

    insight = one("emerging_interest", inputs(topics=[rust, topic("python")]))

    assert insight.title == "Emerging Interest"
    assert insight.importance is Importance.LOW
    assert insight.description == (
        "Your learning path suggests interest in 'rust': first studied on Mar 6, 4 sessions and "
        "20 exchanges since (15 in the last 7 days)."
    )
    # (15 / 7 days) / (20 / 10 days)
    assert insight.data["momentum"] == round((15 / 7) / (20 / 10), 4)
    assert insight.data["threshold_momentum"] == 0.5
    assert insight.fact_day == ago(9)


def test_a_topic_first_seen_two_days_ago_counts_its_age_not_a_week() -> None:
    new = topic("go", sessions=3, exchanges=9, recent_exchanges=9, first_day=ago(1))

    assert one("emerging_interest", inputs(topics=[new])).data["momentum"] == 1.0


def test_a_topic_first_seen_30_days_ago_is_not_emerging() -> None:
    rust = topic("rust", sessions=4, exchanges=20, recent_exchanges=20, first_day=ago(30))

    assert evaluate("emerging_interest", inputs(topics=[rust])) == []


def test_a_new_topic_studied_in_two_sessions_is_not_emerging() -> None:
    few = topic("rust", sessions=2, exchanges=20, recent_exchanges=20, first_day=ago(3))

    assert evaluate("emerging_interest", inputs(topics=[few])) == []


def test_a_new_topic_losing_momentum_is_not_emerging() -> None:
    # 20 exchanges over 21 days, 6 in the last 7: momentum (6 / 7) / (20 / 21) = 0.9; 3 gives 0.45
    steady = topic("go", sessions=5, exchanges=20, recent_exchanges=6, first_day=ago(20))
    fading = topic("rust", sessions=5, exchanges=20, recent_exchanges=3, first_day=ago(20))

    assert [i.fact_key for i in evaluate("emerging_interest", inputs(topics=[steady, fading]))] == ["go"]
