"""Query latency over HTTP on a large history: overview, progress, streak, topics and trend, uncached.

Loads the demo history for many learners (about 1,000,000 exchanges at the defaults) through the
ingestion path, folds the rollups, starts the real service (uvicorn, one process) and sends each
query at least 200 times, printing p50/p95; then times the raw-SQL aggregate that answers the same
question straight from the raw tables, and the ratio. Also times insight generation for one learner.

    .venv/bin/python bench/queries.py                       # SQLite file bench/.data/queries.db (reused)
    .venv/bin/python bench/queries.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from learning_analytics.config import Settings
from learning_analytics.resolvers import insights as insight_resolvers
from learning_analytics.resolvers.auth import default_user
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import Runtime, open_runtime
from learning_analytics.storage.db import Database
from learning_analytics.storage.rollups import fold as rollup_fold

HERE = Path(__file__).parent
QUERIES: dict[str, str] = {
    "overview": "{ overview(period: LAST_30_DAYS) { summary { totalSessions totalExchanges avgQuality streakDays "
    "uniqueTopics totalMinutes } trends { sessions { value change } quality { value change } engagement { value } } "
    "streak { current longest } } }",
    "progress365": "{ progress(period: LAST_365_DAYS, metrics: [SESSIONS, QUALITY, EXCHANGES]) { granularity "
    "points { label sessions exchanges avgQuality } statistics { metric avg min max direction } "
    "chart { labels datasets { label data } } } }",
    "streak": "{ streak { current longest lastActiveDate startedOn todayComplete } }",
    "topics": "{ topics(period: LAST_30_DAYS) { totalTopics topTopics { name sessions exchanges avgQuality "
    "mastery { score level } } trending { name growth } connections { source target strength } } }",
    "trend90": "{ trend(metric: QUALITY, period: LAST_90_DAYS) { direction slope confidence "
    "forecast { value lowerBound upperBound } seasonality { detected } anomalies { date } } }",
    "overviewMedian": "{ overview(period: LAST_30_DAYS) { summary { totalSessions medianSessionMinutes } } }",
    "radar": "{ qualityRadar(period: LAST_30_DAYS) { dimensions { dimension current previous } "
    "chart { type labels datasets { label data } } } }",
    "distribution365": "{ qualityDistribution(period: LAST_365_DAYS) { total bins { label count share } } }",
    "feedback": "{ feedbackBreakdown(period: LAST_30_DAYS) { total byKind { kind count } positiveRate "
    "rating { mean } } }",
    "heatmap365": "{ activityHeatmap(period: LAST_365_DAYS) { weeks { weekStarts sessions minutes } "
    "hours { sessions exchanges peakHour } } }",
}

# The same questions answered straight from the raw tables (the default learner, local days).
RAW: dict[str, str] = {
    "overview": """
        SELECT (SELECT count(*) FROM learning_sessions WHERE user_id = :u AND local_day >= :d30),
               (SELECT count(*) FROM learning_sessions WHERE user_id = :u AND local_day >= :d60 AND local_day < :d30),
               (SELECT count(*) FROM exchanges WHERE user_id = :u AND local_day >= :d30),
               (SELECT avg(quality) FROM exchanges WHERE user_id = :u AND local_day >= :d30),
               (SELECT avg(quality) FROM exchanges WHERE user_id = :u AND local_day >= :d60 AND local_day < :d30),
               (SELECT count(DISTINCT topic) FROM exchange_topics WHERE user_id = :u AND local_day >= :d30),
               (SELECT count(DISTINCT local_day) FROM learning_sessions WHERE user_id = :u)""",
    "progress365": """
        SELECT substr(CAST(local_day AS TEXT), 1, 7) AS month, count(*), avg(quality)
        FROM exchanges WHERE user_id = :u AND local_day >= :d365 GROUP BY month ORDER BY month""",
    "streak": "SELECT DISTINCT local_day FROM learning_sessions WHERE user_id = :u ORDER BY local_day",
    "topics": """
        SELECT t.topic, count(*), count(DISTINCT e.session_id), avg(e.quality)
        FROM exchange_topics t JOIN exchanges e ON e.user_id = t.user_id AND e.id = t.exchange_id
        WHERE t.user_id = :u AND t.local_day >= :d30 GROUP BY t.topic ORDER BY count(*) DESC""",
    "trend90": """
        SELECT local_day, avg(quality) FROM exchanges WHERE user_id = :u AND local_day >= :d90
        GROUP BY local_day ORDER BY local_day""",
    "distribution365": """
        SELECT CASE WHEN quality < 0.2 THEN 0 WHEN quality < 0.4 THEN 1 WHEN quality < 0.6 THEN 2
                    WHEN quality < 0.8 THEN 3 ELSE 4 END AS bin, count(*)
        FROM exchanges WHERE user_id = :u AND local_day >= :d365 AND quality IS NOT NULL GROUP BY bin""",
    "heatmap365": """
        SELECT local_day, local_hour, count(*) FROM exchanges WHERE user_id = :u AND local_day >= :d365
        GROUP BY local_day, local_hour""",
}


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def timed(fn: Callable[[], Awaitable[Any]], n: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


async def prepare(runtime: Runtime, *, users: int, days: int) -> None:
    count = (await _scalar(runtime.db, "SELECT count(*) FROM exchanges")) or 0
    if count:
        print(f"reusing the database: {count:,} exchanges")
        return
    started = time.perf_counter()
    now = datetime.now(UTC)
    done = [0]

    def progress(n: int) -> None:
        done[0] += n
        if done[0] // 100_000 != (done[0] - n) // 100_000:
            print(f"  {done[0]:,} exchanges ingested ({time.perf_counter() - started:.0f} s)", flush=True)

    loaded = await load_demo(runtime, n_users=users, days=days, seed=42, now=now, progress=progress)
    ingest_s = time.perf_counter() - started
    print(f"demo: {loaded.users} users, {loaded.exchanges:,} exchanges in {ingest_s:.1f} s")
    started = time.perf_counter()
    result = await rollup_fold.fold_dirty(runtime.db, now=datetime.now(UTC))
    print(f"fold of the whole history: {time.perf_counter() - started:.1f} s ({result})")


async def _scalar(db: Database, sql: str) -> Any:
    async with db.read() as conn:
        return (await conn.execute(text(sql))).scalar()


async def raw_latencies(runtime: Runtime, n: int) -> dict[str, list[float]]:
    user = await default_user(runtime)
    today = datetime.now(UTC).date()  # close enough for timing: the bounds only pick index ranges
    params = {
        "u": user.id,
        **{f"d{k}": today - timedelta(days=k - 1) for k in (30, 60, 90, 365)},
    }
    out = {}
    for name, sql in RAW.items():

        async def run(sql: str = sql) -> None:
            async with runtime.db.read() as conn:
                (await conn.execute(text(sql), params)).all()

        out[name] = await timed(run, n)
    return out


async def insight_latency(runtime: Runtime, n: int) -> list[float]:
    ctx = build_context(runtime, await default_user(runtime))

    async def run() -> None:
        await insight_resolvers.regenerate(build_context(runtime, ctx.user))

    return await timed(run, n)


async def http_latencies(url: str, n: int) -> dict[str, list[float]]:
    port = 8799
    env = {**os.environ, "LA_DATABASE_URL": url, "LA_SCHEDULER": "off", "LA_LOG_LEVEL": "warning"}
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any request
        [sys.executable, "-m", "learning_analytics.cli", "serve", "--port", str(port)], env=env
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for _ in range(150):
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            out = {}
            for name, query in QUERIES.items():

                async def call(query: str = query, name: str = name) -> None:
                    r = await client.post("/graphql", json={"query": query})
                    body = r.json()
                    if r.status_code != 200 or body.get("errors"):
                        raise RuntimeError(f"{name}: {r.status_code} {body.get('errors')}")

                await timed(call, 10)  # warm-up: parser cache, connection pool
                out[name] = await timed(call, n)
            return out
    finally:
        server.terminate()
        server.wait(timeout=30)


async def main(args: argparse.Namespace) -> None:
    url = args.database_url or f"sqlite+aiosqlite:///{HERE / '.data' / 'queries.db'}"
    if url.startswith("sqlite"):
        (HERE / ".data").mkdir(exist_ok=True)
    settings = Settings(database_url=url, scheduler=False)
    async with open_runtime(settings) as runtime:
        await prepare(runtime, users=args.users, days=args.days)
        total = await _scalar(runtime.db, "SELECT count(*) FROM exchanges")
        raw = await raw_latencies(runtime, args.raw_requests)
        insights = await insight_latency(runtime, 20)
    api = await http_latencies(url, args.requests)
    print(
        f"\ndatabase: {url.split('://')[0]}, {total:,} exchanges; {args.requests} requests per query over HTTP"
    )
    reference = pct(api["overview"], 0.5)
    print(
        f"{'query':<16} {'p50 ms':>8} {'p95 ms':>8} {'/overview':>10} {'raw p50':>9} {'raw p95':>9} "
        f"{'raw/api p50':>12}"
    )
    for name in QUERIES:
        a, r = api[name], raw.get(name)
        line = f"{name:<16} {pct(a, 0.5):8.1f} {pct(a, 0.95):8.1f} {pct(a, 0.5) / reference:10.2f}"
        if r is not None:
            line += f" {pct(r, 0.5):9.1f} {pct(r, 0.95):9.1f} {pct(r, 0.5) / pct(a, 0.5):12.2f}"
        print(line)
    print(
        f"insight generation (one learner, build + rules + store): p50 {statistics.median(insights):.1f} ms, "
        f"p95 {pct(insights, 0.95):.1f} ms"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url")
    parser.add_argument(
        "--users", type=int, default=135, help="demo learners (135 x 365 days is about 1M exchanges)"
    )
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--raw-requests", type=int, default=50)
    asyncio.run(main(parser.parse_args()))
