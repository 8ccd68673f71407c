"""Linear trend of a daily series: ordinary least squares over calendar-day offsets."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from learning_analytics.domain.errors import InvalidInput
from learning_analytics.domain.trends.series import available_points

MIN_TREND_POINTS = 3
DEFAULT_BAND_PERCENT = 5.0
DEFAULT_HORIZON_DAYS = 30
# A fitted first value within this fraction of the series' largest |value| counts as zero:
# dividing by a rounding residue (e.g. 1e-17) would report a change of 1e18 %.
ZERO_RELATIVE_TOLERANCE = 1e-9


class TrendDirection(StrEnum):
    IMPROVING = "improving"
    DECLINING = "declining"
    STABLE = "stable"


@dataclass(frozen=True, slots=True)
class TrendFit:
    """An OLS line y = intercept + slope · offset over a period of `period_days` calendar days.

    `n`, `x_mean`, `sxx` (Σ(x − x̄)²) and `residual_se` (s = √(SSE / (n − 2))) are kept for
    prediction intervals; with fewer than 3 points they are 0 and the line is flat.
    """

    direction: TrendDirection
    slope: float
    intercept: float
    r_squared: float
    change_percent: float
    prediction_30d: float | None
    horizon_days: int
    period_days: int
    n: int
    x_mean: float
    sxx: float
    residual_se: float

    @property
    def confidence(self) -> float:
        """The confidence of the trend: r² of the fit."""
        return self.r_squared

    @property
    def fitted_first(self) -> float:
        """The fitted value on the period's first day (offset 0)."""
        return self.intercept

    @property
    def fitted_last(self) -> float:
        """The fitted value on the period's last day (offset period_days − 1)."""
        return self.fitted(max(self.period_days - 1, 0))

    def fitted(self, offset: float) -> float:
        """The line's value at a day offset from the period's first day."""
        return self.intercept + self.slope * offset


def linear_trend(
    values: Sequence[float | None],
    *,
    horizon_days: int = DEFAULT_HORIZON_DAYS,
    band_percent: float = DEFAULT_BAND_PERCENT,
) -> TrendFit:
    """The OLS trend of a daily series, its direction, r² and the value `horizon_days` ahead.

    Fit over the n available (x, y) pairs, x = calendar offset from the period's first day:
    slope = Sxy / Sxx, intercept = ȳ − slope · x̄, with Sxx = Σ(x − x̄)², Sxy = Σ(x − x̄)(y − ȳ);
    r² = Sxy² / (Sxx · Syy), taken as 0 when every y is equal (Syy = 0: the line explains no
    variation, so a constant series is stable with confidence 0; scipy.stats.linregress gives
    nan there); s = √(Σ(y − ŷ)² / (n − 2)).
    change_percent = (ŷ(L) − ŷ(0)) / |ŷ(0)| × 100 with L = len(values) − 1 (the period's first
    and last days, whether or not they have a value). When ŷ(0) is zero (|ŷ(0)| ≤ 1e-9 ×
    max|y|) the percentage is undefined: change_percent = 0 and the direction follows the sign
    of ŷ(L) − ŷ(0) alone. Otherwise direction is improving when change_percent > +band_percent,
    declining when < −band_percent, else stable. prediction_30d = ŷ(L + horizon_days).
    Fewer than 3 available points: stable, slope 0, r² 0, change 0, no prediction, and the
    line is flat at the mean of the available values (0 when there are none).
    Gaps: None days are skipped; x keeps calendar offsets, so the slope is per calendar day.
    """
    import numpy as np

    if horizon_days < 0:
        raise InvalidInput("horizon_days must not be negative", field="horizon_days")
    if band_percent < 0:
        raise InvalidInput("band_percent must not be negative", field="band_percent")
    x, y = available_points(values)
    period_days = len(values)
    n = len(y)
    if n < MIN_TREND_POINTS:
        return TrendFit(
            direction=TrendDirection.STABLE,
            slope=0.0,
            intercept=float(np.mean(y)) if n else 0.0,
            r_squared=0.0,
            change_percent=0.0,
            prediction_30d=None,
            horizon_days=horizon_days,
            period_days=period_days,
            n=n,
            x_mean=0.0,
            sxx=0.0,
            residual_se=0.0,
        )
    x_mean = float(np.mean(x))
    y_mean = float(np.mean(y))
    dx = x - x_mean
    dy = y - y_mean
    sxx = float(dx @ dx)
    syy = float(dy @ dy)
    sxy = float(dx @ dy)
    slope = sxy / sxx
    intercept = y_mean - slope * x_mean
    # Equal values can still leave a rounding residue in ȳ, hence the exact test on y itself.
    constant = float(np.min(y)) == float(np.max(y))
    r_squared = 0.0 if constant or syy == 0.0 else min(sxy * sxy / (sxx * syy), 1.0)
    residuals = y - (intercept + slope * x)
    residual_se = math.sqrt(float(residuals @ residuals) / (n - 2))
    last_offset = period_days - 1
    fitted_first = intercept
    fitted_last = intercept + slope * last_offset
    change_percent, direction = _change_and_direction(
        fitted_first, fitted_last, scale=float(np.max(np.abs(y))), band_percent=band_percent
    )
    return TrendFit(
        direction=direction,
        slope=slope,
        intercept=intercept,
        r_squared=r_squared,
        change_percent=change_percent,
        prediction_30d=intercept + slope * (last_offset + horizon_days),
        horizon_days=horizon_days,
        period_days=period_days,
        n=n,
        x_mean=x_mean,
        sxx=sxx,
        residual_se=residual_se,
    )


def _change_and_direction(
    fitted_first: float, fitted_last: float, *, scale: float, band_percent: float
) -> tuple[float, TrendDirection]:
    zero = ZERO_RELATIVE_TOLERANCE * scale
    if abs(fitted_first) <= zero:
        difference = fitted_last - fitted_first
        if difference > zero:
            return 0.0, TrendDirection.IMPROVING
        if difference < -zero:
            return 0.0, TrendDirection.DECLINING
        return 0.0, TrendDirection.STABLE
    change_percent = (fitted_last - fitted_first) / abs(fitted_first) * 100.0
    if change_percent > band_percent:
        return change_percent, TrendDirection.IMPROVING
    if change_percent < -band_percent:
        return change_percent, TrendDirection.DECLINING
    return change_percent, TrendDirection.STABLE
