"""One learner's odd data or heavy query cannot starve another learner's reads.

The odd data: one session of 3,000 topics (300 exchanges of 10 topics), which an unbounded self-join
turns into 4.5 million topic pairs. Connections pair only the period's top topics by sessions
(`limits.max_connection_topics`, 50), every read statement has a timeout, a request holds at most a
few pooled connections, and whatever cannot be served in time is a quick 503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from conftest import _asyncpg_dsn
from support import client_for, gql

from learning_analytics.config import DatabaseSettings, LimitSettings, Settings
from learning_analytics.domain.models import EventBatch, ExchangeInput, Quality, SessionInput
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users
from learning_analytics.storage.rollups import fold as rollup_fold
from learning_analytics.storage.rollups import topics as topic_rollups

from .conftest import row_counts, start_server, stop_server, watching_health

NOW = datetime.now(UTC)
TODAY = NOW.date()
N = 50  # the default `limits.max_connection_topics`
# python: H, S1–S4 (5 sessions); sql: H, S1, S2 (3); stats: H, S3 (2); topic-00001: H, S2 (2); the
# other 2,996 topics of H: 1 each.
HEAVY_TOPICS = ["python", "sql", "stats", *(f"topic-{i:05d}" for i in range(2997))]
SMALL_SESSIONS = {
    "S1": ("python", "sql"),
    "S2": ("python", "sql", "topic-00001"),
    "S3": ("python", "stats"),
    "S4": ("python",),
}
# The top 50 by sessions, ties by name: the four above, then 46 one-session topics by name.
TOP = {"python", "sql", "stats", "topic-00001", "topic-00000", *(f"topic-{i:05d}" for i in range(2, 47))}
CONNECTIONS = """query { topics(period: LAST_30_DAYS, limit: 4) {
  totalTopics connections { source target sessions strength } } }"""
ALIASES = " ".join(
    f"t{i}: topics(period: LAST_30_DAYS) {{ connections {{ source target }} }}" for i in range(6)
)
HEAVY = "query { " + ALIASES + " }"
STREAK = "{ streak { current longest } }"


def heavy_batch() -> EventBatch:
    started = NOW - timedelta(days=1)
    sessions = [SessionInput(id="H", started_at=started, ended_at=started + timedelta(hours=2))]
    for day, (sid, topics) in enumerate(SMALL_SESSIONS.items(), start=2):
        sessions.append(SessionInput(id=sid, started_at=NOW - timedelta(days=day), topics=topics))
    exchanges = tuple(
        ExchangeInput(
            id=f"H-{k}",
            session_id="H",
            occurred_at=started + timedelta(seconds=k),
            quality=Quality(0.7),
            topics=tuple(HEAVY_TOPICS[k * 10 : (k + 1) * 10]),
        )
        for k in range(len(HEAVY_TOPICS) // 10)
    )
    return EventBatch(sessions=tuple(sessions), exchanges=exchanges)


async def two_learners(runtime: Runtime) -> dict[str, str]:
    """`heavy` with the 3,000-topic session, `other` with three days of study; folded; their keys."""
    keys = {}
    for uid in ("heavy", "other"):
        user = await users.create_user(runtime.db, user_id=uid, name=uid, timezone="UTC", now=NOW)
        keys[uid] = await users.create_key(runtime.db, user_id=uid, now=NOW)
        if uid == "heavy":
            batch = heavy_batch()
        else:
            batch = EventBatch(
                sessions=tuple(
                    SessionInput(id=f"o{d}", started_at=NOW - timedelta(days=d, minutes=5)) for d in range(3)
                )
            )
        await ingest_batch(build_context(runtime, user, now=NOW), batch)
    await rollup_fold.fold_dirty(runtime.db, now=NOW)
    return keys


def _limited(settings: Settings, **limits: Any) -> Settings:
    return settings.model_copy(update={"limits": LimitSettings(**limits)})


async def test_connections_pair_only_the_top_topics_with_their_jaccard_strengths(
    settings: Settings, runtime: Runtime
) -> None:
    keys = await two_learners(runtime)
    start, end = TODAY - timedelta(days=29), TODAY

    pairs = await topic_rollups.topic_pairs(
        runtime.db, user_id="heavy", start=start, end=end, limit=10**6, max_topics=N
    )
    top_two = await topic_rollups.topic_pairs(
        runtime.db, user_id="heavy", start=start, end=end, limit=10, max_topics=2
    )

    # All 50 top topics meet in H, so every one of the N·(N−1)/2 pairs exists, and no other.
    assert len(pairs) == N * (N - 1) // 2 == 1225
    assert {t for a, b, _ in pairs for t in (a, b)} == TOP
    assert top_two == [("python", "sql", 3)]

    # Through the API, under a 2-second statement timeout (the unbounded pairs take several seconds).
    started = time.monotonic()
    async with client_for(_limited(settings, statement_timeout_ms=2000)) as client:
        body = await gql(client, CONNECTIONS, Authorization=f"Bearer {keys['heavy']}")
    elapsed = time.monotonic() - started

    assert "errors" not in body, body
    topics = body["data"]["topics"]
    assert topics["totalTopics"] == 3000
    # strength = shared / (sessions(a) + sessions(b) − shared)
    assert [(c["source"], c["target"], c["sessions"]) for c in topics["connections"]] == [
        ("python", "sql", 3),
        ("sql", "topic-00001", 2),
        ("python", "stats", 2),
        ("python", "topic-00001", 2),
    ]
    assert [c["strength"] for c in topics["connections"]] == pytest.approx([3 / 5, 2 / 3, 2 / 5, 2 / 5])
    assert elapsed < 30


async def test_a_request_that_finds_no_free_connection_gets_a_quick_503(
    settings: Settings, runtime: Runtime
) -> None:
    keys = await two_learners(runtime)
    tight = _limited(settings, pool_timeout_seconds=0.3).model_copy(
        update={"database": DatabaseSettings(pool_size=1)}
    )
    async with client_for(tight) as client:
        runtime_of_app = client.app.state.runtime  # type: ignore[attr-defined]
        other = {"Authorization": f"Bearer {keys['other']}"}
        assert (await client.post("/graphql", json={"query": STREAK}, headers=other)).status_code == 200
        async with runtime_of_app.db.reader.connect():  # the only read connection is taken
            started = time.monotonic()
            # A query not answered before: the cache cannot answer it, so it needs a connection.
            graphql = await client.post("/graphql", json={"query": "{ streak { longest } }"}, headers=other)
            rest = await client.post("/api/analytics/events", json={"sessions": []}, headers={
                "Authorization": "Bearer la_unknown_key_so_the_lookup_reads_the_database"
            })  # fmt: skip
            elapsed = time.monotonic() - started

    assert graphql.status_code == 503, graphql.text
    assert graphql.headers["Retry-After"] == "2"
    [error] = graphql.json()["errors"]
    assert error["extensions"] == {"code": "SERVICE_BUSY", "retryAfter": 2}
    assert "busy" in error["message"]
    assert rest.status_code == 503, rest.text
    assert rest.headers["Retry-After"] == "2"
    assert rest.json()["error"]["code"] == "service_busy"
    assert rest.json()["error"]["retry_after"] == 2
    assert elapsed < 5


async def _post(client: httpx.AsyncClient, query: str, key: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {key}"}
    )
    return response, time.monotonic() - started


def _busy_or(expected: int, response: httpx.Response) -> None:
    """`expected`, or a 503 carrying Retry-After and SERVICE_BUSY; never anything else (no 500)."""
    if response.status_code == 503:
        assert response.headers["Retry-After"] == "2"
        assert {e["extensions"]["code"] for e in response.json()["errors"]} == {"SERVICE_BUSY"}
    else:
        assert response.status_code == expected, response.text
        assert "errors" not in response.json(), response.text


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({}, id="bounded-pairs"),
        pytest.param(
            {"LA_LIMITS__MAX_CONNECTION_TOPICS": "100000", "LA_LIMITS__STATEMENT_TIMEOUT_MS": "500"},
            id="unbounded-pairs-cut-by-the-statement-timeout",
        ),
    ],
)
async def test_heavy_aliased_topic_queries_leave_another_learners_streak_answering(
    database_url: str, runtime: Runtime, env: dict[str, str]
) -> None:
    keys = await two_learners(runtime)
    server = start_server(database_url, **env)
    try:
        async with watching_health(server.url) as health, httpx.AsyncClient(timeout=120) as client:
            client.base_url = httpx.URL(server.url)
            heavy = [asyncio.create_task(_post(client, HEAVY, keys["heavy"]))]
            await asyncio.sleep(0.3)  # the six aliases run concurrently and hold their connections
            streak, streak_seconds = await _post(client, STREAK, keys["other"])
            answers = await asyncio.gather(*heavy)
    finally:
        stop_server(server)

    _busy_or(200, streak)
    if streak.status_code == 200:
        assert streak.json()["data"]["streak"]["current"] >= 2
    assert streak_seconds < 6, f"streak took {streak_seconds:.1f} s"
    for response, _ in answers:
        if env:
            _busy_or(503, response)  # every alias's pair query is cut after 0.5 s
        else:
            _busy_or(200, response)
            assert response.status_code == 200  # bounded pairs answer in time
    health.assert_responsive()


async def test_a_statement_past_the_timeout_answers_503_busy(database_url: str, runtime: Runtime) -> None:
    keys = await two_learners(runtime)
    env = {"LA_LIMITS__MAX_CONNECTION_TOPICS": "100000", "LA_LIMITS__STATEMENT_TIMEOUT_MS": "200"}
    server = start_server(database_url, **env)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            response, seconds = await _post(client, CONNECTIONS, keys["heavy"])
            again, _ = await _post(client, STREAK, keys["other"])
    finally:
        stop_server(server)

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "2"
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "SERVICE_BUSY", "retryAfter": 2}
    assert error["message"] == "the service is busy (statement timeout); retry in 2 s"
    assert seconds < 5
    assert again.status_code == 200, again.text  # the server carries on


async def test_a_write_that_waits_past_its_timeout_answers_503_and_stores_nothing(
    database_url: str, runtime: Runtime
) -> None:
    keys = await two_learners(runtime)
    env = {"LA_LIMITS__WRITE_TIMEOUT_SECONDS": "1", "LA_DATABASE__SQLITE_BUSY_TIMEOUT_MS": "500"}
    batch = {"sessions": [{"id": "late", "started_at": (NOW - timedelta(hours=1)).isoformat()}]}
    auth = {"Authorization": f"Bearer {keys['other']}"}
    before = await row_counts(database_url)
    server = start_server(database_url, **env)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            # Another program holds the database's write lock.
            if runtime.db.is_sqlite:
                holder = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
                holder.execute("BEGIN IMMEDIATE")
                release: Any = holder.rollback
            else:
                pg = await asyncpg.connect(_asyncpg_dsn(database_url))
                locked = pg.transaction()
                await locked.start()
                await pg.execute("LOCK TABLE learning_sessions IN ACCESS EXCLUSIVE MODE")
                release = locked.rollback
            started = time.monotonic()
            refused = await client.post("/api/analytics/events", json=batch, headers=auth)
            seconds = time.monotonic() - started
            outcome = release()
            if asyncio.iscoroutine(outcome):
                await outcome
            unchanged = await row_counts(database_url)
            accepted = await client.post("/api/analytics/events", json=batch, headers=auth)
    finally:
        stop_server(server)
        if runtime.db.is_sqlite:
            holder.close()
        else:
            await pg.close()

    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "2"
    assert refused.json()["error"]["code"] == "service_busy"
    assert seconds < 5
    assert unchanged == before
    assert accepted.status_code == 200 and accepted.json()["accepted"] == 1
