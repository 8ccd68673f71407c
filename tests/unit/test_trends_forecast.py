"""Forecasts: the OLS prediction interval by the textbook formula and Holt against a reference."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import optimize, stats

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.trends import ForecastMethod, fit_holt, forecast

REL = 1e-9


def reference_holt(y: list[float], alpha: float, beta: float) -> tuple[float, float, float]:
    """Holt's method written out step by step: (level, trend, SSE of one-step errors)."""
    level, trend = y[0], y[1] - y[0]
    sse = 0.0
    for t in range(1, len(y)):
        predicted = level + trend
        sse += (y[t] - predicted) ** 2
        new_level = alpha * y[t] + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = new_level
    return level, trend, sse


def noisy_series(seed: int, n: int = 40) -> list[float]:
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0.05, 0.4, n))
    return [float(v) for v in 10.0 + walk]


# ---- linear


def test_linear_forecast_is_the_ols_line_with_the_textbook_prediction_interval() -> None:
    data: list[float | None] = [5.0, 6.5, None, 7.0, 9.5, 8.0, None, 11.0, 12.5, 12.0]
    x = np.array([i for i, v in enumerate(data) if v is not None], dtype=float)
    y = np.array([v for v in data if v is not None], dtype=float)
    n = len(y)
    reference = stats.linregress(x, y)
    residuals = y - (reference.intercept + reference.slope * x)
    s = math.sqrt(float(residuals @ residuals) / (n - 2))
    t = stats.t.ppf(0.975, n - 2)
    sxx = float(np.sum((x - x.mean()) ** 2))

    points = forecast(data, days=7, method=ForecastMethod.LINEAR)

    assert [p.offset for p in points] == list(range(1, 8))
    for point in points:
        x0 = 9 + point.offset
        value = reference.intercept + reference.slope * x0
        half = t * s * math.sqrt(1 + 1 / n + (x0 - x.mean()) ** 2 / sxx)
        assert point.value == pytest.approx(value, rel=REL)
        assert point.lower == pytest.approx(value - half, rel=REL)
        assert point.upper == pytest.approx(value + half, rel=REL)


def test_linear_forecast_counts_offsets_from_the_last_period_day_even_without_a_value() -> None:
    data: list[float | None] = [1.0, 2.0, 3.5, 4.0, None, None]
    reference = stats.linregress([0, 1, 2, 3], [1.0, 2.0, 3.5, 4.0])

    points = forecast(data, days=2, method=ForecastMethod.LINEAR)

    assert points[0].value == pytest.approx(reference.intercept + reference.slope * 6, rel=REL)
    assert points[1].value == pytest.approx(reference.intercept + reference.slope * 7, rel=REL)


def test_linear_forecast_level_changes_the_t_quantile() -> None:
    data = [float(v) for v in (3, 4, 4, 6, 5, 7, 9, 8)]
    wide = forecast(data, days=1, method=ForecastMethod.LINEAR, level=0.95)[0]
    narrow = forecast(data, days=1, method=ForecastMethod.LINEAR, level=0.80)[0]

    ratio = (narrow.upper - narrow.value) / (wide.upper - wide.value)

    assert ratio == pytest.approx(stats.t.ppf(0.90, 6) / stats.t.ppf(0.975, 6), rel=REL)


def test_a_perfect_line_forecasts_with_a_zero_width_interval() -> None:
    points = forecast([2.0, 4.0, 6.0, 8.0], days=2, method=ForecastMethod.LINEAR)

    assert [p.value for p in points] == pytest.approx([10.0, 12.0], rel=REL)
    assert all(p.upper - p.lower == pytest.approx(0.0, abs=1e-9) for p in points)


# ---- holt


