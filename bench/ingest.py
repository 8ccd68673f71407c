"""Ingestion throughput: 100,000 demo exchanges (with sessions and feedback) through POST /api/analytics/events.

Starts the real service (uvicorn, one process) on a fresh database, sends batches of 1,000 exchanges,
then sends everything again and checks that nothing more is stored. Usage:

    .venv/bin/python bench/ingest.py                                   # SQLite in a temp dir
    .venv/bin/python bench/ingest.py --database-url postgresql+asyncpg://postgres@127.0.0.1/la_bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson

from learning_analytics.domain.demo.history import generate_history
from learning_analytics.domain.demo.learners import demo_users
from learning_analytics.domain.models import EventBatch
from learning_analytics.wire.events import batch_to_json


def build_batches(total: int, per_batch: int) -> list[bytes]:
    """`total` exchanges of the demo history (sessions, exchanges, feedback), as JSON batches of ~`per_batch`."""
    now = datetime.now(UTC)
    batches: list[bytes] = []
    count = 0
    for spec in demo_users(1000, seed=7):
        for batch in generate_history(spec, days=365, seed=7, now=now, batch_exchanges=per_batch):
            take = min(len(batch.exchanges), total - count)
            if take < len(batch.exchanges):
                batch = trim(batch, take)
            batches.append(orjson.dumps(batch_to_json(batch)))
            count += take
            if count >= total:
                return batches
    return batches


def trim(batch: EventBatch, n: int) -> EventBatch:
    """The first `n` exchanges of a batch with the sessions and feedback they need."""
    exchanges = batch.exchanges[:n]
    kept = {e.id for e in exchanges}
    sessions = {e.session_id for e in exchanges}
    return EventBatch(
        sessions=tuple(s for s in batch.sessions if s.id in sessions),
        exchanges=exchanges,
        feedback=tuple(f for f in batch.feedback if f.exchange_id in kept),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def send_all(
    client: httpx.AsyncClient, batches: list[bytes], concurrency: int
) -> tuple[float, dict[str, int]]:
    queue = list(enumerate(batches))
    totals = {"accepted": 0, "duplicates": 0, "exchanges_accepted": 0, "exchanges_duplicates": 0}

    async def worker() -> None:
        while queue:
            _, body = queue.pop(0)
            r = await client.post(
                "/api/analytics/events", content=body, headers={"content-type": "application/json"}
            )
            r.raise_for_status()
            data = r.json()
            totals["accepted"] += data["accepted"]
            totals["duplicates"] += data["duplicates"]
            totals["exchanges_accepted"] += data["exchanges"]["accepted"]
            totals["exchanges_duplicates"] += data["exchanges"]["duplicates"]

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, totals


async def row_counts(client: httpx.AsyncClient) -> int:
    r = await client.post("/graphql", json={"query": "{ sessions(first: 1) { totalCount } }"})
    return int(r.json()["data"]["sessions"]["totalCount"])


async def run(url: str, total: int, per_batch: int, concurrency: int, workers: int) -> None:
    port = free_port()
    env = {**os.environ, "LA_DATABASE_URL": url, "LA_SCHEDULER": "off", "LA_LOG_LEVEL": "warning"}
    server = subprocess.Popen(  # noqa: ASYNC220 - started once, before any request
        [
            sys.executable,
            "-m",
            "learning_analytics.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for _ in range(600):  # up to 2 minutes: a loaded machine starts the server slowly
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            batches = build_batches(total, per_batch)
            total = sum(orjson.loads(b)["exchanges"].__len__() for b in batches)
            elapsed, first = await send_all(client, batches, concurrency)
            sessions_before = await row_counts(client)
            again_elapsed, again = await send_all(client, batches, concurrency)
            sessions_after = await row_counts(client)
        rate = first["exchanges_accepted"] / elapsed
        print(f"database          {url.split('://')[0]}")
        print(
            f"batches           {len(batches)} x ~{per_batch} exchanges, concurrency {concurrency}, workers {workers}"
        )
        print(
            f"first pass        {first['exchanges_accepted']} exchanges accepted in {elapsed:.2f} s "
            f"-> {rate:,.0f} exchanges/s ({first['accepted']} items incl. sessions and feedback)"
        )
        print(
            f"second pass       {again['accepted']} accepted, {again['exchanges_duplicates']} exchange duplicates, "
            f"{again['duplicates']} duplicates in all, {again_elapsed:.2f} s"
        )
        print(f"sessions stored   {sessions_before} before, {sessions_after} after the second pass")
        ok = (
            again["accepted"] == 0
            and again["exchanges_duplicates"] == total
            and sessions_before == sessions_after
        )
        print("idempotent        " + ("yes" if ok else "NO"))
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    parser.add_argument("--exchanges", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        asyncio.run(run(url, args.exchanges, args.batch, args.concurrency, args.workers))


if __name__ == "__main__":
    main()
