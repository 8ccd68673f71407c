"""The overview: a period's summary, its change against the previous period, and the streak."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..domain.durations import median_of_middle
from ..domain.periods import DateRange, Granularity, MetricChange, Period, period_change
from ..domain.ranges import Span
from ..domain.rollups import Bucket
from ..domain.streaks import Streak
from ..storage import distributions
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import topics as topic_rollups
from .calendar import answer_meta, span_of
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
    # None when not asked for (`with_median=False`) or when no session of the period has an end.
    median_session_minutes: float | None = None


@dataclass(frozen=True, slots=True)
class OverviewAnswer:
    period: Period | None  # None for an explicit range (`span` holds the days either way)
    span: Span
    summary: Summary
    sessions: MetricChange
    quality: MetricChange
    engagement: MetricChange
    streak: Streak
    meta: AnswerMeta


def _change(current: float | None, previous: float | None) -> MetricChange:
    # An average over a period without data is missing: there is nothing to compare it with.
    return period_change(current if current is not None else 0.0, previous)


async def median_session_minutes(ctx: Context, *, start: date, end: date) -> float | None:
    """The median duration in minutes of the sessions that started on the local days [start, end]
    and have an end (sessions without one have no known duration); None without any."""
    middle = await distributions.middle_session_minutes(ctx.db, user_id=ctx.user.id, start=start, end=end)
    return median_of_middle(middle)


async def summary_of(
    ctx: Context, current: Bucket, streak_days: int, *, start: date, end: date, with_median: bool = True
) -> Summary:
    unique = await topic_rollups.topic_count(ctx.db, user_id=ctx.user.id, start=start, end=end)
    median = await median_session_minutes(ctx, start=start, end=end) if with_median else None
    return Summary(
        total_sessions=current.sessions,
        total_exchanges=current.exchanges,
        avg_quality=current.avg_quality,
        streak_days=streak_days,
        unique_topics=unique,
        total_minutes=current.minutes,
        median_session_minutes=median,
    )


async def overview(
    ctx: Context,
    *,
    period: Period = Period.LAST_30_DAYS,
    dates: DateRange | None = None,
    with_median: bool = True,
) -> OverviewAnswer:
    """Totals of the period — or of the explicit local `dates`, when given — (sessions, exchanges,
    exchange-weighted quality, minutes, topics, median session minutes unless `with_median` is
    False), the change of sessions, quality and engagement (exchanges per session) against the
    previous period of equal length, and the streak."""
    span = await span_of(ctx, dates or period)
    r, before = span.current, span.previous
    uid = ctx.user.id
    current = await rollup_reads.day_totals(ctx.db, user_id=uid, start=r.start, end=r.end)
    previous = (
        Bucket(granularity=Granularity.DAY, day=r.start)
        if before is None
        else await rollup_reads.day_totals(ctx.db, user_id=uid, start=before.start, end=before.end)
    )
    streak = await load_streak(ctx)
    return OverviewAnswer(
        period=span.period,
        span=span,
        summary=await summary_of(
            ctx, current, streak.current, start=r.start, end=r.end, with_median=with_median
        ),
        sessions=period_change(float(current.sessions), float(previous.sessions)),
        quality=_change(current.avg_quality, previous.avg_quality),
        engagement=_change(current.engagement, previous.engagement),
        streak=streak,
        meta=await answer_meta(ctx, span),
    )
