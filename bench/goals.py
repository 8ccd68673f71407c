"""Goal and achievement evaluation: one learner with a year of history (target < 50 ms), and 1,000
learners in one pass on SQLite (target < 30 s), with the statements each issues.

One learner: the demo history of one learner over 365 days (about 7,000 exchanges), folded, with the
six default goals and four more (a weekly topic goal, a monthly one, a quality goal, a 30-day streak).
It times `evaluate_learner` — every read, the goal and achievement evaluation, and the writes of
whatever changed — `--repeat` times (the clock one minute later each time), and, side by side, the
same SELECT statements the evaluation issued, replayed straight on one connection without anything
else: the ratio says how much of the time is the reads themselves.

1,000 learners: each with 60 days of sessions reported as summaries (one session a day on most days,
its exchanges counted and averaged, one of four topics), folded; then, from no goal state at all,
two passes of `evaluate_learners` over everyone: the first creates the default goals, evaluates
them and unlocks achievements (writing all of it), the second finds nothing to change. The
statements of each pass are counted.

    .venv/bin/python bench/goals.py                                       # SQLite files under bench/.data
    .venv/bin/python bench/goals.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench_goals
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, event, func, select

from learning_analytics.config import Settings
from learning_analytics.domain.goals import GoalDraft, GoalFrequency, GoalType
from learning_analytics.domain.models import EventBatch, SessionInput
from learning_analytics.resolvers import evaluation, goals
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime, open_runtime
from learning_analytics.storage import users
from learning_analytics.storage.rollups.fold import fold_dirty
from learning_analytics.storage.tables import (
    goal_progress_t,
    goal_state_t,
    goals_t,
    insights_t,
    unlocks_t,
    users_t,
)

HERE = Path(__file__).parent
NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
TOPICS = ("python", "sql", "statistics", "french")


class Statements:
    """The statements sent while active, with their parameters."""

    def __init__(self, runtime: Runtime) -> None:
        self.seen: list[tuple[str, Any]] = []
        self.active = False
        self._engines = {runtime.db.reader.sync_engine, runtime.db.writer.sync_engine}

    def __call__(self, conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if self.active:
            self.seen.append((statement, parameters))

    def __enter__(self) -> Statements:
        for engine in self._engines:
            event.listen(engine, "before_cursor_execute", self)
        self.active = True
        return self

    def __exit__(self, *exc: object) -> None:
        self.active = False
        for engine in self._engines:
            event.remove(engine, "before_cursor_execute", self)

    def selects(self) -> list[tuple[str, Any]]:
        return [(s, p) for s, p in self.seen if s.lstrip().upper().startswith("SELECT")]


async def count_users(runtime: Runtime) -> int:
    async with runtime.db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(users_t)) or 0)


# ---- one learner, a year of history


EXTRA_GOALS = (
    GoalDraft(title="Python twice a week", goal_type=GoalType.TOPIC, target_value=2, topic="python",
              frequency=GoalFrequency.WEEKLY),
    GoalDraft(title="Twenty sessions a month", goal_type=GoalType.SESSIONS, target_value=20,
              frequency=GoalFrequency.MONTHLY),
    GoalDraft(title="Quality above 85%", goal_type=GoalType.QUALITY, target_value=0.85,
              frequency=GoalFrequency.WEEKLY),
    GoalDraft(title="A 30-day streak", goal_type=GoalType.STREAK, target_value=30),
)  # fmt: skip


async def replay(runtime: Runtime, selects: list[tuple[str, Any]]) -> float:
    """Run the statements on one read connection, fetching every row; seconds taken."""
    async with runtime.db.read() as conn:
        started = time.perf_counter()
        for statement, parameters in selects:
            (await conn.exec_driver_sql(statement, parameters)).all()
        return time.perf_counter() - started


async def one_learner(settings: Settings, *, repeat: int) -> None:
    async with open_runtime(settings) as runtime:
        if not await count_users(runtime):
            started = time.perf_counter()
            loaded = await load_demo(runtime, n_users=1, days=365, seed=7, now=NOW)
            await fold_dirty(runtime.db, now=NOW)
            print(
                f"loaded 1 learner x 365 days: {loaded.exchanges:,} exchanges in {time.perf_counter() - started:.1f} s"
            )
        (user,) = await users.list_users(runtime.db)
        ctx = build_context(runtime, user, now=NOW)
        if len(await goals.list_goals(ctx)) < 10:
            for draft in EXTRA_GOALS:
                await goals.create(ctx, draft)
        first = time.perf_counter()
        await evaluation.evaluate_learner(build_context(runtime, user, now=NOW))
        print(f"first evaluation (writes the state it finds): {(time.perf_counter() - first) * 1000:.1f} ms")

        timings, raw = [], []
        for i in range(repeat):
            at = NOW + timedelta(minutes=i + 1)
            with Statements(runtime) as seen:
                started = time.perf_counter()
                await evaluation.evaluate_learner(build_context(runtime, user, now=at))
                timings.append(time.perf_counter() - started)
            raw.append(await replay(runtime, seen.selects()))
        goals_count = len(await goals.list_goals(ctx))
        p50, p50_raw = statistics.median(timings) * 1000, statistics.median(raw) * 1000
        print(
            f"one learner, 365 days, {goals_count} goals, 43 achievements: evaluation p50 {p50:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms (target < 50 ms); {len(seen.seen)} statements, "
            f"{len(seen.selects())} of them SELECTs; the SELECTs replayed alone p50 {p50_raw:.1f} ms: "
            f"evaluation / raw reads = {p50 / p50_raw:.1f}x"
        )


# ---- 1,000 learners


def summaries(learner: int, days: int) -> EventBatch:
    """One summary session a day on most days (a learner-dependent gap pattern) over `days` days."""
    sessions = []
    for d in range(days):
        if (d * 7 + learner) % 5 == 0:  # one day in five is missed
            continue
        start = NOW - timedelta(days=d, hours=3 + learner % 6)
        sessions.append(
            SessionInput(
                id=f"u{learner}-d{d}",
                started_at=start,
                ended_at=start + timedelta(minutes=20 + (learner + d) % 40),
                topics=(TOPICS[(learner + d) % len(TOPICS)],),
                total_exchanges=5 + (learner + d) % 15,
                avg_quality_score=0.6 + ((learner * 3 + d) % 35) / 100,
            )
        )
    return EventBatch(sessions=tuple(sessions))


async def many_learners(settings: Settings, *, n_users: int, days: int) -> None:
    async with open_runtime(settings) as runtime:
        if await count_users(runtime) < n_users:
            started = time.perf_counter()
            for i in range(n_users):
                user = await users.create_user(
                    runtime.db, user_id=f"learner-{i:04d}", name=f"Learner {i}", timezone="UTC", now=NOW
                )
                await ingest_batch(build_context(runtime, user, now=NOW), summaries(i, days))
            await fold_dirty(runtime.db, now=NOW)
            print(
                f"loaded {n_users} learners x {days} days of summaries in {time.perf_counter() - started:.1f} s"
            )
        async with runtime.db.write() as conn:  # every pass of a rerun starts from the same state
            for table in (goal_progress_t, goals_t, goal_state_t, unlocks_t, insights_t):
                await conn.execute(delete(table))
        for label, at in (("first pass", NOW), ("second pass", NOW + timedelta(minutes=5))):
            with Statements(runtime) as seen:
                started = time.perf_counter()
                run = await evaluation.evaluate_learners(runtime, now=at)
                elapsed = time.perf_counter() - started
            print(
                f"{len(run.learners)} learners, {label}: {elapsed:.1f} s (target < 30 s), "
                f"{len(seen.seen):,} statements ({len(seen.seen) / max(1, len(run.learners)):.1f} per learner); "
                f"{run.goals_updated} goals updated, {run.goals_completed} completed, "
                f"{run.milestones_reached} milestones, {run.unlocked} achievements unlocked, "
                f"{len(run.failed)} failed"
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: SQLite files under bench/.data (reused)")
    parser.add_argument("--users", type=int, default=1000, help="learners of the one-pass run (default 1000)")
    parser.add_argument(
        "--days", type=int, default=60, help="days of the one-pass run's history (default 60)"
    )
    parser.add_argument("--repeat", type=int, default=50, help="evaluations of the one learner (default 50)")
    args = parser.parse_args()
    data = HERE / ".data"
    data.mkdir(exist_ok=True)
    one_url = args.database_url or f"sqlite+aiosqlite:///{data / 'goals-1x365.db'}"
    many_url = args.database_url or f"sqlite+aiosqlite:///{data / f'goals-{args.users}x{args.days}.db'}"
    print(f"database: {one_url.split('@')[-1]}", file=sys.stderr)
    asyncio.run(one_learner(Settings(database_url=one_url, scheduler=False), repeat=args.repeat))
    if args.database_url is None:
        print(f"database: {many_url.split('@')[-1]}", file=sys.stderr)
        asyncio.run(
            many_learners(
                Settings(database_url=many_url, scheduler=False), n_users=args.users, days=args.days
            )
        )


if __name__ == "__main__":
    main()
