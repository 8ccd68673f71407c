"""The shared cache across processes: two servers on one Redis share entries and invalidations;
`serve --workers N` refuses to start without it; `cache clear` drops a learner's answers; /metrics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import client_for, run_cli

from learning_analytics.config import Settings
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users

REDIS_URL = os.environ.get("LA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
QUERY = "{ overview(period: LAST_7_DAYS) { summary { totalSessions } meta { cached } } }"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "learning_analytics.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_ready(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("the server did not start")


@pytest.fixture
def shared_env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "LA_DATABASE_URL": settings.database_url,
        "LA_SCHEDULER": "off",
        "LA_CACHE_URL": REDIS_URL,
        "LA_CACHE__KEY_PREFIX": f"la-test-{uuid.uuid4().hex}:",
    }


@pytest.fixture
async def key(runtime: Runtime) -> str:
    now = datetime.now(UTC)
    await users.create_user(runtime.db, user_id="ada", name="ada", timezone="UTC", now=now)
    return await users.create_key(runtime.db, user_id="ada", now=now)


@pytest.fixture
def two_servers(shared_env: dict[str, str], key: str) -> Iterator[tuple[int, int]]:
    ports = (_free_port(), _free_port())
    procs = [_serve(shared_env, p) for p in ports]
    try:
        for port, proc in zip(ports, procs, strict=True):
            _wait_ready(port, proc)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=30)


def test_two_processes_on_one_redis_share_answers_and_invalidations(
    two_servers: tuple[int, int], key: str
) -> None:
    one, two = (f"http://127.0.0.1:{p}" for p in two_servers)
    auth = {"Authorization": f"Bearer {key}"}

    def cached(base: str) -> bool:
        r = httpx.post(f"{base}/graphql", json={"query": QUERY}, headers=auth, timeout=30)
        assert r.status_code == 200, r.text
        return bool(r.json()["data"]["overview"]["meta"]["cached"])

    first, again, elsewhere = cached(one), cached(one), cached(two)
    started = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    r = httpx.post(
        f"{two}/api/analytics/events", json={"sessions": [{"id": "s1", "started_at": started}]}, headers=auth
    )
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text
    after_ingest = cached(one)

    assert (first, again, elsewhere) == (False, True, True)  # the second process answers the first's entry
    assert after_ingest is False  # the second process's ingestion invalidated the first's answer


def test_cache_clear_drops_a_learners_answers_from_redis(
    two_servers: tuple[int, int],
    key: str,
    shared_env: dict[str, str],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = f"http://127.0.0.1:{two_servers[0]}"
    auth = {"Authorization": f"Bearer {key}"}
    for _ in range(2):
        httpx.post(f"{base}/graphql", json={"query": QUERY}, headers=auth, timeout=30)
    for name in ("LA_CACHE_URL", "LA_CACHE__KEY_PREFIX"):
        monkeypatch.setenv(name, shared_env[name])

    out = run_cli(settings, "cache", "clear", "--user", "ada")
    r = httpx.post(f"{base}/graphql", json={"query": QUERY}, headers=auth, timeout=30)

    assert "cleared 1 cached answer(s) of user 'ada'" in out.stdout
    assert r.json()["data"]["overview"]["meta"]["cached"] is False


def test_serve_with_several_workers_refuses_to_start_without_a_shared_cache(settings: Settings) -> None:
    result = run_cli(settings, "serve", "--workers", "2", check=False)

    assert result.returncode == 2
    assert "LA_CACHE_URL" in result.stderr


def test_cache_clear_needs_the_shared_cache(settings: Settings) -> None:
    result = run_cli(settings, "cache", "clear", check=False)

    assert result.returncode == 2 and "LA_CACHE_URL is not set" in result.stderr


def _sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def test_metrics_count_requests_operations_cache_and_ingestion_behind_the_token(
    settings: Settings,
) -> None:
    token = "metrics-" + uuid.uuid4().hex
    async with client_for(settings.model_copy(update={"metrics_token": token})) as client:
        bearer = {"Authorization": f"Bearer {token}"}
        before = (await client.get("/metrics", headers=bearer)).text
        for _ in range(3):
            await client.post("/graphql", json={"query": QUERY})
        started = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
        await client.post(
            "/api/analytics/events", json={"sessions": [{"id": "m1", "started_at": started}] * 1}
        )
        await client.post("/api/analytics/events", json={"sessions": [{"id": "m1", "started_at": started}]})
        await client.post("/api/analytics/events", json={"sessions": [{"id": "", "started_at": started}]})
        denied = await client.get("/metrics")
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        after = (await client.get("/metrics", headers=bearer)).text

    def delta(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    assert (denied.status_code, wrong.status_code) == (401, 401)
    assert delta("analytics_dashboard_requests_total", endpoint="/graphql", status="200") == 3
    assert delta("analytics_dashboard_latency_seconds_count", endpoint="/graphql") == 3
    assert delta("analytics_graphql_operations_total", operation="overview", outcome="ok") == 1
    assert delta("analytics_graphql_operations_total", operation="overview", outcome="cached") == 2
    assert delta("analytics_cache_lookups_total", result="hit") == 2
    assert delta("analytics_cache_lookups_total", result="miss") == 1
    lookups = {r: _sample(after, "analytics_cache_lookups_total", result=r) for r in ("hit", "stale", "miss")}
    served = lookups["hit"] + lookups["stale"]
    assert _sample(after, "analytics_cache_hit_rate") == pytest.approx(served / (served + lookups["miss"]))
    assert delta("analytics_ingested_items_total", kind="sessions", outcome="accepted") == 1
    assert delta("analytics_ingested_items_total", kind="sessions", outcome="duplicate") == 1
    assert delta("analytics_ingest_rejected_batches_total") == 1
    assert "analytics_fold_lag_seconds" in after and "analytics_aggregation_duration_seconds" in after


MULTIPROCESS_SCRIPT = """
import asyncio, sys
sys.path.insert(0, "tests")
from support import client_for
from learning_analytics import metrics
from learning_analytics.config import Settings

async def main():
    async with client_for(Settings(database_url=sys.argv[1], scheduler=False)) as client:
        for _ in range(2):
            await client.post("/graphql", json={"query": "{ viewer { id } }"})
        print((await client.get("/metrics")).text)

asyncio.run(main())
"""


def test_metrics_of_several_processes_are_summed_in_multiprocess_mode(
    settings: Settings, tmp_path: Path
) -> None:
    # Two processes, one after the other, write into the same directory as `serve --workers` does;
    # the second's /metrics reports both.
    directory = tmp_path / "metrics"  # a directory of its own: every `*.db` file in it is read as metrics
    directory.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory), "LA_SCHEDULER": "off"}
    outputs = [
        subprocess.run(
            [sys.executable, "-c", MULTIPROCESS_SCRIPT, settings.database_url],
            env=env, capture_output=True, text=True, timeout=120, check=True,
        ).stdout
        for _ in range(2)
    ]  # fmt: skip

    assert _sample(outputs[0], "analytics_dashboard_requests_total", endpoint="/graphql", status="200") == 2
    assert _sample(outputs[1], "analytics_dashboard_requests_total", endpoint="/graphql", status="200") == 4
    assert _sample(outputs[1], "analytics_cache_lookups_total", result="hit") == 2
    assert _sample(outputs[1], "analytics_cache_hit_rate") == pytest.approx(0.5)
