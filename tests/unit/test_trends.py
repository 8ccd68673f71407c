"""Rolling average and the OLS trend against independent numpy/scipy computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.trends import TrendDirection, linear_trend, rolling_average

REL = 1e-9


def reference_rolling(values: list[float | None], window: int) -> list[float | None]:
    result: list[float | None] = []
    for i in range(len(values)):
        chunk = np.array([v for v in values[max(0, i - window + 1) : i + 1] if v is not None], dtype=float)
        result.append(float(np.mean(chunk)) if chunk.size else None)
    return result


def assert_series_close(actual: list[float | None], expected: list[float | None]) -> None:
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        if e is None:
            assert a is None
        else:
            assert a == pytest.approx(e, rel=REL)


# ---- rolling average


def test_rolling_average_of_the_seed_example_averages_what_is_available_at_the_start() -> None:
    data: list[float | None] = [0.7, 0.72, 0.75, 0.73, 0.78, 0.80, 0.82]

    rolling = rolling_average(data, 3)

    assert rolling[0] == pytest.approx(0.7, rel=REL)
    assert rolling[1] == pytest.approx(0.71, rel=REL)
    assert_series_close(rolling, reference_rolling(data, 3))


def test_rolling_average_is_fractional_never_floored() -> None:
    rolling = rolling_average([1.0, 2.0, 2.0], 2)

    assert rolling == [1.0, 1.5, 2.0]


def test_rolling_average_skips_missing_days_without_stretching_the_window() -> None:
    data: list[float | None] = [4.0, None, None, 10.0, None, 2.0, None, None, None, 7.0]

    rolling = rolling_average(data, 3)

    assert rolling[1] == 4.0
    assert rolling[2] == 4.0
    assert rolling[3] == 10.0  # day 0 has left the 3-day window
    assert rolling[8] is None
    assert_series_close(rolling, reference_rolling(data, 3))


def test_rolling_average_of_a_random_series_matches_numpy() -> None:
    rng = np.random.default_rng(7)
    data: list[float | None] = [None if rng.random() < 0.3 else float(rng.normal(50, 10)) for _ in range(120)]

    for window in (1, 2, 7, 30):
        assert_series_close(rolling_average(data, window), reference_rolling(data, window))


def test_rolling_average_with_a_window_longer_than_the_series_is_the_running_mean() -> None:
    data: list[float | None] = [3.0, 5.0, 10.0]

    assert rolling_average(data, 30) == pytest.approx([3.0, 4.0, 6.0], rel=REL)


def test_rolling_average_of_empty_and_all_missing_series() -> None:
    assert rolling_average([], 7) == []
    assert rolling_average([None, None], 7) == [None, None]


def test_rolling_average_rejects_a_window_below_one() -> None:
    with pytest.raises(InvalidInput) as error:
        rolling_average([1.0], 0)

    assert error.value.field == "window"


# ---- linear trend


def test_trend_matches_linregress_on_a_noisy_series() -> None:
    rng = np.random.default_rng(11)
    data = [float(0.6 + 0.004 * i + rng.normal(0, 0.03)) for i in range(30)]
    reference = stats.linregress(np.arange(30), data)

    fit = linear_trend(data)

    assert fit.n == 30
    assert fit.slope == pytest.approx(reference.slope, rel=REL)
    assert fit.intercept == pytest.approx(reference.intercept, rel=REL)
    assert fit.r_squared == pytest.approx(reference.rvalue**2, rel=REL)
    assert fit.confidence == fit.r_squared


def test_trend_with_gaps_regresses_on_calendar_offsets() -> None:
    data: list[float | None] = [2.0, None, None, 5.0, 4.0, None, 9.0, None, None, None, 12.0, None]
    offsets = [i for i, v in enumerate(data) if v is not None]
    observed = [v for v in data if v is not None]
    reference = stats.linregress(offsets, observed)
    compressed = stats.linregress(np.arange(len(observed)), observed)

    fit = linear_trend(data)

    assert fit.n == 5
    assert fit.period_days == 12
    assert fit.slope == pytest.approx(reference.slope, rel=REL)
    assert fit.intercept == pytest.approx(reference.intercept, rel=REL)
    assert fit.r_squared == pytest.approx(reference.rvalue**2, rel=REL)
    assert fit.slope != pytest.approx(compressed.slope, rel=1e-3)


def test_trend_keeps_the_statistics_for_prediction_intervals() -> None:
    data: list[float | None] = [1.0, 3.0, None, 2.0, 6.0, 5.0, None, 8.0]
    x = np.array([i for i, v in enumerate(data) if v is not None], dtype=float)
    y = np.array([v for v in data if v is not None], dtype=float)
    reference = stats.linregress(x, y)
    residuals = y - (reference.intercept + reference.slope * x)

    fit = linear_trend(data)

    assert fit.x_mean == pytest.approx(x.mean(), rel=REL)
    assert fit.sxx == pytest.approx(float(np.sum((x - x.mean()) ** 2)), rel=REL)
    assert fit.residual_se == pytest.approx(math.sqrt(float(residuals @ residuals) / (len(y) - 2)), rel=REL)


def test_change_percent_compares_the_fitted_first_and_last_days_of_the_period() -> None:
    data: list[float | None] = [None, 10.0, 11.0, 13.0, 12.0, 14.0, None, None]
    x = [i for i, v in enumerate(data) if v is not None]
    y = [v for v in data if v is not None]
    reference = stats.linregress(x, y)
    first = reference.intercept
    last = reference.intercept + reference.slope * 7

    fit = linear_trend(data)

    assert fit.fitted_first == pytest.approx(first, rel=REL)
    assert fit.fitted_last == pytest.approx(last, rel=REL)
    assert fit.change_percent == pytest.approx((last - first) / abs(first) * 100, rel=REL)
    assert fit.direction is TrendDirection.IMPROVING


def test_prediction_is_the_line_at_the_horizon_after_the_last_day() -> None:
    data = [float(v) for v in (3, 5, 4, 6, 8, 7, 9)]
    reference = stats.linregress(np.arange(7), data)

    fit = linear_trend(data, horizon_days=30)
    short = linear_trend(data, horizon_days=7)

    assert fit.prediction_30d == pytest.approx(reference.intercept + reference.slope * 36, rel=REL)
    assert short.prediction_30d == pytest.approx(reference.intercept + reference.slope * 13, rel=REL)


def test_direction_uses_the_five_percent_band() -> None:
    rising = [100.0 + 0.3 * i for i in range(20)]  # +5.7 % over the period
    flat = [100.0 + 0.2 * i for i in range(20)]  # +3.8 %
    falling = [100.0 - 0.3 * i for i in range(20)]

    assert linear_trend(rising).direction is TrendDirection.IMPROVING
    assert linear_trend(flat).direction is TrendDirection.STABLE
    assert linear_trend(falling).direction is TrendDirection.DECLINING
    assert linear_trend(flat, band_percent=2.0).direction is TrendDirection.IMPROVING


def test_a_negative_fitted_start_divides_by_its_absolute_value() -> None:
    data = [-10.0, -8.0, -6.0, -4.0]

    fit = linear_trend(data)

    assert fit.change_percent == pytest.approx(60.0, rel=REL)
    assert fit.direction is TrendDirection.IMPROVING


def test_a_zero_fitted_start_gives_zero_change_and_the_direction_of_the_slope() -> None:
    rising = linear_trend([0.0, 0.1, 0.2, 0.3])
    falling = linear_trend([0.0, -1.0, -2.0])
    zero = linear_trend([0.0, 0.0, 0.0, 0.0])

    assert (rising.change_percent, rising.direction) == (0.0, TrendDirection.IMPROVING)
    assert (falling.change_percent, falling.direction) == (0.0, TrendDirection.DECLINING)
    assert (zero.change_percent, zero.direction) == (0.0, TrendDirection.STABLE)


@pytest.mark.parametrize("value", [0.8, 0.1, 1 / 3, 7.0])
def test_a_constant_series_is_stable_with_zero_confidence_and_no_division_error(value: float) -> None:
    fit = linear_trend([value] * 10)

    assert fit.slope == pytest.approx(0.0, abs=1e-15)
    assert fit.r_squared == 0.0
    assert fit.change_percent == pytest.approx(0.0, abs=1e-9)
    assert fit.direction is TrendDirection.STABLE
    assert fit.residual_se == pytest.approx(0.0, abs=1e-12)


def test_a_perfect_line_has_confidence_one() -> None:
    fit = linear_trend([1.0 + 2.0 * i for i in range(6)])

    assert fit.r_squared == pytest.approx(1.0, rel=REL)
    assert fit.slope == pytest.approx(2.0, rel=REL)


@pytest.mark.parametrize(
    "data",
    [[], [None, None, None], [5.0], [5.0, None, 9.0], [None, 1.0, 2.0, None]],
)
def test_fewer_than_three_points_is_stable_with_zero_confidence(data: list[float | None]) -> None:
    fit = linear_trend(data)

    assert fit.direction is TrendDirection.STABLE
    assert fit.slope == 0.0
    assert fit.r_squared == 0.0
    assert fit.change_percent == 0.0
    assert fit.prediction_30d is None
    observed = [v for v in data if v is not None]
    assert fit.intercept == pytest.approx(float(np.mean(observed)) if observed else 0.0, rel=REL)


def test_exactly_three_points_fit_a_line() -> None:
    fit = linear_trend([1.0, 2.0, 4.0])

    assert fit.n == 3
    assert fit.slope == pytest.approx(stats.linregress([0, 1, 2], [1.0, 2.0, 4.0]).slope, rel=REL)


def test_non_finite_values_are_rejected() -> None:
    with pytest.raises(ValueError):
        linear_trend([1.0, math.nan, 2.0])
