"""Fixtures of the abuse suite: a real uvicorn server on the test database, and a `/healthz` watcher.

Each test tries one class of abusive or careless input and checks the status and error it gets,
that nothing was written, and that the server kept answering `/healthz` within a second meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

HEALTH_BUDGET_SECONDS = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    """A `learning-analytics serve` process on 127.0.0.1; `url` is its base address."""

    url: str
    process: subprocess.Popen[bytes]
    env: dict[str, str]


def start_server(database_url: str, **env: str) -> LiveServer:
    port = _free_port()
    full_env = {
        **os.environ,
        "LA_DATABASE_URL": database_url,
        "LA_SCHEDULER": "off",
        "LA_LOG_LEVEL": "warning",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "learning_analytics.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=full_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return LiveServer(url=url, process=process, env=full_env)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("server did not start within 60 s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    """A real uvicorn process serving the test database (single-user mode, no scheduler)."""
    server = start_server(database_url)
    yield server
    stop_server(server)


@dataclass
class HealthWatch:
    """Latencies of `/healthz` polled every 100 ms while something else runs."""

    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def worst(self) -> float:
        return max(self.latencies, default=0.0)

    def assert_responsive(self, budget: float = HEALTH_BUDGET_SECONDS) -> None:
        assert not self.failures, f"/healthz failed meanwhile: {self.failures[:3]}"
        assert self.latencies, "/healthz was never polled"
        assert self.worst < budget, f"/healthz took {self.worst:.2f} s (budget {budget} s)"


async def _poll(url: str, watch: HealthWatch, stop: asyncio.Event) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        while not stop.is_set():
            started = time.monotonic()
            try:
                response = await client.get(url + "/healthz")
                if response.status_code != 200:
                    watch.failures.append(f"status {response.status_code}")
            except httpx.HTTPError as e:
                watch.failures.append(repr(e))
            watch.latencies.append(time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=0.1)


class watching_health:
    """`async with watching_health(server.url) as watch:` polls `/healthz` until the block ends."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.watch = HealthWatch()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> HealthWatch:
        self._task = asyncio.create_task(_poll(self.url, self.watch, self._stop))
        await asyncio.sleep(0.05)
        return self.watch

    async def __aexit__(self, *exc: Any) -> None:
        await asyncio.sleep(0.2)  # one more poll right after the abusive request
        self._stop.set()
        assert self._task is not None
        await self._task


@pytest.fixture
async def live_client(live_server: LiveServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=120) as client:
        yield client


async def row_counts(database_url: str) -> dict[str, int]:
    """Rows per table of the test database, read straight from the metadata (no app code involved)."""
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import create_async_engine

    from learning_analytics.storage.tables import metadata

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            return {
                table.name: int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
                for table in metadata.sorted_tables
            }
    finally:
        await engine.dispose()


class unchanged_rows:
    """`async with unchanged_rows(database_url):` asserts that no table gained or lost a row in the block."""

    def __init__(self, database_url: str, *, ignore: tuple[str, ...] = ("users",)) -> None:
        self.database_url = database_url
        self.ignore = ignore
        self.before: dict[str, int] = {}

    async def __aenter__(self) -> unchanged_rows:
        self.before = await row_counts(self.database_url)
        return self

    async def __aexit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            return
        after = await row_counts(self.database_url)
        changed = {
            t: (self.before[t], after[t])
            for t in after
            if t not in self.ignore and after[t] != self.before.get(t)
        }
        assert not changed, f"rows changed (before, after): {changed}"
