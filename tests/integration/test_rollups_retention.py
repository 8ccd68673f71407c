"""Retention drops old rollups, and every read still answers as before by falling back below the horizon."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from test_rollups import NOW, history, ingest, make_user, norm

from learning_analytics.config import RollupSettings
from learning_analytics.domain.folds import RetentionResult
from learning_analytics.domain.models import (
    QUALITY_DIMENSIONS,
    EventBatch,
    ExchangeInput,
    Quality,
    SessionInput,
)
from learning_analytics.domain.periods import Granularity, month_start, week_start
from learning_analytics.domain.rollups import Bucket, Moments
from learning_analytics.resolvers import rollups
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import tables as t
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import reads as rollup_reads

rollups_t = t.RollupRow.__table__  # type: ignore[attr-defined]
FIRST, LAST = NOW.date() - timedelta(days=80), NOW.date() + timedelta(days=1)

RETENTION = {
    "seed defaults": RollupSettings(),
    "every granularity short": RollupSettings(
        hourly_retention_days=3, daily_retention_days=10, weekly_retention_days=20, monthly_retention_days=35
    ),
}


async def answers(runtime: Runtime, user_id: str) -> dict[str, Any]:
    """What the read API says about the user, over a range reaching well before every horizon."""
    out: dict[str, Any] = {
        g.value: await rollup_reads.buckets(runtime.db, user_id=user_id, granularity=g, start=FIRST, end=LAST)
        for g in Granularity
    }
    out["totals"] = await rollup_reads.day_totals(runtime.db, user_id=user_id, start=FIRST, end=LAST)
    out["active"] = await rollup_reads.active_days(runtime.db, user_id=user_id)
    out["active 20 min"] = await rollup_reads.active_days(runtime.db, user_id=user_id, min_minutes=20)
    out["first day"] = await rollup_reads.first_day(runtime.db, user_id=user_id)
    return out


async def rows_before(runtime: Runtime, granularity: Granularity, day: date) -> int:
    async with runtime.db.read() as conn:
        stmt = select(func.count()).where(
            rollups_t.c.granularity == granularity.value, rollups_t.c.bucket_day < day
        )
        return int((await conn.execute(stmt)).scalar_one())


async def retain(runtime: Runtime, retention: RollupSettings, *, now: datetime) -> RetentionResult:
    """Retention as the hourly job applies it, under these retention settings."""
    settings = runtime.settings.model_copy(update={"rollups": retention})
    return await rollups.apply_retention(Runtime(settings=settings, db=runtime.db), now=now)


def add_to(buckets: list[Bucket], extra: Bucket) -> list[Bucket]:
    """The buckets with `extra` merged into the one of its (day, hour), created when absent."""
    key = (extra.day, extra.hour)
    found = [b for b in buckets if (b.day, b.hour) == key]
    others = [b for b in buckets if (b.day, b.hour) != key]
    merged = found[0].merge(extra) if found else extra
    return sorted([*others, merged], key=lambda b: (b.day, b.hour))


@pytest.mark.parametrize("retention", RETENTION.values(), ids=RETENTION.keys())
async def test_reads_answer_the_same_after_retention_and_after_a_late_event_in_the_dropped_range(
    runtime: Runtime, retention: RollupSettings
) -> None:
    ada = await make_user(runtime, "ada", "America/New_York")
    await ingest(runtime, ada, history("a", days=70, end=NOW, seed=21))
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    before = await answers(runtime, "ada")

    result = await retain(runtime, retention, now=NOW)

    hour_horizon = NOW.date() - timedelta(days=retention.hourly_retention_days)
    assert result.kept_from[Granularity.HOUR] == hour_horizon
    assert result.deleted > 0
    assert await rows_before(runtime, Granularity.HOUR, hour_horizon) == 0
    assert norm(await answers(runtime, "ada")) == norm(before)

    # A late session with one exchange, 30 days back: below the hourly (and maybe daily) horizon.
    late = NOW - timedelta(days=30, hours=5)
    session = SessionInput(id="late", started_at=late, ended_at=late + timedelta(minutes=10))
    exchange = ExchangeInput(id="late-e", session_id="late", occurred_at=late, quality=Quality(0.5))
    await ingest(runtime, ada, [EventBatch(sessions=(session,), exchanges=(exchange,))])
    await rollup_fold.fold_dirty(runtime.db, now=NOW)

    after = await answers(runtime, "ada")
    local = late.astimezone(ZoneInfo(ada.timezone))
    day = local.date()
    event = Bucket(
        granularity=Granularity.HOUR,
        day=day,
        hour=local.hour,
        sessions=1,
        exchanges=1,
        minutes=10.0,
        quality=Moments(n=1, total=0.5, sumsq=0.25, min=0.5, max=0.5),
        dimensions={d: Moments() for d in QUALITY_DIMENSIONS},
        last_event_at=late,
    )
    starts = {Granularity.HOUR: day, Granularity.DAY: day, Granularity.WEEK: week_start(day)}
    starts[Granularity.MONTH] = month_start(day)
    for g, start in starts.items():
        extra = replace(event, granularity=g, day=start, hour=event.hour if g is Granularity.HOUR else 0)
        assert norm(after[g.value]) == norm(add_to(before[g.value], extra)), g
    assert norm(after["totals"]) == norm(before["totals"].merge(event, granularity=Granularity.DAY))
    assert after["active"] == sorted({*before["active"], day})
    # Hours below the horizon are not recreated by the fold: reads never use them.
    assert await rows_before(runtime, Granularity.HOUR, hour_horizon) == 0


async def test_a_horizon_only_moves_forward(runtime: Runtime) -> None:
    settings = RollupSettings(hourly_retention_days=7)
    first = await retain(runtime, settings, now=NOW)

    again = await retain(runtime, settings, now=NOW - timedelta(days=5))

    assert again.kept_from[Granularity.HOUR] == first.kept_from[Granularity.HOUR]
    assert Granularity.DAY not in again.kept_from  # daily rollups are kept by default


async def test_horizons_cut_weeks_and_months_at_their_first_day(runtime: Runtime) -> None:
    now = datetime(2026, 3, 20, 12, tzinfo=NOW.tzinfo)
    settings = RollupSettings(weekly_retention_days=10, monthly_retention_days=40)

    result = await retain(runtime, settings, now=now)

    assert result.kept_from[Granularity.WEEK] == date(2026, 3, 9)  # the Monday of Mar 10
    assert result.kept_from[Granularity.MONTH] == date(2026, 2, 1)  # the month of Feb 8
