"""The overview: a period's summary, its change against the previous period, and the streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.periods import DateRange, Granularity, MetricChange, Period, period_change, previous_range
from ..domain.rollups import Bucket
from ..domain.streaks import Streak
from ..storage.rollups import overview as overview_reads
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from .calendar import answer_meta, meta_of, period_range
from .context import Context
from .meta import AnswerMeta
from .streaks import streak as load_streak
from .streaks import streak_from


@dataclass(frozen=True, slots=True)
class Summary:
    total_sessions: int
    total_exchanges: int
    avg_quality: float | None
    streak_days: int
    unique_topics: int
    total_minutes: float


@dataclass(frozen=True, slots=True)
class OverviewAnswer:
    period: Period
    summary: Summary
    sessions: MetricChange
    quality: MetricChange
    engagement: MetricChange
    streak: Streak
    meta: AnswerMeta


def _change(current: float | None, previous: float | None) -> MetricChange:
    # An average over a period without data is missing: there is nothing to compare it with.
    return period_change(current if current is not None else 0.0, previous)


async def summary_of(ctx: Context, current: Bucket, streak_days: int, *, start: date, end: date) -> Summary:
    unique = await topic_rollups.topic_count(ctx.db, user_id=ctx.user.id, start=start, end=end)
    return Summary(
        total_sessions=current.sessions,
        total_exchanges=current.exchanges,
        avg_quality=current.avg_quality,
        streak_days=streak_days,
        unique_topics=unique,
        total_minutes=current.minutes,
    )


async def overview(ctx: Context, *, period: Period) -> OverviewAnswer:
    """Totals of the period (sessions, exchanges, exchange-weighted quality, minutes, topics), the change
    of sessions, quality and engagement (exchanges per session) against the previous period of equal
    length, and the streak.

    One statement reads it all (two for ALL_TIME, whose start is read first) while every day rollup
    is stored; with a retention horizon for days, the reads go piece by piece, below it from raw rows."""
    r = await period_range(ctx, period)
    before = previous_range(r)
    if await overview_reads.fits(ctx.db):
        read = await overview_reads.overview_read(
            ctx.db,
            user_id=ctx.user.id,
            current=(r.start, r.end),
            previous=None if before is None else (before.start, before.end),
            min_minutes=ctx.settings.progress.min_minutes_per_day,
        )
        streak = streak_from(ctx, read.active_days, read.last_activity)
        return _answer(
            period,
            read.current,
            read.previous if before is not None else Bucket(granularity=Granularity.DAY, day=r.start),
            streak,
            read.unique_topics,
            meta_of(ctx, period, fold=read.fold, data_through=read.data_through),
        )
    return await _overview_piecewise(ctx, period, r, before)


def _answer(
    period: Period, current: Bucket, previous: Bucket, streak: Streak, unique_topics: int, meta: AnswerMeta
) -> OverviewAnswer:
    return OverviewAnswer(
        period=period,
        summary=Summary(
            total_sessions=current.sessions,
            total_exchanges=current.exchanges,
            avg_quality=current.avg_quality,
            streak_days=streak.current,
            unique_topics=unique_topics,
            total_minutes=current.minutes,
        ),
        sessions=period_change(float(current.sessions), float(previous.sessions)),
        quality=_change(current.avg_quality, previous.avg_quality),
        engagement=_change(current.engagement, previous.engagement),
        streak=streak,
        meta=meta,
    )


async def _overview_piecewise(
    ctx: Context, period: Period, r: DateRange, before: DateRange | None
) -> OverviewAnswer:
    uid = ctx.user.id
    current = await rollup_reads.day_totals(ctx.db, user_id=uid, start=r.start, end=r.end)
    previous = (
        Bucket(granularity=Granularity.DAY, day=r.start)
        if before is None
        else await rollup_reads.day_totals(ctx.db, user_id=uid, start=before.start, end=before.end)
    )
    streak = await load_streak(ctx)
    return OverviewAnswer(
        period=period,
        summary=await summary_of(ctx, current, streak.current, start=r.start, end=r.end),
        sessions=period_change(float(current.sessions), float(previous.sessions)),
        quality=_change(current.avg_quality, previous.avg_quality),
        engagement=_change(current.engagement, previous.engagement),
        streak=streak,
        meta=await answer_meta(ctx, period),
    )
