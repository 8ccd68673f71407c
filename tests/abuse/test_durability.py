"""Acknowledged means stored: a server killed with SIGKILL mid-ingestion loses no acknowledged batch and
leaves no half batch; fifty concurrent writers lose nothing. Through a real uvicorn process."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import create_async_engine

from learning_analytics.storage.tables import exchanges_t, sessions_t

from .conftest import start_server, stop_server

EXCHANGES_PER_BATCH = 20
START = datetime.now(UTC) - timedelta(days=3)


def batch(client: int, n: int) -> dict[str, Any]:
    """One session and its 20 exchanges, with ids of their own."""
    sid = f"c{client}-b{n}"
    started = START + timedelta(minutes=client * 60 + n)
    return {
        "sessions": [{"id": sid, "started_at": started.isoformat()}],
        "exchanges": [
            {
                "id": f"{sid}-e{i}",
                "session_id": sid,
                "occurred_at": (started + timedelta(seconds=i)).isoformat(),
                "quality": {"composite": 0.5},
            }
            for i in range(EXCHANGES_PER_BATCH)
        ],
    }


async def stored(database_url: str) -> dict[str, int]:
    """Exchanges stored per session id, read straight from the tables."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            sessions = {r[0]: 0 for r in await conn.execute(select(sessions_t.c.id))}
            counted = await conn.execute(
                select(exchanges_t.c.session_id, func.count()).group_by(exchanges_t.c.session_id)
            )
            sessions.update({r[0]: int(r[1]) for r in counted})
            return sessions
    finally:
        await engine.dispose()


@dataclass
class Ledger:
    """What the clients sent and what the server acknowledged (200), by session id."""

    sent: list[tuple[int, int]] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    enough: asyncio.Event = field(default_factory=asyncio.Event)


async def keep_sending(url: str, client: int, ledger: Ledger) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for n in range(10_000):
            ledger.sent.append((client, n))
            try:
                response = await http.post("/api/analytics/events", json=batch(client, n))
            except httpx.HTTPError:
                return  # the server died with this batch in flight: not acknowledged
            assert response.status_code == 200, response.text
            ledger.acknowledged.append(f"c{client}-b{n}")
            if len(ledger.acknowledged) >= 40:
                ledger.enough.set()


async def test_a_server_killed_mid_ingestion_keeps_every_acknowledged_batch_whole(database_url: str) -> None:
    server = start_server(database_url)
    ledger = Ledger()
    try:
        senders = [asyncio.create_task(keep_sending(server.url, c, ledger)) for c in range(8)]
        await asyncio.wait_for(ledger.enough.wait(), timeout=60)
        server.process.kill()  # SIGKILL: no shutdown, no flush, batches in flight
        server.process.wait()
        await asyncio.gather(*senders)
    finally:
        stop_server(server)
    acknowledged = ledger.acknowledged

    restarted = start_server(database_url)
    try:
        after = await stored(database_url)
        # Every acknowledged batch is there, whole; every stored batch is whole (atomic batches).
        assert {sid: after.get(sid) for sid in acknowledged} == dict.fromkeys(
            acknowledged, EXCHANGES_PER_BATCH
        )
        assert set(after.values()) == {EXCHANGES_PER_BATCH}
        assert len(after) <= len(ledger.sent)
        # A client re-sending everything it sent stores each item exactly once.
        async with httpx.AsyncClient(base_url=restarted.url, timeout=30) as http:
            retried = [await http.post("/api/analytics/events", json=batch(c, n)) for c, n in ledger.sent]
        assert {r.status_code for r in retried} == {200}
        assert sum(r.json()["sessions"]["duplicates"] for r in retried) == len(after)
        final = await stored(database_url)
        assert len(final) == len(ledger.sent)
        assert set(final.values()) == {EXCHANGES_PER_BATCH}
    finally:
        stop_server(restarted)


async def test_fifty_concurrent_writers_lose_nothing(database_url: str) -> None:
    server = start_server(database_url)
    try:

        async def writer(client: int) -> list[int]:
            async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
                return [
                    (await http.post("/api/analytics/events", json=batch(client, n))).status_code
                    for n in range(4)
                ]

        statuses = await asyncio.gather(*(writer(c) for c in range(50)))
    finally:
        stop_server(server)

    assert [s for client in statuses for s in client] == [200] * 200
    after = await stored(database_url)
    assert len(after) == 200
    assert set(after.values()) == {EXCHANGES_PER_BATCH}
