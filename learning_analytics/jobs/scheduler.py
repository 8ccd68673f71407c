"""APScheduler wiring: the seed's schedule, started and stopped with the app, one runner per job across replicas."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..config import Settings
from ..resolvers.runtime import Runtime
from . import fold, goals, insights

log = logging.getLogger(__name__)

JobBody = Callable[[Runtime, datetime], Awaitable[object]]
STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    """A job: its id (also the name of the lock that keeps it to one process), when, and what it does.

    `misfire_grace_time` is how late (in seconds) a run may still start after a missed time, e.g.
    after the process was paused; later than that the run is skipped until the next time.
    """

    id: str
    trigger: BaseTrigger
    run: JobBody
    misfire_grace_time: int


def rollup_jobs(settings: Settings) -> list[ScheduledJob]:
    """The seed's aggregation schedule (UTC), plus the short interval that keeps answers fresh."""
    interval = settings.rollups.fold_interval_seconds
    return [
        ScheduledJob("rollups.fold", IntervalTrigger(seconds=interval, timezone=UTC), fold.fold, interval),
        ScheduledJob("rollups.hourly", CronTrigger(minute=5, timezone=UTC), fold.hourly, 15 * 60),
        ScheduledJob("rollups.daily", CronTrigger(hour=0, minute=15, timezone=UTC), fold.period_close, 3600),
        ScheduledJob(
            "rollups.weekly",
            CronTrigger(day_of_week="mon", hour=1, minute=0, timezone=UTC),
            fold.period_close,
            6 * 3600,
        ),
        ScheduledJob(
            "rollups.monthly",
            CronTrigger(day=1, hour=2, minute=0, timezone=UTC),
            fold.period_close,
            12 * 3600,
        ),
    ]


def default_jobs(settings: Settings) -> list[ScheduledJob]:
    """Every scheduled job of the service.

    Rollups, insight generation at 01:00 UTC, and goal and achievement evaluation every
    `goals.evaluation_interval_seconds` (the fold job also evaluates the learners it moved).
    """
    return [
        *rollup_jobs(settings),
        ScheduledJob(
            "insights.daily", CronTrigger(hour=1, minute=0, timezone=UTC), insights.generate_all, 3600
        ),
        ScheduledJob(
            "goals.evaluate",
            IntervalTrigger(seconds=settings.goals.evaluation_interval_seconds, timezone=UTC),
            goals.evaluate_all,
            settings.goals.evaluation_interval_seconds,
        ),
    ]


class JobScheduler:
    """An AsyncIOScheduler running `jobs` for one `Runtime`: each run holds its job's lock, so
    however many processes schedule a job, one of them runs it at a time (the others skip)."""

    def __init__(self, runtime: Runtime, jobs: Sequence[ScheduledJob]) -> None:
        self._runtime = runtime
        self._jobs = {job.id: job for job in jobs}
        self._scheduler = AsyncIOScheduler(timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1})
        self._in_flight: set[asyncio.Task[object]] = set()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    @property
    def job_ids(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()]

    def start(self) -> None:
        """Register the jobs and start the scheduler on the running event loop."""
        for job in self._jobs.values():
            self._scheduler.add_job(
                self.run,
                trigger=job.trigger,
                args=[job.id],
                id=job.id,
                name=job.id,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=job.misfire_grace_time,
                replace_existing=True,
            )
        self._scheduler.start()
        log.info("scheduler started: %s", ", ".join(self._jobs))

    async def run(self, job_id: str) -> bool:
        """Run one job now, under its lock: False (and nothing done) when another process holds it."""
        job = self._jobs[job_id]
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            async with self._runtime.lock(job.id) as acquired:
                if not acquired:
                    log.debug("job %s is running in another process; skipped", job.id)
                    return False
                await job.run(self._runtime, datetime.now(UTC))
                return True
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def stop(self, *, grace_seconds: float = STOP_TIMEOUT_SECONDS) -> None:
        """Stop scheduling, let running jobs finish (up to `grace_seconds`, then cancel them)."""
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        pending = [t for t in self._in_flight if not t.done() and t is not asyncio.current_task()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=grace_seconds)
            if late:
                log.warning("cancelling %d job(s) still running after %.0f s", len(late), grace_seconds)
        # Cancels whatever still runs; AsyncIOScheduler performs the shutdown on the loop's next turn.
        self._scheduler.shutdown(wait=False)
        await asyncio.sleep(0)
        log.info("scheduler stopped")


@asynccontextmanager
async def running(
    runtime: Runtime, *, jobs: Sequence[ScheduledJob] | None = None, enabled: bool | None = None
) -> AsyncIterator[JobScheduler | None]:
    """Run the scheduled jobs for the duration of the block, when `settings.scheduler` is on (or
    `enabled` says so); yields the scheduler, or None when scheduling is off (`LA_SCHEDULER=off`)."""
    if not (runtime.settings.scheduler if enabled is None else enabled):
        yield None
        return
    scheduler = JobScheduler(runtime, default_jobs(runtime.settings) if jobs is None else jobs)
    scheduler.start()
    try:
        yield scheduler
    finally:
        await scheduler.stop()
