"""Rollup upkeep, as the scheduled jobs and the CLI run it: folds, rebuilds, retention, fold health."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ..domain.errors import NotFound
from ..domain.folds import FoldHealth, FoldResult, RetentionResult
from ..domain.periods import Granularity
from ..storage import users
from ..storage.rollups import fold as folds
from ..storage.rollups import retention, runs
from .cache import users_changed
from .runtime import Runtime


async def fold(runtime: Runtime, *, now: datetime, record_idle: bool = False) -> FoldResult:
    """Fold every dirty hour into the rollups (a no-op, recording no run unless `record_idle`, when
    none is dirty); a learner whose fold fails is listed in `failed`, with their marks kept."""
    result = await folds.fold_dirty(runtime.db, now=now, record_idle=record_idle)
    await users_changed(runtime, result.learners)
    return result


async def rebuild(
    runtime: Runtime,
    *,
    now: datetime,
    user_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FoldResult:
    """Recompute from raw rows every bucket of the local days in [start, end] (default: all), for one
    user (NotFound if there is no such user) or everyone; `progress` gets (days done, days in all)."""
    if user_id is not None and await users.get_user(runtime.db, user_id=user_id) is None:
        raise NotFound(f"no user {user_id!r}", id=user_id)
    result = await folds.rebuild(
        runtime.db, now=now, user_id=user_id, start=start, end=end, progress=progress
    )
    await users_changed(runtime, result.learners)
    return result


async def apply_retention(runtime: Runtime, *, now: datetime) -> RetentionResult:
    """Drop the rollups past each granularity's retention (`LA_ROLLUPS__*_RETENTION_DAYS`)."""
    kept = runtime.settings.rollups
    return await retention.apply_retention(
        runtime.db,
        now=now,
        retention_days={
            Granularity.HOUR: kept.hourly_retention_days,
            Granularity.DAY: kept.daily_retention_days,
            Granularity.WEEK: kept.weekly_retention_days,
            Granularity.MONTH: kept.monthly_retention_days,
        },
    )


async def close_abandoned(runtime: Runtime, *, now: datetime) -> list[int]:
    """Close the aggregation runs a stopped process left `running`; returns their ids."""
    return await runs.close_abandoned(runtime.db, now=now)


async def fold_health(runtime: Runtime) -> FoldHealth:
    """The oldest unfolded mark of any learner, and how many learners' last fold failed."""
    return await runs.fold_health(runtime.db)
