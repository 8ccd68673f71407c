"""The caller's learning streak, from the active days in the rollups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from ..domain.streaks import Streak, compute_streak
from ..storage.rollups import reads as rollup_reads
from .calendar import user_today
from .context import Context


async def streak(ctx: Context) -> Streak:
    """Current and longest run of active local days, with the grace period and freezes of the config."""
    days = await rollup_reads.active_days(
        ctx.db, user_id=ctx.user.id, min_minutes=ctx.settings.progress.min_minutes_per_day
    )
    return await streak_of(ctx, days)


async def streak_of(ctx: Context, active_days: Sequence[date]) -> Streak:
    """The streak of the caller's active local days (days with activity and at least
    `min_minutes_per_day` of study, as `rollup_reads.active_days` lists them): the one computation
    the `streak` query, goals and achievements share."""
    progress = ctx.settings.progress
    last = await rollup_reads.last_activity_at(ctx.db, user_id=ctx.user.id)
    return compute_streak(
        active_days,
        today=user_today(ctx),
        now=ctx.now,
        last_activity_at=last,
        grace=timedelta(hours=progress.streak_grace_period_hours),
        freezes_max=progress.streak_freezes_max,
    )
