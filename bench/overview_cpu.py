"""CPU time of one uncached GraphQL `overview` request, in process (no HTTP server, no load tool).

Loads the demo history (one learner, 120 days, folded) into a temporary SQLite file, then sends the
same `overview(period: LAST_30_DAYS)` document through the ASGI app N times with the response cache
off, and prints the process CPU time (every thread, aiosqlite's included) and wall time per request.
To compare with another checkout, run it from outside the repository with that checkout first on
PYTHONPATH (the script imports whichever `learning_analytics` comes first):

    .venv/bin/python bench/overview_cpu.py [-n 300]
    cd /tmp && PYTHONPATH=/path/to/other/checkout /path/to/.venv/bin/python /path/to/bench/overview_cpu.py
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

import learning_analytics
from learning_analytics.app import create_app
from learning_analytics.config import Settings
from learning_analytics.resolvers import rollups
from learning_analytics.resolvers.demo import load_demo
from learning_analytics.resolvers.runtime import open_runtime

OVERVIEW = (
    "{ overview(period: LAST_30_DAYS) { summary { totalSessions totalExchanges avgQuality streakDays "
    "uniqueTopics totalMinutes } trends { sessions { value change } quality { value change } engagement "
    "{ value } } streak { current longest } meta { cached generatedAt } } }"
)


async def main(n: int) -> None:
    url = f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='la-cpu-')) / 'bench.db'}"
    settings = Settings(database_url=url, scheduler=False)
    async with open_runtime(settings) as runtime:
        now = datetime.now(UTC)
        await load_demo(runtime, n_users=1, days=120, seed=42, now=now)
        await rollups.fold(runtime, now=now)
    settings = Settings.model_validate({"database_url": url, "scheduler": False, "cache": {"enabled": False}})
    app = create_app(settings)
    body = orjson.dumps({"query": OVERVIEW})
    headers = [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json")]

    async def call() -> int:
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
            "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 8000), "app": app,
        }  # fmt: skip
        messages = [{"type": "http.request", "body": body, "more_body": False}]
        status = [0]

        async def receive() -> dict[str, Any]:
            return messages.pop() if messages else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]

        await app(scope, receive, send)
        return status[0]

    async with app.router.lifespan_context(app):
        for _ in range(20):
            assert await call() == 200
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            await call()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{learning_analytics.__file__}: uncached overview, {n} requests")
    print(f"CPU {cpu / n * 1e6:.0f} µs/request, wall {wall / n * 1e6:.0f} µs/request")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=300)
    asyncio.run(main(parser.parse_args().n))
