"""The daily insight job regenerates every learner's insights from the rollups, idempotently."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from learning_analytics.jobs.insights import generate_all
from learning_analytics.jobs.scheduler import default_jobs
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import InsightRow, InsightStateRow


async def _count(runtime: Runtime, table: type) -> int:
    async with runtime.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table.__table__))).scalar_one())


async def test_the_daily_job_generates_for_every_user_and_adds_nothing_on_a_rerun(runtime: Runtime) -> None:
    now = datetime.now(UTC)
    await load_demo(runtime, n_users=2, days=60, seed=3, now=now)
    await fold_dirty(runtime.db, now=now)

    first = await generate_all(runtime, now)
    rows = await _count(runtime, InsightRow)
    second = await generate_all(runtime, now)

    assert first == rows > 0
    assert second == 0
    assert await _count(runtime, InsightRow) == rows
    assert await _count(runtime, InsightStateRow) == 2


def test_the_insight_job_runs_daily_at_one_utc(settings) -> None:  # type: ignore[no-untyped-def]
    job = next(j for j in default_jobs(settings) if j.id == "insights.daily")

    assert str(job.trigger) == "cron[hour='1', minute='0']"
