"""Unit tests of topic mastery: the score formula, level boundaries and recency weighting."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from learning_analytics.domain.mastery import (
    MasteryLevel,
    compute_mastery,
    level_for,
    mastery_score,
    recency_weighted_quality,
    recency_weighted_quality_from_days,
)

NOW = datetime(2026, 5, 31, 12, tzinfo=UTC)


def test_score_is_quality_times_saturating_practice() -> None:
    # n = 10: 1 − e^−1 = 0.6321205588; × 0.8 = 0.5056964470
    score = mastery_score(10, 0.8)

    assert score == pytest.approx(0.5056964470, abs=1e-9)


def test_score_approaches_quality_with_much_practice() -> None:
    # n = 50: 1 − e^−5 = 0.9932620530; × 0.9 = 0.8939358477
    assert mastery_score(50, 0.9) == pytest.approx(0.8939358477, abs=1e-9)


def test_score_is_zero_without_practice_or_quality() -> None:
    assert mastery_score(0, 0.9) == 0.0
    assert mastery_score(12, None) == 0.0


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (0.0, MasteryLevel.NOVICE),
        (0.19999, MasteryLevel.NOVICE),
        (0.2, MasteryLevel.BEGINNER),
        (0.39999, MasteryLevel.BEGINNER),
        (0.4, MasteryLevel.INTERMEDIATE),
        (0.59999, MasteryLevel.INTERMEDIATE),
        (0.6, MasteryLevel.ADVANCED),
        (0.74999, MasteryLevel.ADVANCED),
        (0.75, MasteryLevel.EXPERT),
        (1.0, MasteryLevel.EXPERT),
    ],
)
def test_each_level_starts_exactly_at_its_boundary(score: float, level: MasteryLevel) -> None:
    assert level_for(score) is level


def test_the_expert_threshold_is_configurable() -> None:
    assert level_for(0.75, mastery_threshold=0.8) is MasteryLevel.ADVANCED
    assert level_for(0.8, mastery_threshold=0.8) is MasteryLevel.EXPERT


def test_levels_serialise_as_lowercase_names() -> None:
    assert MasteryLevel.INTERMEDIATE.value == "intermediate"


def test_a_thirty_day_old_observation_weighs_half_a_fresh_one() -> None:
    observations = [(NOW, 1.0), (NOW - timedelta(days=30), 0.4)]

    q = recency_weighted_quality(observations, now=NOW)

    # (1 × 1.0 + 0.5 × 0.4) / (1 + 0.5) = 1.2 / 1.5 = 0.8
    assert q == pytest.approx(0.8)


def test_recency_weighting_with_an_other_half_life() -> None:
    observations = [(NOW - timedelta(days=10), 0.9), (NOW - timedelta(days=20), 0.3)]

    q = recency_weighted_quality(observations, now=NOW, half_life_days=10.0)

    # weights 0.5 and 0.25: (0.45 + 0.075) / 0.75 = 0.7
    assert q == pytest.approx(0.7)


def test_future_observations_weigh_as_fresh_ones() -> None:
    observations = [(NOW + timedelta(days=3), 0.2), (NOW, 0.6)]

    assert recency_weighted_quality(observations, now=NOW) == pytest.approx(0.4)


def test_no_observations_have_no_quality() -> None:
    assert recency_weighted_quality([], now=NOW) is None


def test_daily_rollups_weigh_each_days_sum_and_count() -> None:
    today = date(2026, 5, 31)
    days = [(today, 2.0, 2), (today - timedelta(days=30), 1.2, 3)]

    q = recency_weighted_quality_from_days(days, today=today)

    # (2.0 + 0.5 × 1.2) / (2 + 0.5 × 3) = 2.6 / 3.5
    assert q == pytest.approx(2.6 / 3.5)


def test_daily_rollups_agree_with_per_observation_weighting_at_midnight() -> None:
    today = date(2026, 5, 31)
    midnight = datetime(2026, 5, 31, tzinfo=UTC)
    observations = [(midnight, 0.9), (midnight, 0.7), (midnight - timedelta(days=12), 0.5)]
    days = [(today, 1.6, 2), (today - timedelta(days=12), 0.5, 1)]

    assert recency_weighted_quality_from_days(days, today=today) == pytest.approx(
        recency_weighted_quality(observations, now=midnight)
    )


def test_daily_rollups_without_scored_exchanges_have_no_quality() -> None:
    assert recency_weighted_quality_from_days([(date(2026, 5, 1), 0.0, 0)], today=date(2026, 5, 31)) is None


def test_half_life_must_be_positive() -> None:
    with pytest.raises(ValueError):
        recency_weighted_quality([(NOW, 0.5)], now=NOW, half_life_days=0.0)


def test_compute_mastery_combines_score_and_level() -> None:
    practiced = datetime(2026, 5, 30, 9, tzinfo=UTC)

    mastery = compute_mastery("python", n=20, q=0.9, last_practiced_at=practiced)

    expected = 0.9 * (1 - math.exp(-2))  # 0.7781938…
    assert mastery.score == pytest.approx(expected)
    assert mastery.level is MasteryLevel.EXPERT
    assert mastery.total_interactions == 20
    assert mastery.topic == "python"
    assert mastery.last_practiced_at == practiced
