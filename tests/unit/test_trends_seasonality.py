"""Weekly seasonality: weekday means and the ANOVA p-value against scipy.stats.f_oneway."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from scipy import stats

from learning_analytics.domain.trends import WEEKDAY_NAMES, WeekdayValue, seasonality

REL = 1e-9
MONDAY = date(2026, 3, 2)
THURSDAY = date(2026, 3, 5)


def weekday_groups(values: list[float | None], first_day: date) -> list[list[float]]:
    groups: list[list[float]] = [[] for _ in range(7)]
    for offset, value in enumerate(values):
        if value is not None:
            groups[date.fromordinal(first_day.toordinal() + offset).weekday()].append(value)
    return groups


def test_a_strong_weekday_pattern_is_detected_with_its_best_and_worst_day() -> None:
    rng = np.random.default_rng(5)
    pattern = [30.0, 32.0, 31.0, 29.0, 30.0, 60.0, 5.0]  # Saturday best, Sunday worst
    values: list[float | None] = [pattern[(3 + i) % 7] + float(rng.normal(0, 2)) for i in range(56)]
    groups = weekday_groups(values, THURSDAY)

    result = seasonality(values, first_day=THURSDAY)

    assert result.detected
    assert result.p_value == pytest.approx(stats.f_oneway(*groups).pvalue, rel=REL)
    assert result.best_day is not None and result.worst_day is not None
    assert result.best_day.day == "Saturday"
    assert result.best_day.value == pytest.approx(float(np.mean(groups[5])), rel=REL)
    assert result.worst_day.day == "Sunday"
    assert result.worst_day.value == pytest.approx(float(np.mean(groups[6])), rel=REL)
    assert [w.day for w in result.by_weekday] == list(WEEKDAY_NAMES)
    for weekday, group in zip(result.by_weekday, groups, strict=True):
        assert weekday.value == pytest.approx(float(np.mean(group)), rel=REL)


def test_noise_without_a_weekday_pattern_matches_f_oneway_and_is_usually_not_detected() -> None:
    rng = np.random.default_rng(12)
    values: list[float | None] = [float(rng.normal(0.7, 0.1)) for _ in range(60)]
    groups = weekday_groups(values, MONDAY)

    result = seasonality(values, first_day=MONDAY)

    expected = stats.f_oneway(*groups).pvalue
    assert result.p_value == pytest.approx(expected, rel=REL)
    assert result.detected == (expected < 0.05)


def test_missing_days_are_left_out_of_the_groups_and_a_weekday_without_data_has_no_value() -> None:
    rng = np.random.default_rng(8)
    values: list[float | None] = []
    for i in range(42):
        weekday = (MONDAY.weekday() + i) % 7
        values.append(None if weekday == 2 or rng.random() < 0.2 else float(weekday + rng.normal(0, 0.5)))
    groups = [g for g in weekday_groups(values, MONDAY) if g]

    result = seasonality(values, first_day=MONDAY)

    assert result.by_weekday[2] == WeekdayValue(day="Wednesday", value=None)
    assert result.data_days == sum(v is not None for v in values)
    assert len(groups) == 6
    assert result.p_value == pytest.approx(stats.f_oneway(*groups).pvalue, rel=REL)


def test_fewer_than_fourteen_days_of_data_is_never_detected() -> None:
    values: list[float | None] = [100.0 if (i % 7) == 0 else 1.0 + 0.1 * (i % 3) for i in range(13)]

    result = seasonality(values, first_day=MONDAY)

    assert result.p_value is not None and result.p_value < 0.05
    assert not result.detected
    assert result.best_day is not None and result.best_day.day == "Monday"


def test_fourteen_days_over_a_longer_period_with_gaps_count_as_data_days() -> None:
    values: list[float | None] = [None] * 7 + [
        100.0 if i % 7 == 0 else 1.0 + 0.1 * (i % 3) for i in range(14)
    ]

    result = seasonality(values, first_day=MONDAY)

    assert result.data_days == 14
    assert result.detected


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_constant_weekdays_with_different_means_give_p_zero_as_f_oneway() -> None:
    values: list[float | None] = [30.0 if i % 7 == 0 else 0.0 for i in range(28)]

    result = seasonality(values, first_day=MONDAY)

    reference = stats.f_oneway(*weekday_groups(values, MONDAY)).pvalue
    assert result.p_value == reference == 0.0
    assert result.detected
    assert result.best_day == WeekdayValue(day="Monday", value=30.0)
    assert result.worst_day == WeekdayValue(day="Tuesday", value=0.0)  # ties: the earlier weekday


def test_an_all_constant_series_has_no_p_value() -> None:
    result = seasonality([0.8] * 28, first_day=MONDAY)

    assert result.p_value is None
    assert not result.detected
    assert result.best_day is not None
    assert result.best_day.day == "Monday"
    assert result.best_day.value == pytest.approx(0.8, rel=REL)


@pytest.mark.parametrize(
    "values",
    [
        [],
        [None] * 20,
        [5.0, None, None, None, None, None, None, 6.0, None, None, None, None, None, None, 7.0],
    ],
)
def test_fewer_than_two_weekdays_with_data_has_no_p_value(values: list[float | None]) -> None:
    result = seasonality(values, first_day=MONDAY)

    assert result.p_value is None
    assert not result.detected
    assert len(result.by_weekday) == 7


def test_no_data_has_no_best_or_worst_day() -> None:
    result = seasonality([], first_day=MONDAY)

    assert result.best_day is None
    assert result.worst_day is None
    assert all(w.value is None for w in result.by_weekday)


def test_one_value_per_weekday_leaves_no_degrees_of_freedom() -> None:
    result = seasonality([float(i) for i in range(7)], first_day=MONDAY)

    assert result.p_value is None
