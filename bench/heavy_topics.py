"""The topic-connections read on one learner's odd data: a session of `--topics` distinct topics.

Ingests, through the real ingestion path, one session whose exchanges carry 20 topics each (3,000 topics
by default) plus a few ordinary sessions, folds, then times `topics(LAST_30_DAYS)` (the whole use case:
totals, trending, first-seen days, the topic pairs) and the pair query alone, `--repeat` times.

    .venv/bin/python bench/heavy_topics.py                        # SQLite in a temporary directory
    .venv/bin/python bench/heavy_topics.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from learning_analytics.config import Settings
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput
from learning_analytics.domain.periods import Period
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import open_runtime
from learning_analytics.resolvers.topics import topics
from learning_analytics.storage import users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import topics as topic_rollups

TOPICS_PER_EXCHANGE = 20


def heavy_batch(n_topics: int, now: datetime) -> EventBatch:
    started = now - timedelta(hours=3)
    names = [f"topic-{i:05d}" for i in range(n_topics)]
    exchanges = tuple(
        ExchangeInput(
            id=f"heavy-e{k}",
            session_id="heavy",
            occurred_at=started + timedelta(seconds=k),
            quality=Quality(composite=0.7),
            topics=tuple(names[k * TOPICS_PER_EXCHANGE : (k + 1) * TOPICS_PER_EXCHANGE]),
        )
        for k in range(-(-n_topics // TOPICS_PER_EXCHANGE))
    )
    ordinary = tuple(
        SessionInput(id=f"s{d}", started_at=now - timedelta(days=d, hours=2), topics=("python", "sql"))
        for d in range(1, 10)
    )
    session = SessionInput(id="heavy", started_at=started, ended_at=started + timedelta(hours=1))
    return EventBatch(sessions=(session, *ordinary), exchanges=exchanges)


async def main(database_url: str, n_topics: int, repeat: int) -> None:
    settings = Settings(database_url=database_url, scheduler=False)
    now = datetime.now(UTC)
    async with open_runtime(settings) as runtime:
        user = await users.ensure_user(runtime.db, user_id="heavy", name="Heavy", timezone="UTC", now=now)
        await ingest_batch(build_context(runtime, user, now=now), heavy_batch(n_topics, now))
        await rollup_fold.fold_dirty(runtime.db, now=now)
        whole: list[float] = []
        pairs: list[float] = []
        for _ in range(repeat):
            ctx = build_context(runtime, user, now=now)
            started = time.perf_counter()
            answer = await topics(ctx, period=Period.LAST_30_DAYS, limit=20)
            whole.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            found = await topic_rollups.topic_pairs(
                runtime.db,
                user_id=user.id,
                start=(now - timedelta(days=29)).date(),
                end=now.date(),
                limit=20,
                max_topics=settings.limits.max_connection_topics,
            )
            pairs.append((time.perf_counter() - started) * 1000)
        print(
            f"{runtime.db.dialect}, one session of {n_topics:,} topics: topics(LAST_30_DAYS) "
            f"p50 {statistics.median(whole):.0f} ms (max {max(whole):.0f}); the pair query alone "
            f"p50 {statistics.median(pairs):.0f} ms (max {max(pairs):.0f}); "
            f"{len(answer.connections)} connections, {len(found)} pairs returned"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=None, help="default: a SQLite file in a temporary directory"
    )
    parser.add_argument("--topics", type=int, default=3_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'heavy.db'}"
        asyncio.run(main(url, args.topics, args.repeat))
