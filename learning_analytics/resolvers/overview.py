"""The overview: a period's summary, its change against the previous period, and the streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.periods import Granularity, MetricChange, Period, period_change, previous_range
from ..domain.rollups import Bucket
from ..domain.streaks import Streak
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from .calendar import answer_meta, period_range
from .context import Context
from .meta import AnswerMeta
from .streaks import streak as load_streak


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
    length, and the streak."""
    r = await period_range(ctx, period)
    before = previous_range(r)
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
