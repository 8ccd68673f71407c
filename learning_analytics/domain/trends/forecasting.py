"""Forecasts of a daily series: the OLS line or Holt's linear smoothing, with prediction intervals."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.trends.regression import MIN_TREND_POINTS, linear_trend
from learning_analytics.domain.trends.series import available_points

if TYPE_CHECKING:  # numpy is imported where used (see series.py)
    from learning_analytics.domain.trends.series import FloatArray

MIN_HOLT_POINTS = 3
# Coarse grid over [0, 1]², then two finer grids around the best point: deterministic, and
# never worse than the coarse grid (each level keeps the previous best among its candidates).
_HOLT_COARSE_POINTS = 51
_HOLT_REFINEMENTS = ((20, 0.001), (20, 0.00005))


class ForecastMethod(StrEnum):
    LINEAR = "linear"
    HOLT = "holt"


@dataclass(frozen=True, slots=True)
class ForecastValue:
    """A forecast `offset` days after the period's last day, with its prediction interval."""

    offset: int
    value: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class HoltFit:
    """Holt's linear smoothing fitted to a series: parameters, final state and error scale.

    `sse` is the sum of squared one-step-ahead errors over observations 2..n−1 (the error on
    observation 1 is zero by construction of the initial state); `sigma` = √(sse / (n − 2)).
    """

    alpha: float
    beta: float
    level: float
    trend: float
    sse: float
    sigma: float
    n: int

    def point(self, steps: int) -> float:
        """The forecast `steps` observations ahead: ℓ + steps · b."""
        return self.level + steps * self.trend

    def variance(self, steps: int) -> float:
        """The forecast error variance: σ² (1 + Σ_{j=1}^{steps−1} α² (1 + j β)²)."""
        spread = math.fsum(self.alpha**2 * (1.0 + j * self.beta) ** 2 for j in range(1, steps))
        return self.sigma**2 * (1.0 + spread)


def fit_holt(series: Sequence[float], *, alpha: float | None = None, beta: float | None = None) -> HoltFit:
    """Holt's linear exponential smoothing of a gap-free series of at least 3 observations.

    Start: ℓ₀ = y₀, b₀ = y₁ − y₀. For t ≥ 1: ŷ_t = ℓ_{t−1} + b_{t−1}, e_t = y_t − ŷ_t,
    ℓ_t = α y_t + (1 − α) ŷ_t, b_t = β (ℓ_t − ℓ_{t−1}) + (1 − β) b_{t−1}.
    α, β ∈ [0, 1] minimise SSE = Σ e_t² (a 0.02 grid refined twice around its best point;
    ties go to the smallest α, then β), unless both are given.
    Gaps: the series has none; `forecast` passes the available values in order.
    """
    import numpy as np

    if (alpha is None) != (beta is None):
        raise ValueError("give both alpha and beta, or neither")
    y = np.asarray(series, dtype=np.float64)
    if len(y) < MIN_HOLT_POINTS:
        raise ValueError(f"Holt's smoothing needs at least {MIN_HOLT_POINTS} observations")
    if alpha is None or beta is None:
        alpha, beta = _fit_parameters(y)
    sse, level, trend = _holt_pass(y, np.array([alpha]), np.array([beta]))
    return HoltFit(
        alpha=alpha,
        beta=beta,
        level=float(level[0]),
        trend=float(trend[0]),
        sse=float(sse[0]),
        sigma=math.sqrt(float(sse[0]) / (len(y) - 2)),
        n=len(y),
    )


