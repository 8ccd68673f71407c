"""`GET /api/analytics/trends`: the seed's trend chart (daily values and their rolling average) and fit."""

from __future__ import annotations

from datetime import date

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain import progress
from ..domain.trends import TrendDirection, weekly
from ..domain.trends.analysis import trend_chart
from ..resolvers import trends as resolver
from .endpoints import context, covering, endpoint, query
from .models import Chart, Meta, Model
from .params import END, FORECAST_DAYS, METHOD, METRIC, START, WINDOW, period_param
from .responses import json_response


class TrendFit(Model):
    direction: TrendDirection = Field(description="improving above +5 %, declining below −5 %, else stable.")
    slope: float = Field(description="OLS slope per calendar day.")
    confidence: float = Field(description="r² of the fit.")
    prediction_30d: float | None = Field(description="The fitted line 30 days past the period.")
    change_percent: float = Field(description="(fitted last − fitted first) / |fitted first| × 100.")


class TrendPoint(Model):
    date: date
    value: float | None = Field(description="The day's value; null for an average on a day without data.")
    rolling_avg: float | None


class ForecastPoint(Model):
    date: date
    value: float
    lower_bound: float
    upper_bound: float


class WeekdayValue(Model):
    day: str
    value: float | None

    @classmethod
    def of(cls, w: weekly.WeekdayValue | None) -> WeekdayValue | None:
        return None if w is None else cls(day=w.day, value=w.value)


class Seasonality(Model):
    detected: bool = Field(description="At least 14 days and a one-way ANOVA across weekdays with p < 0.05.")
    p_value: float | None
    best_day: WeekdayValue | None
    worst_day: WeekdayValue | None
    by_weekday: list[WeekdayValue]


class Anomaly(Model):
    date: date
    value: float
    expected: float
    z_score: float


class TrendsAnswer(Model):
    metric: progress.Metric
    window: int
    chart: Chart
    trend: TrendFit
    points: list[TrendPoint]
    forecast: list[ForecastPoint]
    seasonality: Seasonality
    anomalies: list[Anomaly]
    meta: Meta

    @classmethod
    def of(cls, t: resolver.TrendAnswer) -> TrendsAnswer:
        a = t.analysis
        s = a.seasonality

        return cls(
            metric=t.metric,
            window=a.window,
            chart=Chart.of(trend_chart(a)),
            trend=TrendFit(
                direction=a.fit.direction,
                slope=a.fit.slope,
                confidence=a.fit.confidence,
                prediction_30d=a.fit.prediction_30d,
                change_percent=a.fit.change_percent,
            ),
            points=[
                TrendPoint(date=d, value=v, rolling_avg=r)
                for d, v, r in zip(a.days, a.values, a.rolling, strict=True)
            ],
            forecast=[
                ForecastPoint(date=p.date, value=p.value, lower_bound=p.lower, upper_bound=p.upper)
                for p in a.forecast
            ],
            seasonality=Seasonality(
                detected=s.detected,
                p_value=s.p_value,
                best_day=WeekdayValue.of(s.best_day),
                worst_day=WeekdayValue.of(s.worst_day),
                by_weekday=[WeekdayValue(day=w.day, value=w.value) for w in s.by_weekday],
            ),
            anomalies=[
                Anomaly(date=x.date, value=x.value, expected=x.expected, z_score=x.z_score)
                for x in a.anomalies
            ],
            meta=Meta.of(t.meta),
        )


PARAMS = (period_param(), START, END, METRIC, WINDOW, FORECAST_DAYS, METHOD)


@endpoint("GET", "/api/analytics/trends", params=PARAMS, answer=TrendsAnswer, cache="trends")
async def get_trends(request: Request) -> Response:
    """The daily series of a metric with its rolling average, OLS trend and forecast."""
    q = query(request, PARAMS)
    ctx = context(request)
    answer = await resolver.trend(
        ctx,
        **covering(ctx, q),
        metric=q["metric"],
        window=q["window"],
        forecast_days=q["forecast_days"],
        method=q["method"],
    )
    return json_response(TrendsAnswer.of(answer), answer.meta)
