"""Progress over a period, in buckets of hours, days, weeks or months: the `progress` query."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from ..domain import periods
from ..domain import progress as domain
from ..resolvers import overview
from ..resolvers import progress as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Granularity, Metric, Period, TrendDirection, by_name
from .ranges import DateRangeInput, DateSpan, echoed, when
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
    quality_relevance: float | None = strawberry.field(
        description="Mean relevance of the bucket's exchanges scored on it (as the five below)."
    )
    quality_helpfulness: float | None
    quality_engagement: float | None = strawberry.field(
        description="Mean engagement score of the answers (a quality dimension, unlike ENGAGEMENT)."
    )
    quality_clarity: float | None
    quality_accuracy: float | None

    @classmethod
    def from_domain(cls, p: domain.ProgressPoint) -> ProgressPoint:
        b = p.bucket
        return cls(
            quality_relevance=domain.metric_value(b, domain.Metric.QUALITY_RELEVANCE),
            quality_helpfulness=domain.metric_value(b, domain.Metric.QUALITY_HELPFULNESS),
            quality_engagement=domain.metric_value(b, domain.Metric.QUALITY_ENGAGEMENT),
            quality_clarity=domain.metric_value(b, domain.Metric.QUALITY_CLARITY),
            quality_accuracy=domain.metric_value(b, domain.Metric.QUALITY_ACCURACY),
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
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan = strawberry.field(
        description="The local days the points cover (the latest ones when cut to the bucket limit)."
    )
    granularity: Granularity
    points: list[ProgressPoint]
    statistics: list[MetricStatistics]
    chart: ChartData
    meta: Meta

    @strawberry.field(
        description="The median duration of the sessions of these days that have an end; null without "
        "any (read only when selected)."
    )
    async def median_session_minutes(self, info: Info) -> float | None:
        return await overview.median_session_minutes(info.context, start=self.dates.start, end=self.dates.end)

    @classmethod
    def from_domain(cls, p: resolver.ProgressAnswer, argument: Period = Period.LAST_30_DAYS) -> Progress:
        return cls(
            period=echoed(p.period, argument),
            dates=DateSpan.from_domain(p.span),
            granularity=by_name(p.granularity, Granularity),
            points=[ProgressPoint.from_domain(x) for x in p.points],
            statistics=[MetricStatistics.from_domain(s) for s in p.statistics],
            chart=ChartData.from_domain(p.chart),
            meta=Meta.from_domain(p.meta),
        )


@strawberry.type
class ProgressQuery:
    @strawberry.field(
        description="Buckets over the period (or the local days of `range`); granularity defaults to DAY (≤ 31 days), WEEK (≤ 180) or MONTH. "
        "At most 168 hours, 400 days, 520 weeks or 600 months (LA_LIMITS__MAX_*_BUCKETS): a requested "
        "granularity beyond is refused, an implicit one becomes coarser."
    )
    @argument_rules
    async def progress(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
        metrics: list[Metric] | None = strawberry.UNSET,
        granularity: Granularity | None = None,
    ) -> Progress:
        chosen = DEFAULT_METRICS if metrics is strawberry.UNSET or metrics is None else metrics
        preset, dates = when(info, period, range_)
        answer = await resolver.progress(
            info.context,
            period=preset,
            dates=dates,
            metrics=[by_name(m, domain.Metric) for m in chosen],
            granularity=by_name(granularity, periods.Granularity),
        )
        return Progress.from_domain(answer, period)
