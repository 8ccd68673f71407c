"""Progress over time: bucket series at any granularity, their statistics and chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..domain import progress as domain
from ..domain.charts import ChartData
from ..domain.periods import (
    BucketLimits,
    DateRange,
    Granularity,
    Period,
    bucket_starts,
    choose_granularity,
    latest_buckets,
    previous_range,
)
from ..domain.ranges import Span
from ..domain.rollups import Bucket, merge_buckets
from ..storage.rollups import reads as rollup_reads
from .calendar import answer_meta, span_of, user_tz
from .context import Context
from .meta import AnswerMeta


@dataclass(frozen=True, slots=True)
class ProgressAnswer:
    period: Period | None  # None for an explicit range
    span: Span  # the local days the points cover (the latest buckets when cut to the limit)
    granularity: Granularity
    points: list[domain.ProgressPoint]
    statistics: list[domain.MetricStatistics]
    chart: ChartData
    meta: AnswerMeta


def _period_end(start: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return start + timedelta(days=6)
    nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def bucket_limits(ctx: Context) -> BucketLimits:
    limits = ctx.settings.limits
    return BucketLimits(
        hour=limits.max_hour_buckets,
        day=limits.max_day_buckets,
        week=limits.max_week_buckets,
        month=limits.max_month_buckets,
    )


async def daily_series(ctx: Context, r: DateRange) -> list[Bucket]:
    """One bucket per local day of the range, empty days included (counts 0, averages missing)."""
    stored = {
        b.day: b
        for b in await rollup_reads.buckets(
            ctx.db, user_id=ctx.user.id, granularity=Granularity.DAY, start=r.start, end=r.end
        )
    }
    return [stored.get(day) or Bucket(granularity=Granularity.DAY, day=day) for day in r.dates()]


async def series(ctx: Context, r: DateRange, granularity: Granularity) -> list[Bucket]:
    """Consecutive buckets covering exactly the range: a week or month cut by the range's edges holds
    only the range's days (merged from day rollups), whole ones come from their own rollups."""
    uid = ctx.user.id
    if granularity is Granularity.DAY:
        return await daily_series(ctx, r)
    if granularity is Granularity.HOUR:
        stored_hours = {
            (b.day, b.hour): b
            for b in await rollup_reads.buckets(
                ctx.db, user_id=uid, granularity=Granularity.HOUR, start=r.start, end=r.end
            )
        }
        return [
            stored_hours.get((day, hour)) or Bucket(granularity=Granularity.HOUR, day=day, hour=hour)
            for day in r.dates()
            for hour in range(24)
        ]
    starts = bucket_starts(r, granularity)
    stored = {
        b.day: b
        for b in await rollup_reads.buckets(
            ctx.db, user_id=uid, granularity=granularity, start=r.start, end=r.end
        )
    }
    out: list[Bucket] = []
    for start in starts:
        end = _period_end(start, granularity)
        if start < r.start or end > r.end:
            days = await rollup_reads.buckets(
                ctx.db,
                user_id=uid,
                granularity=Granularity.DAY,
                start=max(start, r.start),
                end=min(end, r.end),
            )
            out.append(merge_buckets(days, granularity=granularity, day=start))
        else:
            out.append(stored.get(start) or Bucket(granularity=granularity, day=start))
    return out


async def progress(
    ctx: Context,
    *,
    period: Period = Period.LAST_30_DAYS,
    dates: DateRange | None = None,
    metrics: Sequence[domain.Metric] = (domain.Metric.SESSIONS, domain.Metric.QUALITY),
    granularity: Granularity | None = None,
) -> ProgressAnswer:
    """Points per bucket for the period (or the explicit local `dates`: one day for the guide's daily
    progress, `ranges.month_range` for a month), statistics per requested metric and a Chart.js chart.

    At most `limits.max_<granularity>_buckets` points: a requested granularity beyond it is refused
    (InvalidInput on `granularity`); an implicit one is made coarser, and past the month limit the
    answer covers the latest months."""
    limits = bucket_limits(ctx)
    span = await span_of(ctx, dates or period)
    r = span.current
    chosen = choose_granularity(r, granularity, limits=limits)
    r = latest_buckets(r, chosen, limits.of(chosen))
    buckets = await series(ctx, r, chosen)
    points = domain.points(buckets, chosen, user_tz(ctx))
    metrics = list(dict.fromkeys(metrics)) or [domain.Metric.SESSIONS, domain.Metric.QUALITY]
    band = ctx.settings.trends.direction_band_percent
    return ProgressAnswer(
        period=span.period,
        span=span if r == span.current else Span(current=r, previous=previous_range(r), period=span.period),
        granularity=chosen,
        points=points,
        statistics=[domain.statistics(buckets, m, band_percent=band) for m in metrics],
        chart=domain.progress_chart(points, metrics),
        meta=await answer_meta(ctx, span),
    )
