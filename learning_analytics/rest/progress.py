"""`GET /api/analytics/progress`: the seed's Chart.js progress chart with statistics keyed by metric."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from ..domain import progress as domain
from ..domain.trends import TrendDirection
from ..resolvers import progress as resolver
from .endpoints import context, covering, endpoint, query
from .models import Chart, Meta, Model
from .params import END, GRANULARITIES, GRANULARITY, GRANULARITY_NAMES, METRICS, START, period_param
from .responses import json_response

# The seed's statistics say "up"/"down"; the OLS direction (±5 % band) says improving/declining.
Trend = Literal["up", "down", "stable"]
_TREND: dict[TrendDirection, Trend] = {
    TrendDirection.IMPROVING: "up",
    TrendDirection.DECLINING: "down",
    TrendDirection.STABLE: "stable",
}


class Statistics(Model):
    total: float | None = Field(description="Sum over the buckets; null for averages and rates.")
    avg: float | None = Field(
        description="Per bucket for counts; the period's own exchange-weighted value for averages."
    )
    max: float | None
    min: float | None
    trend: Trend = Field(description="The OLS direction, as the seed spells it.")
    direction: TrendDirection = Field(description="The same direction as the trend answer spells it.")

    @classmethod
    def of(cls, s: domain.MetricStatistics) -> Statistics:
        return cls(
            total=s.total,
            avg=s.avg,
            max=s.max,
            min=s.min,
            trend=_TREND[s.direction],
            direction=s.direction,
        )


class Point(Model):
    period_start: datetime = Field(description="The bucket's first local instant.")
    label: str
    sessions: int
    exchanges: int
    avg_quality: float | None
    minutes: float
    positive_feedback_rate: float | None
    corrections: int

    @classmethod
    def of(cls, p: domain.ProgressPoint) -> Point:
        b = p.bucket
        return cls(
            period_start=p.period_start,
            label=p.label,
            sessions=b.sessions,
            exchanges=b.exchanges,
            avg_quality=b.avg_quality,
            minutes=b.minutes,
            positive_feedback_rate=b.positive_feedback_rate,
            corrections=b.corrections,
        )


class ProgressAnswer(Model):
    granularity: str = Field(json_schema_extra={"enum": list(GRANULARITIES)})
    chart: Chart
    statistics: dict[domain.Metric, Statistics] = Field(description="Keyed by metric, in the order asked.")
    points: list[Point]
    meta: Meta

    @classmethod
    def of(cls, p: resolver.ProgressAnswer) -> ProgressAnswer:
        return cls(
            granularity=GRANULARITY_NAMES[p.granularity],
            chart=Chart.of(p.chart),
            statistics={s.metric: Statistics.of(s) for s in p.statistics},
            points=[Point.of(x) for x in p.points],
            meta=Meta.of(p.meta),
        )


PARAMS = (period_param(), START, END, METRICS, GRANULARITY)


@endpoint("GET", "/api/analytics/progress", params=PARAMS, answer=ProgressAnswer, cache="progress")
async def get_progress(request: Request) -> Response:
    """Metrics per bucket over the period as a Chart.js line chart, with statistics per metric."""
    q = query(request, PARAMS)
    ctx = context(request)
    answer = await resolver.progress(
        ctx, **covering(ctx, q), metrics=q["metrics"], granularity=q["granularity"]
    )
    return json_response(ProgressAnswer.of(answer), answer.meta)
