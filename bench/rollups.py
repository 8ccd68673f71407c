"""Rollup timings on a large history: folding 1,000 newly ingested exchanges (target < 1 s), a full rebuild (< 60 s).

Loads the demo history of `--users` learners over `--days` days through the ingestion path (50 x 365 is
about 380,000 exchanges, 130 x 365 about 1,000,000), folds that backlog, then, `--repeat` times, ingests
1,000 new exchanges spread over the learners (today's and late ones, days back) and times their fold;
finally times a full rebuild from the raw rows. The database is reused when it already holds the history.

    .venv/bin/python bench/rollups.py                                   # SQLite, bench/.data/rollups-50x365.db
    .venv/bin/python bench/rollups.py --users 130                       # about 1,000,000 exchanges
    .venv/bin/python bench/rollups.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from learning_analytics.config import Settings
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput, User
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime, open_runtime
from learning_analytics.storage import users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.tables import ExchangeRow, RollupRow

HERE = Path(__file__).parent
NEW_EXCHANGES = 1_000
TOPICS = ("python", "sql", "statistics", "french")


async def count(runtime: Runtime, table: object) -> int:
    async with runtime.db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())  # type: ignore[arg-type]


async def ensure_history(runtime: Runtime, *, n_users: int, days: int) -> None:
    exchanges = ExchangeRow.__table__  # type: ignore[attr-defined]
    if await count(runtime, exchanges):
        print(f"reusing the stored history: {await count(runtime, exchanges):,} exchanges")
        return
    started = time.perf_counter()
    loaded = await load_demo(runtime, n_users=n_users, days=days, seed=42, now=datetime.now(UTC))
    print(
        f"loaded {loaded.users} learners x {days} days: {loaded.exchanges:,} exchanges, "
        f"{loaded.sessions:,} sessions, {loaded.feedback:,} feedback in {time.perf_counter() - started:.1f} s"
    )


def new_batches(learners: list[User], *, run: int, now: datetime) -> list[tuple[User, EventBatch]]:
    """1,000 exchanges over the learners: one session each, today or up to 40 days late (new ids each call)."""
    per_user = max(1, NEW_EXCHANGES // len(learners))
    out: list[tuple[User, EventBatch]] = []
    left = NEW_EXCHANGES
    for i, learner in enumerate(learners):
        n = min(per_user if i < len(learners) - 1 else left, left)
        if n <= 0:
            break
        left -= n
        # Ends an hour or more before `now` however many exchanges it holds (a few learners: long sessions).
        started = now - timedelta(days=(i * 7 + run) % 41, hours=1 + i % 5, seconds=20 * n + 60)
        sid = f"bench-{now:%Y%m%d%H%M%S%f}-{learner.id}"
        exchanges = tuple(
            ExchangeInput(
                id=f"{sid}-{k}",
                session_id=sid,
                occurred_at=started + timedelta(seconds=20 * k),
                quality=Quality(composite=0.5 + (k % 5) / 10),
                topics=(TOPICS[k % len(TOPICS)],),
            )
            for k in range(n)
        )
        session = SessionInput(id=sid, started_at=started, ended_at=started + timedelta(seconds=20 * n + 60))
        out.append((learner, EventBatch(sessions=(session,), exchanges=exchanges)))
    return out


async def bench(settings: Settings, *, n_users: int, days: int, repeat: int) -> None:
    async with open_runtime(settings) as runtime:
        await ensure_history(runtime, n_users=n_users, days=days)
        started = time.perf_counter()
        backlog = await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))
        print(
            f"fold of the ingestion backlog: {backlog.marks:,} dirty hours, {backlog.days:,} days, "
            f"{backlog.buckets:,} rollup rows, {backlog.chunks} chunks in {time.perf_counter() - started:.2f} s"
        )

        learners = await users.list_users(runtime.db)
        timings = []
        for run in range(repeat):
            now = datetime.now(UTC)
            for learner, batch in new_batches(learners, run=run, now=now):
                await ingest_batch(build_context(runtime, learner, now=now), batch)
            started = time.perf_counter()
            result = await rollup_fold.fold_dirty(runtime.db, now=now)
            timings.append(time.perf_counter() - started)
            print(
                f"  fold of {NEW_EXCHANGES:,} new exchanges: {timings[-1] * 1000:.0f} ms "
                f"({result.marks} dirty hours, {result.days} days, {result.buckets} rollup rows)"
            )
        print(
            f"fold of {NEW_EXCHANGES:,} new exchanges over {len(learners)} learners: median "
            f"{statistics.median(timings) * 1000:.0f} ms, max {max(timings) * 1000:.0f} ms (target < 1000 ms)"
        )

        started = time.perf_counter()
        rebuilt = await rollup_fold.rebuild(runtime.db, now=datetime.now(UTC))
        elapsed = time.perf_counter() - started
        exchanges = await count(runtime, ExchangeRow.__table__)  # type: ignore[attr-defined]
        rows = await count(runtime, RollupRow.__table__)  # type: ignore[attr-defined]
        print(
            f"full rebuild of {exchanges:,} exchanges: {elapsed:.1f} s (target < 60 s); "
            f"{rebuilt.days:,} days in {rebuilt.chunks} chunks, {rows:,} rollup rows"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: a SQLite file under bench/.data (reused)")
    parser.add_argument("--users", type=int, default=50, help="demo learners (default 50)")
    parser.add_argument("--days", type=int, default=365, help="days of history (default 365)")
    parser.add_argument("--repeat", type=int, default=5, help="folds of 1,000 new exchanges (default 5)")
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        data = HERE / ".data"
        data.mkdir(exist_ok=True)
        url = f"sqlite+aiosqlite:///{data / f'rollups-{args.users}x{args.days}.db'}"
    print(f"database: {url.split('@')[-1]}", file=sys.stderr)
    settings = Settings(database_url=url, scheduler=False)
    asyncio.run(bench(settings, n_users=args.users, days=args.days, repeat=args.repeat))


if __name__ == "__main__":
    main()
