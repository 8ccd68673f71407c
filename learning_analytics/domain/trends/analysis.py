"""A whole trend answer for one daily series: rolling average, OLS fit, forecast, seasonality, anomalies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from learning_analytics.domain import charts
from learning_analytics.domain.periods import Granularity, bucket_label
from learning_analytics.domain.trends.anomaly_detection import Anomaly, AnomalyThresholds, anomalies
from learning_analytics.domain.trends.forecasting import ForecastMethod, forecast
from learning_analytics.domain.trends.regression import TrendFit, linear_trend
from learning_analytics.domain.trends.series import rolling_average
from learning_analytics.domain.trends.weekly import Seasonality, seasonality


@dataclass(frozen=True, slots=True)
class ForecastPoint:
    date: date
    value: float
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class TrendAnalysis:
    """Everything the trend answer shows for one series of local days starting at `first_day`."""

    first_day: date
    values: tuple[float | None, ...]
    rolling: tuple[float | None, ...]
    window: int
    fit: TrendFit
    forecast: tuple[ForecastPoint, ...]
    seasonality: Seasonality
    anomalies: tuple[Anomaly, ...]

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(len(self.values))]


# The seed's short-term window and forecast horizon: the defaults of the trend answer's arguments.
DEFAULT_WINDOW = 7
DEFAULT_FORECAST_DAYS = 7


@dataclass(frozen=True, slots=True)
class TrendOptions:
    """How to analyse a series: rolling `window` days, `forecast_days` by `method` (none unless
    `forecasting`), the direction band of the OLS fit, and when a day is an anomaly."""

    window: int
    forecast_days: int
    method: ForecastMethod
    band_percent: float
    anomaly: AnomalyThresholds
    forecasting: bool


def analyze(
    values: Sequence[float | None],
    *,
    first_day: date,
    history: Sequence[float | None] = (),
    options: TrendOptions,
) -> TrendAnalysis:
    """Run every trend statistic on a daily series (None = a day without data for an average; counts
    pass 0 for inactive days). `history` holds the days just before `first_day`, for anomalies."""
    series = tuple(values)
    points: tuple[ForecastPoint, ...] = ()
    if options.forecasting and options.forecast_days > 0:
        last = first_day + timedelta(days=len(series) - 1)
        points = tuple(
            ForecastPoint(date=last + timedelta(days=f.offset), value=f.value, lower=f.lower, upper=f.upper)
            for f in forecast(series, days=options.forecast_days, method=options.method)
        )
    return TrendAnalysis(
        first_day=first_day,
        values=series,
        rolling=tuple(rolling_average(series, options.window)),
        window=options.window,
        fit=linear_trend(series, band_percent=options.band_percent),
        forecast=points,
        seasonality=seasonality(series, first_day=first_day),
        anomalies=tuple(anomalies(series, first_day=first_day, history=history, thresholds=options.anomaly)),
    )


def trend_chart(analysis: TrendAnalysis) -> charts.ChartData:
    """The seed's trend chart: "Daily" (#E5E7EB) and "N-day Avg" (#4F46E5), plus the forecast."""
    labels = [bucket_label(d, Granularity.DAY) for d in analysis.days]
    labels += [bucket_label(p.date, Granularity.DAY) for p in analysis.forecast]
    pad: list[float | None] = [None] * len(analysis.forecast)
    datasets = [
        charts.line_dataset("Daily", [*analysis.values, *pad], charts.LIGHT_GREY),
        charts.line_dataset(f"{analysis.window}-day Avg", [*analysis.rolling, *pad], charts.INDIGO),
    ]
    if analysis.forecast:
        history: list[float | None] = [None] * len(analysis.values)
        datasets.append(
            charts.line_dataset("Forecast", [*history, *(p.value for p in analysis.forecast)], charts.AMBER)
        )
    return charts.ChartData(labels=tuple(labels), datasets=tuple(datasets))
