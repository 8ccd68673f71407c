"""The caller's calendar: their local today, and the local days a preset period or an explicit range
covers (`span_of`, used by every analytics answer)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..domain.errors import InvalidInput
from ..domain.periods import DateRange, Period, resolve_period
from ..domain.ranges import RANGE_FIELD, Span, choose_range, explicit_range, resolve_span
from ..domain.rollups import is_stale
from ..storage.rollups import reads as rollup_reads
from ..storage.rollups import runs as rollup_runs
from .context import Context
from .meta import AnswerMeta


def user_tz(ctx: Context) -> ZoneInfo:
    return ZoneInfo(ctx.user.timezone)


def user_today(ctx: Context) -> date:
    """Today on the caller's local calendar (their timezone now)."""
    return ctx.now.astimezone(user_tz(ctx)).date()


async def period_range(ctx: Context, period: Period) -> DateRange:
    """The local days of `period`; ALL_TIME starts at the caller's first day with data."""
    first = await rollup_reads.first_day(ctx.db, user_id=ctx.user.id) if period is Period.ALL_TIME else None
    return resolve_period(period, today=user_today(ctx), first_day=first)


def requested(
    ctx: Context,
    *,
    period: Period | None,
    start: date | None = None,
    end: date | None = None,
    default: Period = Period.LAST_30_DAYS,
) -> Period | DateRange:
    """What an analytics request asks to cover, checked: the explicit range [start, end] (both or
    neither; at most `limits.max_range_days` days, start not after end), else the preset `period`
    the caller gave, else `default`. Giving both a period and a range is refused. Every error is an
    InvalidInput naming `range`."""
    if (start is None) != (end is None):
        raise InvalidInput("a range needs both start and end", field=RANGE_FIELD, code="invalid_range")
    dates = None
    if start is not None and end is not None:
        dates = explicit_range(start, end, max_days=ctx.settings.limits.max_range_days)
    return choose_range(period, dates, default=default)


async def span_of(ctx: Context, when: Period | DateRange) -> Span:
    """The local days `when` covers and the previous days of equal length (`ranges.resolve_span`);
    ALL_TIME starts at the caller's first day with data."""
    first = await rollup_reads.first_day(ctx.db, user_id=ctx.user.id) if when is Period.ALL_TIME else None
    return resolve_span(when, today=user_today(ctx), first_day=first)


async def answer_meta(ctx: Context, period: Period | Span | None) -> AnswerMeta:
    """`meta` for an answer computed now from the rollups: `dataThrough` = newest event folded; `stale`
    when the caller has events unfolded for longer than the fold interval, or their last fold failed."""
    fold = await rollup_runs.learner_fold_state(ctx.db, user_id=ctx.user.id)
    return AnswerMeta(
        period=period.label if isinstance(period, Span) else period.rest_name if period else None,
        generated_at=ctx.now,
        cached=False,
        data_through=await rollup_reads.data_through(ctx.db, user_id=ctx.user.id),
        stale=is_stale(
            oldest_mark=fold.oldest_mark,
            last_failure=fold.last_failure,
            now=ctx.now,
            fold_interval=timedelta(seconds=ctx.settings.rollups.fold_interval_seconds),
        ),
    )
