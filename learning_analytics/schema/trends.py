"""The trend of a metric: daily series, rolling average, OLS fit, forecast, seasonality, anomalies: the
`trend` query."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from ..domain import progress, trends
from ..domain.trends.analysis import DEFAULT_FORECAST_DAYS, DEFAULT_WINDOW, trend_chart
from ..resolvers import trends as resolver
from .arguments import OrDefault, argument_rules, given
from .context import Info
from .enums import Metric, Period, TrendDirection, by_name
from .ranges import DateRangeInput, DateSpan, echoed, when
from .shared import ChartData, Meta


@strawberry.enum(description="LINEAR: the OLS line; HOLT: Holt's smoothing.")
class ForecastMethod(Enum):
    LINEAR = "linear"
    HOLT = "holt"


@strawberry.type
class TrendPoint:
    date: date
    value: float | None = strawberry.field(
        description="The day's value; null for an average on a day without data."
    )
    rolling_avg: float | None


@strawberry.type
class ForecastPoint:
    date: date
    value: float
    lower_bound: float
    upper_bound: float


@strawberry.type
class WeekdayValue:
    day: str
    value: float | None

    @classmethod
    def from_domain(cls, w: trends.WeekdayValue | None) -> WeekdayValue | None:
        return None if w is None else cls(day=w.day, value=w.value)


@strawberry.type(description="Weekday means; detected when ≥ 14 days and a one-way ANOVA gives p < 0.05.")
class Seasonality:
    detected: bool
    p_value: float | None
    best_day: WeekdayValue | None
    worst_day: WeekdayValue | None
    by_weekday: list[WeekdayValue]


@strawberry.type(description="A day more than 2 standard deviations from the mean of the previous 28 days.")
class Anomaly:
    date: date
    value: float
    expected: float
    z_score: float


@strawberry.type
class Trend:
    metric: Metric
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan = strawberry.field(description="The local days of the series.")
    window: int
    points: list[TrendPoint]
    direction: TrendDirection
    slope: float = strawberry.field(description="OLS slope per calendar day.")
    change_percent: float = strawberry.field(
        description="(fitted last − fitted first) / |fitted first| × 100."
    )
    confidence: float = strawberry.field(description="r² of the fit.")
    prediction30d: float | None = strawberry.field(
        name="prediction30d", description="The fit 30 days past the period."
    )
    forecast: list[ForecastPoint]
    seasonality: Seasonality
    anomalies: list[Anomaly]
    chart: ChartData
    meta: Meta

    @classmethod
    def from_domain(cls, t: resolver.TrendAnswer, argument: Period = Period.LAST_30_DAYS) -> Trend:
        a = t.analysis
        s = a.seasonality
        return cls(
            metric=by_name(t.metric, Metric),
            period=echoed(t.period, argument),
            dates=DateSpan.from_domain(t.span),
            window=a.window,
            points=[
                TrendPoint(date=d, value=v, rolling_avg=r)
                for d, v, r in zip(a.days, a.values, a.rolling, strict=True)
            ],
            direction=by_name(a.fit.direction, TrendDirection),
            slope=a.fit.slope,
            change_percent=a.fit.change_percent,
            confidence=a.fit.confidence,
            prediction30d=a.fit.prediction_30d,
            forecast=[
                ForecastPoint(date=p.date, value=p.value, lower_bound=p.lower, upper_bound=p.upper)
                for p in a.forecast
            ],
            seasonality=Seasonality(
                detected=s.detected,
                p_value=s.p_value,
                best_day=WeekdayValue.from_domain(s.best_day),
                worst_day=WeekdayValue.from_domain(s.worst_day),
                by_weekday=[WeekdayValue(day=w.day, value=w.value) for w in s.by_weekday],
            ),
            anomalies=[
                Anomaly(date=x.date, value=x.value, expected=x.expected, z_score=x.z_score)
                for x in a.anomalies
            ],
            chart=ChartData.from_domain(trend_chart(a)),
            meta=Meta.from_domain(t.meta),
        )


@strawberry.type
class TrendsQuery:
    @strawberry.field(
        description="The daily series of a metric over the period (or the local days of `range`, at most "
        "LA_LIMITS__MAX_TREND_DAYS) with its rolling average, OLS trend and forecast; "
        "an omitted `window` or `forecastDays` is the configured one (LA_TRENDS__SHORT_TERM_WINDOW, "
        "LA_TRENDS__FORECAST_DAYS; 7 unless set)."
    )
    @argument_rules
    async def trend(
        self,
        info: Info,
        metric: OrDefault[Metric] = Metric.QUALITY,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
        # The schema shows the contract's defaults; an argument the client leaves out takes the
        # configured one instead (`given`).
        window: int | None = DEFAULT_WINDOW,
        forecast_days: int | None = DEFAULT_FORECAST_DAYS,
        method: OrDefault[ForecastMethod] = ForecastMethod.LINEAR,
    ) -> Trend:
        preset, dates = when(info, period, range_)
        answer = await resolver.trend(
            info.context,
            metric=by_name(metric, progress.Metric),
            period=preset,
            dates=dates,
            window=window if given(info, "window") else None,
            forecast_days=forecast_days if given(info, "forecastDays") else None,
            method=by_name(method, trends.ForecastMethod),
        )
        return Trend.from_domain(answer, period)
