"""The job scheduler: it lives and dies with the app, stays off when told, and runs each job in one place."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select
from support import client_for
from test_rollups import NOW, history, ingest, make_user

from learning_analytics import jobs
from learning_analytics.config import RollupSettings, Settings
from learning_analytics.jobs import JobScheduler, ScheduledJob
from learning_analytics.resolvers.runtime import Runtime, open_database
from learning_analytics.storage import tables as t

ROLLUP_JOBS = {"rollups.fold", "rollups.hourly", "rollups.daily", "rollups.weekly", "rollups.monthly"}


class Probe:
    """A job body that records when each run began and ended, and which instance ran it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.runs: list[tuple[str, float, float, str]] = []
        self.started = asyncio.Event()

    def job(self, instance: str) -> ScheduledJob:
        async def body(runtime: Runtime, now: datetime) -> None:
            loop = asyncio.get_running_loop()
            began = loop.time()
            self.started.set()
            try:
                await asyncio.sleep(self.seconds)
            except asyncio.CancelledError:
                self.runs.append((instance, began, loop.time(), "cancelled"))
                raise
            self.runs.append((instance, began, loop.time(), "done"))

        return ScheduledJob("test.probe", IntervalTrigger(seconds=0.05), body, misfire_grace_time=1)


@pytest.fixture
async def second_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    """Another instance of the service on the same database, with its own connections."""
    database = open_database(settings)
    try:
        yield Runtime(settings=settings, db=database)
    finally:
        await database.dispose()


async def test_the_app_starts_the_scheduler_with_its_lifespan_and_stops_it_on_shutdown(
    settings: Settings,
) -> None:
    async with client_for(settings.model_copy(update={"scheduler": True})) as client:
        scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
        assert scheduler.running
        assert set(scheduler.job_ids) == {*ROLLUP_JOBS, "insights.daily", "goals.evaluate"}
        assert (await client.get("/healthz")).status_code == 200

    assert not scheduler.running


async def test_la_scheduler_off_starts_nothing(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LA_SCHEDULER", "off")
    settings = Settings(database_url=database_url)

    async with client_for(settings) as client:
        assert client.app.state.scheduler is None  # type: ignore[attr-defined]


async def test_the_fold_job_keeps_rollups_fresh_within_its_interval(runtime: Runtime) -> None:
    ada = await make_user(runtime, "ada")
    await ingest(runtime, ada, history("a", days=3, end=NOW, seed=7))
    fast = Runtime(
        settings=runtime.settings.model_copy(update={"rollups": RollupSettings(fold_interval_seconds=1)}),
        db=runtime.db,
    )
    dirty = t.DirtyBucketRow.__table__  # type: ignore[attr-defined]

    async def marks() -> int:
        async with runtime.db.read() as conn:
            return int((await conn.execute(select(func.count()).select_from(dirty))).scalar_one())

    assert await marks() > 0
    async with jobs.running(fast, enabled=True):
        for _ in range(50):
            if await marks() == 0:
                break
            await asyncio.sleep(0.1)

    assert await marks() == 0


async def test_two_instances_never_run_the_same_job_at_the_same_time(
    runtime: Runtime, second_runtime: Runtime
) -> None:
    if runtime.db.is_sqlite:
        pytest.skip("the advisory lock that elects one runner is PostgreSQL's")
    probe = Probe(seconds=0.2)
    first = JobScheduler(runtime, [probe.job("first")])
    second = JobScheduler(second_runtime, [probe.job("second")])

    # Called at the same moment, one runs and the other skips.
    assert sorted(await asyncio.gather(first.run("test.probe"), second.run("test.probe"))) == [False, True]

    # Scheduled every 50 ms in both instances for two seconds: the runs never overlap.
    probe.runs.clear()
    first.start()
    second.start()
    await asyncio.sleep(2)
    await first.stop()
    await second.stop()
    runs = sorted(probe.runs, key=lambda r: r[1])
    assert len(runs) >= 5
    for (_, _, ended, _), (_, began, _, _) in itertools.pairwise(runs):
        assert ended <= began


async def test_stopping_lets_a_running_job_finish(runtime: Runtime) -> None:
    probe = Probe(seconds=0.3)
    scheduler = JobScheduler(runtime, [probe.job("only")])
    scheduler.start()
    await asyncio.wait_for(probe.started.wait(), timeout=5)

    await scheduler.stop()

    assert [status for *_, status in probe.runs] == ["done"]
    assert not scheduler.running