@pytest.mark.parametrize(("alpha", "beta"), [(0.5, 0.3), (0.2, 0.9), (1.0, 0.0), (0.0, 1.0), (0.8, 0.1)])
def test_holt_with_given_parameters_matches_the_reference(alpha: float, beta: float) -> None:
    y = noisy_series(3)
    level, trend, sse = reference_holt(y, alpha, beta)

    fit = fit_holt(y, alpha=alpha, beta=beta)

    assert fit.level == pytest.approx(level, rel=REL)
    assert fit.trend == pytest.approx(trend, rel=REL, abs=1e-12)
    assert fit.sse == pytest.approx(sse, rel=REL)
    assert fit.sigma == pytest.approx(math.sqrt(sse / (len(y) - 2)), rel=REL)
    for steps in (1, 5, 30):
        assert fit.point(steps) == pytest.approx(level + steps * trend, rel=REL)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_holt_fitted_parameters_are_no_worse_than_a_grid_of_alternatives(seed: int) -> None:
    y = noisy_series(seed)
    grid = np.linspace(0.0, 1.0, 41)
    best_on_grid = min(reference_holt(y, a, b)[2] for a, b in itertools.product(grid, grid))
    rng = np.random.default_rng(seed)
    best_at_random = min(reference_holt(y, a, b)[2] for a, b in rng.random((200, 2)))

    fit = fit_holt(y)

    fitted_sse = reference_holt(y, fit.alpha, fit.beta)[2]
    assert 0.0 <= fit.alpha <= 1.0
    assert 0.0 <= fit.beta <= 1.0
    assert fitted_sse == pytest.approx(fit.sse, rel=REL)
    assert fitted_sse <= best_on_grid * (1 + 1e-12)
    assert fitted_sse <= best_at_random * (1 + 1e-12)


def test_holt_worked_by_hand() -> None:
    # y = 1, 2, 4, 7 with α = β = 0.5; start ℓ₀ = 1, b₀ = 2 − 1 = 1.
    # t=1: ŷ = 2, e = 0,    ℓ = 0.5·2 + 0.5·2 = 2,        b = 0.5·(2 − 1) + 0.5·1 = 1
    # t=2: ŷ = 3, e = 1,    ℓ = 0.5·4 + 0.5·3 = 3.5,      b = 0.5·(3.5 − 2) + 0.5·1 = 1.25
    # t=3: ŷ = 4.75, e = 2.25, ℓ = 0.5·7 + 0.5·4.75 = 5.875, b = 0.5·(5.875 − 3.5) + 0.5·1.25 = 1.8125
    # SSE = 0 + 1 + 5.0625 = 6.0625; σ = √(6.0625 / (4 − 2)); forecasts ℓ + k·b = 7.6875, 9.5
    fit = fit_holt([1.0, 2.0, 4.0, 7.0], alpha=0.5, beta=0.5)

    assert (fit.level, fit.trend, fit.sse) == pytest.approx((5.875, 1.8125, 6.0625), rel=REL)
    assert fit.sigma == pytest.approx(math.sqrt(6.0625 / 2), rel=REL)
    assert (fit.point(1), fit.point(2)) == pytest.approx((7.6875, 9.5), rel=REL)
    # variance two steps ahead: σ² (1 + α² (1 + β)²) = 3.03125 · (1 + 0.25 · 2.25)
    assert fit.variance(2) == pytest.approx(3.03125 * 1.5625, rel=REL)


@pytest.mark.parametrize("seed", [1, 2, 9])
def test_holt_fitted_state_is_the_recursion_at_its_own_parameters(seed: int) -> None:
    y = noisy_series(seed)

    fit = fit_holt(y)

    level, trend, sse = reference_holt(y, fit.alpha, fit.beta)
    assert (fit.level, fit.trend, fit.sse) == pytest.approx((level, trend, sse), rel=REL)
    assert fit.n == len(y)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_holt_fitted_parameters_are_as_good_as_a_continuous_optimiser(seed: int) -> None:
    y = noisy_series(seed)
    starts = [(0.5, 0.5), (0.9, 0.1), (0.1, 0.9), (0.3, 0.05)]
    best = min(
        optimize.minimize(
            lambda p: reference_holt(y, float(p[0]), float(p[1]))[2],
            x0=start,
            bounds=[(0.0, 1.0), (0.0, 1.0)],
            method="L-BFGS-B",
        ).fun
        for start in starts
    )

    fit = fit_holt(y)

    # The grid's last step is 0.00005: its SSE may exceed the true minimum only by a rounding residue.
    assert fit.sse <= best * (1 + 1e-6)


