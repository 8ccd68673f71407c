"""`learning-analytics aggregate` through its entry point: it folds or rebuilds and records the run."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from learning_analytics.config import Settings
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput
from learning_analytics.domain.periods import Granularity
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import tables as t
from learning_analytics.storage import users
from learning_analytics.storage.rollups import reads as rollup_reads

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
runs_t = t.AggregationRunRow.__table__  # type: ignore[attr-defined]
dirty_t = t.DirtyBucketRow.__table__  # type: ignore[attr-defined]


def cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LA_DATABASE_URL": settings.database_url, "LA_SCHEDULER": "off", "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", "aggregate", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


async def seed(runtime: Runtime) -> None:
    ada = await users.create_user(runtime.db, user_id="ada", name="Ada", timezone="UTC", now=NOW)
    start = NOW - timedelta(days=2)
    await ingest_batch(
        build_context(runtime, ada, now=NOW),
        EventBatch(
            sessions=(SessionInput(id="s", started_at=start, ended_at=start + timedelta(minutes=25)),),
            exchanges=(ExchangeInput(id="e", session_id="s", occurred_at=start, quality=Quality(0.75)),),
        ),
    )


async def runs(runtime: Runtime) -> list[tuple[str, str | None, str, int]]:
    async with runtime.db.read() as conn:
        rows = await conn.execute(select(runs_t).order_by(runs_t.c.id))
        return [(r.kind, r.user_id, r.status, r.buckets_touched) for r in rows]


async def test_aggregate_folds_the_dirty_buckets_and_records_the_run(
    settings: Settings, runtime: Runtime
) -> None:
    await seed(runtime)

    result = cli(settings)

    assert result.returncode == 0, result.stderr
    assert "fold: 1 dirty hours over 1 days" in result.stdout
    [(kind, user, status, touched)] = await runs(runtime)
    assert (kind, user, status) == ("fold", None, "ok") and touched > 0
    async with runtime.db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(dirty_t))).scalar_one() == 0
    day = (NOW - timedelta(days=2)).date()
    [bucket] = await rollup_reads.buckets(
        runtime.db, user_id="ada", granularity=Granularity.DAY, start=day, end=day
    )
    assert (bucket.sessions, bucket.exchanges, bucket.minutes, bucket.quality.mean) == (1, 1, 25.0, 0.75)


async def test_aggregate_rebuild_of_a_user_and_range_records_a_rebuild(
    settings: Settings, runtime: Runtime
) -> None:
    await seed(runtime)
    day = (NOW - timedelta(days=2)).date()

    result = cli(settings, "--rebuild", "--user", "ada", "--from", str(day), "--to", str(day))

    assert result.returncode == 0, result.stderr
    assert "rebuild:" in result.stdout
    assert [(k, u, s) for k, u, s, _ in await runs(runtime)] == [("rebuild", "ada", "ok")]
    assert await rollup_reads.first_day(runtime.db, user_id="ada") == day


async def test_aggregate_refuses_a_range_without_rebuild_and_an_unknown_user(settings: Settings) -> None:
    without_rebuild = cli(settings, "--from", "2026-03-01")
    unknown = cli(settings, "--rebuild", "--user", "nobody")
    backwards = cli(settings, "--rebuild", "--from", str(date(2026, 3, 2)), "--to", str(date(2026, 3, 1)))

    assert without_rebuild.returncode != 0 and "--rebuild" in without_rebuild.stderr
    assert unknown.returncode != 0 and "nobody" in unknown.stderr
    assert backwards.returncode != 0 and "before" in backwards.stderr
