"""Quality beyond its mean: the five dimensions against the previous period (a radar), and how the
composite scores of a period spread over bins (a doughnut)."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.periods import DateRange, Granularity, Period
from ..domain.quality_dimensions import QualityRadar, quality_radar
from ..domain.quality_distribution import QualityDistribution, quality_distribution
from ..domain.ranges import Span
from ..domain.rollups import Bucket
from ..storage import distributions
from ..storage.rollups import reads as rollup_reads
from .calendar import answer_meta, span_of
from .context import Context
from .meta import AnswerMeta


@dataclass(frozen=True, slots=True)
class RadarAnswer:
    period: Period | None  # None for an explicit range
    span: Span
    radar: QualityRadar
    meta: AnswerMeta


@dataclass(frozen=True, slots=True)
class DistributionAnswer:
    period: Period | None
    span: Span
    distribution: QualityDistribution
    meta: AnswerMeta


async def radar(
    ctx: Context, *, period: Period = Period.LAST_30_DAYS, dates: DateRange | None = None
) -> RadarAnswer:
    """Mean relevance, helpfulness, engagement, clarity and accuracy over the exchanges of the period
    (or the local `dates`) scored on each, against the previous period of equal length, as a radar chart.
    Two reads of the day rollups, each merged in SQL."""
    span = await span_of(ctx, dates or period)
    uid = ctx.user.id
    current = await rollup_reads.day_totals(ctx.db, user_id=uid, start=span.start, end=span.end)
    before = span.previous
    previous = (
        Bucket(granularity=Granularity.DAY, day=span.start)
        if before is None
        else await rollup_reads.day_totals(ctx.db, user_id=uid, start=before.start, end=before.end)
    )
    return RadarAnswer(
        period=span.period,
        span=span,
        radar=quality_radar(current, previous),
        meta=await answer_meta(ctx, span),
    )


async def distribution(
    ctx: Context, *, period: Period = Period.LAST_30_DAYS, dates: DateRange | None = None
) -> DistributionAnswer:
    """The period's scored exchanges (summary sessions counted at their average) per composite quality
    bin — [0, 0.2), [0.2, 0.4), … [0.8, 1] — with shares, as a doughnut chart. One aggregate read of
    the raw exchanges and sessions of the period (rollups keep moments, not histograms)."""
    span = await span_of(ctx, dates or period)
    counts = await distributions.quality_histogram(
        ctx.db, user_id=ctx.user.id, start=span.start, end=span.end
    )
    return DistributionAnswer(
        period=span.period,
        span=span,
        distribution=quality_distribution(counts),
        meta=await answer_meta(ctx, span),
    )
