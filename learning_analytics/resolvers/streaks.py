"""The caller's learning streak, from the active days in the rollups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from ..domain.streaks import Streak, compute_streak
from ..storage.rollups import reads as rollup_reads
from .calendar import user_today
from .context import Context


async def streak(ctx: Context) -> Streak:
    """Current and longest run of active local days, with the grace period and freezes of the config."""
    progress = ctx.settings.progress
    days = await rollup_reads.active_days(
        ctx.db, user_id=ctx.user.id, min_minutes=progress.min_minutes_per_day
    )
    last = await rollup_reads.last_activity_at(ctx.db, user_id=ctx.user.id)
    return streak_of(ctx, days, last)


def streak_of(ctx: Context, days: Sequence[date], last: datetime | None) -> Streak:
    """The streak of the caller's active days (read with the config's `min_minutes_per_day`)."""
    progress = ctx.settings.progress
    return compute_streak(
        days,
        today=user_today(ctx),
        now=ctx.now,
        last_activity_at=last,
        grace=timedelta(hours=progress.streak_grace_period_hours),
        freezes_max=progress.streak_freezes_max,
    )