def forecast(
    values: Sequence[float | None],
    *,
    days: int,
    method: ForecastMethod,
    level: float = 0.95,
) -> list[ForecastValue]:
    """Forecasts for offsets 1..`days` after the period's last day, with `level` intervals.

    LINEAR: the OLS line of `linear_trend` at x₀ = L + offset (L = last day's offset), with
    ŷ ± t_{(1+level)/2, n−2} · s · √(1 + 1/n + (x₀ − x̄)² / Sxx) (t-distribution).
    HOLT: `fit_holt` over the available values in order; the forecast k steps after the last
    available value is ℓ + k·b with k = offset + the None days trailing it (one step per
    calendar day from the last observation), and ± z_{(1+level)/2} · σ · √(1 + Σ_{j=1}^{k−1}
    α²(1 + jβ)²) (normal quantile, the Gaussian state-space model of Holt's method).
    Fewer than 3 available points (either method): each value is the last available value,
    with lower = upper = value; no available point at all gives an empty list.
    Gaps: LINEAR skips None days and keeps calendar offsets; HOLT drops them, so consecutive
    observations are consecutive steps.
    """
    if days < 0:
        raise InvalidInput("days must not be negative", field="days")
    if not 0.0 < level < 1.0:
        raise InvalidInput("level must be strictly between 0 and 1", field="level")
    x, y = available_points(values)
    if len(y) == 0:
        return []
    if len(y) < max(MIN_TREND_POINTS, MIN_HOLT_POINTS):
        last = float(y[-1])
        return [ForecastValue(offset=h, value=last, lower=last, upper=last) for h in range(1, days + 1)]
    if method is ForecastMethod.LINEAR:
        return _linear_forecast(values, days=days, level=level)
    return _holt_forecast(y, trailing_gap=len(values) - 1 - int(x[-1]), days=days, level=level)


def _linear_forecast(values: Sequence[float | None], *, days: int, level: float) -> list[ForecastValue]:
    from scipy import stats

    fit = linear_trend(values)
    quantile = float(stats.t.ppf((1.0 + level) / 2.0, fit.n - 2))
    last_offset = fit.period_days - 1
    points: list[ForecastValue] = []
    for h in range(1, days + 1):
        x0 = last_offset + h
        value = fit.fitted(x0)
        half_width = (
            quantile * fit.residual_se * math.sqrt(1.0 + 1.0 / fit.n + (x0 - fit.x_mean) ** 2 / fit.sxx)
        )
        points.append(
            ForecastValue(offset=h, value=value, lower=value - half_width, upper=value + half_width)
        )
    return points


def _holt_forecast(y: FloatArray, *, trailing_gap: int, days: int, level: float) -> list[ForecastValue]:
    from scipy import stats

    fit = fit_holt(y.tolist())
    quantile = float(stats.norm.ppf((1.0 + level) / 2.0))
    points: list[ForecastValue] = []
    for h in range(1, days + 1):
        steps = trailing_gap + h
        value = fit.point(steps)
        half_width = quantile * math.sqrt(fit.variance(steps))
        points.append(
            ForecastValue(offset=h, value=value, lower=value - half_width, upper=value + half_width)
        )
    return points


def _fit_parameters(y: FloatArray) -> tuple[float, float]:
    import numpy as np

    alpha, beta = _best_on_grid(y, np.linspace(0.0, 1.0, _HOLT_COARSE_POINTS))
    for reach, step in _HOLT_REFINEMENTS:
        # Integer multiples keep an exact 0 offset, so the previous best is a candidate again.
        offsets = step * np.arange(-reach, reach + 1)
        alpha, beta = _best_on_grid(
            y,
            np.unique(np.clip(alpha + offsets, 0.0, 1.0)),
            np.unique(np.clip(beta + offsets, 0.0, 1.0)),
        )
    return alpha, beta


def _best_on_grid(y: FloatArray, alphas: FloatArray, betas: FloatArray | None = None) -> tuple[float, float]:
    import numpy as np

    alpha_grid, beta_grid = np.meshgrid(alphas, alphas if betas is None else betas, indexing="ij")
    sse, _, _ = _holt_pass(y, alpha_grid.ravel(), beta_grid.ravel())
    best = int(np.argmin(sse))
    return float(alpha_grid.ravel()[best]), float(beta_grid.ravel()[best])


def _holt_pass(
    y: FloatArray, alpha: FloatArray, beta: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """SSE, final level and final trend for each (alpha[i], beta[i]) pair, all at once."""
    import numpy as np

    # After observation 1 the state is (y₁, y₁ − y₀) whatever α and β: ŷ₁ = y₁ exactly.
    level = np.full(alpha.shape, y[1])
    trend = np.full(alpha.shape, y[1] - y[0])
    sse = np.zeros(alpha.shape)
    for observed in y[2:]:
        predicted = level + trend
        error = observed - predicted
        sse += error * error
        # ℓ_t − ℓ_{t−1} − b_{t−1} = α e_t, so b_t = b_{t−1} + β α e_t.
        level = predicted + alpha * error
        trend = trend + beta * alpha * error
    return sse, level, trend