def test_holt_forecast_uses_the_available_values_and_the_holt_variance() -> None:
    data: list[float | None] = [*noisy_series(6, 30), None, None]
    available = [v for v in data if v is not None]
    fit = fit_holt(available)
    level, trend, sse = reference_holt(available, fit.alpha, fit.beta)
    sigma = math.sqrt(sse / (len(available) - 2))
    z = stats.norm.ppf(0.975)

    points = forecast(data, days=5, method=ForecastMethod.HOLT)

    assert [p.offset for p in points] == [1, 2, 3, 4, 5]
    for point in points:
        steps = point.offset + 2  # the two trailing None days come first
        variance = sigma**2 * (1 + sum(fit.alpha**2 * (1 + j * fit.beta) ** 2 for j in range(1, steps)))
        assert point.value == pytest.approx(level + steps * trend, rel=REL)
        assert point.upper - point.value == pytest.approx(z * math.sqrt(variance), rel=REL)
        assert point.value - point.lower == pytest.approx(z * math.sqrt(variance), rel=REL)


def test_holt_on_an_exact_line_continues_it() -> None:
    points = forecast([1.0, 3.0, 5.0, 7.0, 9.0], days=3, method=ForecastMethod.HOLT)

    assert [p.value for p in points] == pytest.approx([11.0, 13.0, 15.0], rel=REL)
    assert all(p.upper == pytest.approx(p.value, abs=1e-12) for p in points)


def test_holt_needs_three_observations() -> None:
    with pytest.raises(ValueError):
        fit_holt([1.0, 2.0])
    with pytest.raises(ValueError):
        fit_holt([1.0, 2.0, 3.0], alpha=0.5)


# ---- edge cases shared by both methods


@pytest.mark.parametrize("method", list(ForecastMethod))
def test_no_data_forecasts_nothing(method: ForecastMethod) -> None:
    assert forecast([], days=7, method=method) == []
    assert forecast([None, None, None], days=7, method=method) == []


@pytest.mark.parametrize("method", list(ForecastMethod))
@pytest.mark.parametrize("data", [[4.0], [None, 4.0], [2.0, None, 4.0, None]])
def test_fewer_than_three_points_repeat_the_last_value_without_an_interval(
    method: ForecastMethod, data: list[float | None]
) -> None:
    points = forecast(data, days=3, method=method)

    assert [(p.offset, p.value, p.lower, p.upper) for p in points] == [(h, 4.0, 4.0, 4.0) for h in (1, 2, 3)]


@pytest.mark.parametrize("method", list(ForecastMethod))
def test_a_constant_series_forecasts_itself(method: ForecastMethod) -> None:
    points = forecast([0.75] * 10, days=3, method=method)

    assert [p.value for p in points] == pytest.approx([0.75] * 3, rel=REL)
    assert all(p.upper - p.lower == pytest.approx(0.0, abs=1e-9) for p in points)


@pytest.mark.parametrize("method", list(ForecastMethod))
def test_zero_days_forecasts_nothing(method: ForecastMethod) -> None:
    assert forecast([1.0, 2.0, 3.0, 5.0], days=0, method=method) == []


def test_bad_parameters_are_rejected_with_their_field() -> None:
    with pytest.raises(InvalidInput) as days:
        forecast([1.0], days=-1, method=ForecastMethod.LINEAR)
    with pytest.raises(InvalidInput) as level:
        forecast([1.0], days=1, method=ForecastMethod.LINEAR, level=1.0)

    assert days.value.field == "days"
    assert level.value.field == "level"
