"""The trend of one metric over a period: statistics of its daily series, a forecast, and a chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from ..domain.errors import InvalidInput
from ..domain.periods import DateRange, Period
from ..domain.progress import Metric, metric_value
from ..domain.trends import ForecastMethod
from ..domain.trends.analysis import TrendAnalysis, TrendOptions, analyze
from .calendar import answer_meta, period_range
from .context import Context
from .meta import AnswerMeta
from .progress import daily_series

MAX_WINDOW = 90
MAX_FORECAST_DAYS = 90


@dataclass(frozen=True, slots=True)
class TrendAnswer:
    metric: Metric
    period: Period
    analysis: TrendAnalysis
    meta: AnswerMeta


async def trend(
    ctx: Context,
    *,
    metric: Metric,
    period: Period,
    window: int | None,
    forecast_days: int | None,
    method: ForecastMethod,
) -> TrendAnswer:
    """Daily values of the metric over the period (0 on inactive days for counts, missing for
    averages), with the rolling average, OLS trend, forecast, seasonality and anomalies.
    `window` and `forecast_days` default to the settings' `trends.short_term_window` and
    `trends.forecast_days`."""
    settings = ctx.settings.trends
    window = settings.short_term_window if window is None else window
    forecast_days = settings.forecast_days if forecast_days is None else forecast_days
    if not 1 <= window <= MAX_WINDOW:
        raise InvalidInput(f"window must be between 1 and {MAX_WINDOW}", field="window", code="out_of_range")
    if not 0 <= forecast_days <= MAX_FORECAST_DAYS:
        raise InvalidInput(
            f"forecastDays must be between 0 and {MAX_FORECAST_DAYS}",
            field="forecastDays",
            code="out_of_range",
        )
    r = await period_range(ctx, period)
    # One read covers the period and the days before it that anomaly detection compares against.
    lookback = ctx.settings.anomalies.lookback_days
    days = await daily_series(ctx, DateRange(r.start - timedelta(days=lookback), r.end))
    history = [metric_value(b, metric) for b in days[:lookback]]
    values = [metric_value(b, metric) for b in days[lookback:]]
    options = TrendOptions(
        window=window,
        forecast_days=forecast_days,
        method=method,
        band_percent=settings.direction_band_percent,
        anomaly=ctx.settings.anomalies,
        forecasting=settings.enable_forecasting,
    )
    return TrendAnswer(
        metric=metric,
        period=period,
        analysis=analyze(values, first_day=r.start, history=history, options=options),
        meta=await answer_meta(ctx, period),
    )
