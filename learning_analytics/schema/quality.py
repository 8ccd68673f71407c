"""Quality beyond its mean: the `qualityRadar` (five dimensions against the previous period) and
`qualityDistribution` (composite scores in bins) queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from ..domain import quality_dimensions, quality_distribution
from ..resolvers import quality as resolver
from .arguments import OrDefault, argument_rules
from .context import Info
from .enums import Period
from .overview import MetricChange
from .ranges import DateRangeInput, DateSpan, echoed, when
from .shared import ChartData, Meta


@strawberry.type(description="One quality dimension this period and the previous one.")
class DimensionScore:
    dimension: str = strawberry.field(description="relevance, helpfulness, engagement, clarity or accuracy.")
    label: str
    current: float | None = strawberry.field(
        description="Mean over the period's exchanges scored on this dimension; null without any."
    )
    previous: float | None
    scored_exchanges: int
    change: MetricChange | None = strawberry.field(
        description="Against the previous period (%); null when the period has no score."
    )

    @classmethod
    def from_domain(cls, d: quality_dimensions.DimensionScore) -> DimensionScore:
        return cls(
            dimension=d.dimension,
            label=d.label,
            current=d.current,
            previous=d.previous,
            scored_exchanges=d.scored_exchanges,
            change=MetricChange.from_domain(d.change) if d.change else None,
        )


@strawberry.type
class QualityRadar:
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan
    dimensions: list[DimensionScore]
    chart: ChartData = strawberry.field(description="A radar chart: this period and the previous one.")
    meta: Meta

    @classmethod
    def from_domain(cls, a: resolver.RadarAnswer, argument: Period) -> QualityRadar:
        return cls(
            period=echoed(a.period, argument),
            dates=DateSpan.from_domain(a.span),
            dimensions=[DimensionScore.from_domain(d) for d in a.radar.dimensions],
            chart=ChartData.from_domain(a.radar.chart),
            meta=Meta.from_domain(a.meta),
        )


@strawberry.type(
    description="Scored exchanges with a composite quality in [low, high) ([0.8, 1] for the last)."
)
class QualityBin:
    label: str
    low: float
    high: float
    count: int
    share: float | None

    @classmethod
    def from_domain(cls, b: quality_distribution.QualityBin) -> QualityBin:
        return cls(label=b.label, low=b.low, high=b.high, count=b.count, share=b.share)


@strawberry.type
class QualityDistribution:
    period: Period = strawberry.field(
        description="The preset covered; with `range`, the `period` argument's default (see `dates`)."
    )
    dates: DateSpan
    total: int = strawberry.field(
        description="Scored exchanges (a summary-only session counts its exchanges at its average)."
    )
    bins: list[QualityBin]
    chart: ChartData = strawberry.field(description="A doughnut chart of the bins.")
    meta: Meta

    @classmethod
    def from_domain(cls, a: resolver.DistributionAnswer, argument: Period) -> QualityDistribution:
        d = a.distribution
        return cls(
            period=echoed(a.period, argument),
            dates=DateSpan.from_domain(a.span),
            total=d.total,
            bins=[QualityBin.from_domain(b) for b in d.bins],
            chart=ChartData.from_domain(d.chart),
            meta=Meta.from_domain(a.meta),
        )


@strawberry.type
class QualityQuery:
    @strawberry.field(
        description="Mean relevance, helpfulness, engagement, clarity and accuracy of the period (or the "
        "local days of `range`) against the previous period of equal length, with a radar chart."
    )
    @argument_rules
    async def quality_radar(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
    ) -> QualityRadar:
        preset, dates = when(info, period, range_)
        answer = await resolver.radar(info.context, period=preset, dates=dates)
        return QualityRadar.from_domain(answer, period)

    @strawberry.field(
        description="How the composite quality of the period's exchanges spreads over five bins of 0.2, "
        "with a doughnut chart."
    )
    @argument_rules
    async def quality_distribution(
        self,
        info: Info,
        period: OrDefault[Period] = Period.LAST_30_DAYS,
        range_: Annotated[DateRangeInput | None, strawberry.argument(name="range")] = None,
    ) -> QualityDistribution:
        preset, dates = when(info, period, range_)
        answer = await resolver.distribution(info.context, period=preset, dates=dates)
        return QualityDistribution.from_domain(answer, period)
