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
    days = await rollup_reads.active_days(
        ctx.db, user_id=ctx.user.id, min_minutes=ctx.settings.progress.min_minutes_per_day
    )
    return streak_from(ctx, days, await rollup_reads.last_activity_at(ctx.db, user_id=ctx.user.id))


def streak_from(ctx: Context, active_days: Sequence[date], last_activity_at: datetime | None) -> Streak:
    """`compute_streak` of the caller's active local days (activity and at least `min_minutes_per_day`
    of study, as `rollup_reads.active_days` lists them) and last activity, with their today, the
    clock, and the grace period and freezes of the settings: the one computation behind the `streak`
    query, STREAK goals and streak achievements."""
    progress = ctx.settings.progress
    return compute_streak(
        active_days,
        today=user_today(ctx),
        now=ctx.now,
        last_activity_at=last_activity_at,
        grace=timedelta(hours=progress.streak_grace_period_hours),
        freezes_max=progress.streak_freezes_max,
    )
