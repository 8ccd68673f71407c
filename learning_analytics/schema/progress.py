"""Progress over a period, in buckets of hours, days, weeks or months: the `progress` query."""

from __future__ import annotations

from datetime import datetime

import strawberry

from ..domain import periods
from ..domain import progress as domain
from ..resolvers import progress as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Granularity, Metric, Period, TrendDirection, by_name
from .shared import ChartData, Meta

# The metrics of an answer when `metrics` is omitted or null (the schema shows no default for a list).
DEFAULT_METRICS = (Metric.SESSIONS, Metric.QUALITY)


@strawberry.type
class ProgressPoint:
    period_start: datetime = strawberry.field(description="The bucket's first local instant.")
    label: str
    sessions: int
    exchanges: int
    avg_quality: float | None
    minutes: float
    positive_feedback_rate: float | None
    corrections: int

    @classmethod
    def from_domain(cls, p: domain.ProgressPoint) -> ProgressPoint:
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


@strawberry.type
class MetricStatistics:
    metric: Metric
    total: float | None
    avg: float | None
    min: float | None
    max: float | None
    direction: TrendDirection

    @classmethod
    def from_domain(cls, s: domain.MetricStatistics) -> MetricStatistics:
        return cls(
            metric=by_name(s.metric, Metric),
            total=s.total,
            avg=s.avg,
            min=s.min,
            max=s.max,
            direction=by_name(s.direction, TrendDirection),
        )


@strawberry.type
class Progress:
    period: Period
    granularity: Granularity
    points: list[ProgressPoint]
    statistics: list[MetricStatistics]
    chart: ChartData
    meta: Meta

    @classmethod
    def from_domain(cls, p: resolver.ProgressAnswer) -> Progress:
        return cls(
            period=by_name(p.period, Period),
            granularity=by_name(p.granularity, Granularity),
            points=[ProgressPoint.from_domain(x) for x in p.points],
            statistics=[MetricStatistics.from_domain(s) for s in p.statistics],
            chart=ChartData.from_domain(p.chart),
            meta=Meta.from_domain(p.meta),
        )


@strawberry.type
class ProgressQuery:
    @strawberry.field(
        description="Buckets over the period; granularity defaults to DAY (≤ 31 days), WEEK (≤ 180) or MONTH. "
        "At most 168 hours, 400 days, 520 weeks or 600 months (LA_LIMITS__MAX_*_BUCKETS): a requested "
        "granularity beyond is refused, an implicit one becomes coarser."
    )
    @argument_rules
    async def progress(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        metrics: list[Metric] | None = strawberry.UNSET,
        granularity: Granularity | None = None,
    ) -> Progress:
        chosen = DEFAULT_METRICS if metrics is strawberry.UNSET or metrics is None else metrics
        answer = await resolver.progress(
            info.context,
            period=by_name(period, periods.Period),
            metrics=[by_name(m, domain.Metric) for m in chosen],
            granularity=by_name(granularity, periods.Granularity),
        )
        return Progress.from_domain(answer)
