"""The trend of one metric over a period: statistics of its daily series, a forecast, and a chart."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain.errors import InvalidInput
from ..domain.periods import DateRange, Period
from ..domain.progress import Metric, metric_value
from ..domain.ranges import Span, limit_days
from ..domain.trends import ForecastMethod
from ..domain.trends.analysis import TrendAnalysis, TrendOptions, analyze
from .calendar import answer_meta, span_of
from .context import Context
from .meta import AnswerMeta
from .progress import daily_series


@dataclass(frozen=True, slots=True)
class TrendAnswer:
    metric: Metric
    period: Period | None  # None for an explicit range
    span: Span  # the days of the series
    analysis: TrendAnalysis
    meta: AnswerMeta


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be between {low} and {high}", field=name, code="out_of_range")


async def trend(
    ctx: Context,
    *,
    metric: Metric = Metric.QUALITY,
    period: Period = Period.LAST_30_DAYS,
    dates: DateRange | None = None,
    window: int | None = None,
    forecast_days: int | None = None,
    method: ForecastMethod = ForecastMethod.LINEAR,
) -> TrendAnswer:
    """Daily values of the metric over the period or the explicit local `dates` (0 on inactive days
    for counts, missing for averages), with the rolling average, OLS trend, forecast, seasonality and
    anomalies. `window` and `forecast_days` default to the settings' `trends.short_term_window` and
    `trends.forecast_days`. The series holds at most `limits.max_trend_days` days (ALL_TIME covers
    the latest ones, a longer explicit range is refused on `range`); the statistics run in a worker
    thread, so a long series never holds the loop."""
    settings = ctx.settings.trends
    limits = ctx.settings.limits
    window = settings.short_term_window if window is None else window
    forecast_days = settings.forecast_days if forecast_days is None else forecast_days
    _check_range("window", window, 1, limits.max_trend_window)
    _check_range("forecastDays", forecast_days, 0, limits.max_forecast_days)
    span = limit_days(await span_of(ctx, dates or period), limits.max_trend_days)
    r = span.current
    # One read covers the period and the days before it that anomaly detection compares against.
    lookback = min(ctx.settings.anomalies.lookback_days, (r.start - date.min).days)
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
    analysis = await asyncio.to_thread(analyze, values, first_day=r.start, history=history, options=options)
    return TrendAnswer(
        metric=metric, period=span.period, span=span, analysis=analysis, meta=await answer_meta(ctx, span)
    )
