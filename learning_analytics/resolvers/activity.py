"""When the learner studies: the activity heatmaps of a period (weeks × weekdays, weekday × hour)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.heatmap import HourGrid, WeekGrid, hour_grid, week_grid
from ..domain.periods import DateRange, Granularity, Period
from ..domain.ranges import Span, limit_days
from ..domain.rollups import Bucket
from ..storage.rollups import activity as activity_reads
from .calendar import answer_meta, span_of
from .context import Context
from .meta import AnswerMeta


@dataclass(frozen=True, slots=True)
class HeatmapAnswer:
    period: Period | None  # None for an explicit range
    span: Span
    weeks: WeekGrid
    hours: HourGrid
    meta: AnswerMeta


def _grids(span: Span, days: Sequence[Bucket], hours: Sequence[Bucket]) -> tuple[WeekGrid, HourGrid]:
    return week_grid(days, span.current), hour_grid(hours, span.current)


async def heatmap(
    ctx: Context, *, period: Period = Period.LAST_90_DAYS, dates: DateRange | None = None
) -> HeatmapAnswer:
    """Sessions, exchanges and minutes per local day as ISO weeks × weekdays, and per weekday × local
    hour of day (sessions and minutes in the hour the session started), over the period or the local
    `dates`: at most `limits.max_heatmap_days` days (ALL_TIME covers the latest ones, a longer range
    is refused on `range`).

    Hours come from the hourly rollups while they are kept (`rollups.hourly_retention_days`) and,
    before that, from the raw rows' stored local hour, grouped in SQL: at most 24 rows per day of
    the range, three counts each. The grids are built in a worker thread."""
    span = limit_days(await span_of(ctx, dates or period), ctx.settings.limits.max_heatmap_days)
    uid = ctx.user.id
    days = await activity_reads.activity_cells(
        ctx.db, user_id=uid, granularity=Granularity.DAY, start=span.start, end=span.end
    )
    hours = await activity_reads.activity_cells(
        ctx.db, user_id=uid, granularity=Granularity.HOUR, start=span.start, end=span.end
    )
    weeks, by_hour = await asyncio.to_thread(_grids, span, days, hours)
    return HeatmapAnswer(
        period=span.period, span=span, weeks=weeks, hours=by_hour, meta=await answer_meta(ctx, span)
    )
