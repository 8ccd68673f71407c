"""The HTTP edge against careless and hostile requests: oversized, malformed and cross-site bodies, foreign Hosts.

Oversized bodies go through a real uvicorn server (the limit must hold on the wire, with and without
`Content-Length`); the rest go through the ASGI app. Each refusal is a JSON 4xx and writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import orjson
import pytest
from support import client_for, events, exchange, session

from learning_analytics.config import AuthMode, Settings
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users

from .conftest import LiveServer, unchanged_rows, watching_health

LIMIT = 16 * 1024 * 1024  # LA_MAX_BODY_BYTES' default
CHUNK = 1024 * 1024
PATHS = ["/graphql", "/api/analytics/events"]

RECORD_SESSION = "mutation($input: SessionInput!) { recordSession(input: $input) { __typename } }"


def _batch() -> dict[str, Any]:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    return events([session("s1", start)], [exchange("e1", "s1", start + timedelta(minutes=1))])


def _graphql_write() -> dict[str, Any]:
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
    return {"query": RECORD_SESSION, "variables": {"input": {"id": "g1", "startedAt": started.isoformat()}}}


def _write_for(path: str) -> dict[str, Any]:
    return _graphql_write() if path == "/graphql" else _batch()


def _error_code(path: str, response: httpx.Response) -> str:
    body = response.json()
    if path == "/graphql":
        assert "data" not in body
        return str(body["errors"][0]["extensions"]["code"]).lower()
    return str(body["error"]["code"])


async def _spaces(total: int) -> AsyncIterator[bytes]:
    """A JSON object padded with `total` bytes of whitespace, streamed 1 MiB at a time."""
    yield b"{"
    sent = 0
    while sent < total:
        size = min(CHUNK, total - sent)
        yield b" " * size
        sent += size
    yield b"}"


async def test_bodies_over_the_limit_are_refused_with_413_quickly_while_health_answers(
    live_server: LiveServer, database_url: str
) -> None:
    # One server for every case: starting uvicorn costs far more than the cases themselves.
    cases = [
        (path, size, declared)
        for path in PATHS
        for size, declared in (
            (100 * CHUNK, True),
            (LIMIT + 1, False),
        )  # declared 100 MB; streamed, no length
    ]
    results = []
    async with (
        unchanged_rows(database_url),
        watching_health(live_server.url) as health,
        httpx.AsyncClient(base_url=live_server.url, timeout=60) as client,
    ):
        for path, size, declared in cases:
            headers = {"content-type": "application/json"}
            if declared:
                headers["content-length"] = str(size + 2)
            started = time.monotonic()
            response = await client.post(path, content=_spaces(size), headers=headers)
            results.append((path, size, declared, response, time.monotonic() - started))

    for path, size, declared, response, elapsed in results:
        case = f"{path} {size} bytes {'declared' if declared else 'streamed'}"
        assert response.status_code == 413, case
        assert _error_code(path, response) == "body_too_large", case
        assert elapsed < 10, f"{case}: 413 took {elapsed:.1f} s"
    health.assert_responsive()

    # The limit is inclusive: a body of exactly LA_MAX_BODY_BYTES still reaches the route.
    head = b'{"query": "{ __typename }"'
    body = head + b" " * (LIMIT - len(head) - 1) + b"}"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=60) as client:
        at_limit = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert len(body) == LIMIT
    assert at_limit.status_code == 200
    assert at_limit.json() == {"data": {"__typename": "Query"}}


DEEP_ARRAY = b"[" * 100_000 + b"]" * 100_000
DEEP_OBJECT = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "body",
    [b"null", b"[]", b'"a string"', b"42", b"true", b"{not json", b"", DEEP_ARRAY, DEEP_OBJECT],
    ids=["null", "array", "string", "number", "boolean", "invalid", "empty", "deep-array", "deep-object"],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(
    app_client: httpx.AsyncClient, database_url: str, path: str, body: bytes
) -> None:
    async with unchanged_rows(database_url):
        response = await app_client.post(path, content=body, headers={"content-type": "application/json"})

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    if path == "/graphql":
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    else:
        assert response.json()["error"]["field"] == "body"


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        None,
    ],
)
async def test_a_write_not_declared_as_json_is_a_415_and_stores_nothing(
    app_client: httpx.AsyncClient, database_url: str, path: str, content_type: str | None
) -> None:
    # The body itself is a valid write: only its declared type is wrong, as in a cross-site form post.
    body = orjson.dumps(_write_for(path))
    headers = {"content-type": content_type} if content_type else {}
    async with unchanged_rows(database_url):
        response = await app_client.post(path, content=body, headers=headers)

    assert response.status_code == 415
    assert _error_code(path, response) == "unsupported_media_type"


@pytest.mark.parametrize("path", PATHS)
async def test_the_same_write_declared_as_json_is_stored(app_client: httpx.AsyncClient, path: str) -> None:
    response = await app_client.post(
        path,
        content=orjson.dumps(_write_for(path)),
        headers={"content-type": "application/json; charset=utf-8"},
    )

    assert response.status_code == 200, response.text
    assert "errors" not in response.json()


GRAPHQL_READ = "/graphql?query=%7Bviewer%7Bid%7D%7D"


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:8000", "127.0.0.1.nip.io:8000", "127.0.0.1:8001", "10.0.0.1:8000", ""],
)
async def test_in_single_user_mode_a_foreign_host_is_a_421(
    app_client: httpx.AsyncClient, database_url: str, host: str
) -> None:
    async with unchanged_rows(database_url):
        read = await app_client.get(GRAPHQL_READ, headers={"host": host})
        write = await app_client.post("/api/analytics/events", json=_batch(), headers={"host": host})
        probe = await app_client.get("/healthz", headers={"host": host})

    assert read.status_code == write.status_code == 421
    assert read.json()["errors"][0]["extensions"]["code"] == "MISDIRECTED_REQUEST"
    assert write.json()["error"]["field"] == "Host"
    assert probe.status_code == 200  # probes carry no user data


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST.:8000", "[::1]:8000", "127.0.0.1"]
)
async def test_in_single_user_mode_the_loopback_names_are_served(
    app_client: httpx.AsyncClient, host: str
) -> None:
    response = await app_client.get(GRAPHQL_READ, headers={"host": host})

    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": {"id": "default"}}}


async def test_auth_off_checks_the_host_too_and_allowed_hosts_widen_it(settings: Settings) -> None:
    off = settings.model_copy(update={"auth": AuthMode.OFF})
    widened = off.model_copy(update={"allowed_hosts": ["analytics.internal"]})
    async with client_for(off) as client:
        refused = await client.get(GRAPHQL_READ, headers={"host": "analytics.internal:8000"})
    async with client_for(widened) as client:
        allowed = await client.get(GRAPHQL_READ, headers={"host": "analytics.internal:8000"})
        other = await client.get(GRAPHQL_READ, headers={"host": "evil.example:8000"})

    assert (refused.status_code, allowed.status_code, other.status_code) == (421, 200, 421)


async def test_once_keys_are_required_the_key_is_the_protection_whatever_the_host(
    settings: Settings, runtime: Runtime
) -> None:
    now = datetime.now(UTC)
    await users.create_user(runtime.db, user_id="ada", name="Ada", timezone="UTC", now=now)
    key = await users.create_key(runtime.db, user_id="ada", now=now)
    async with client_for(settings) as client:
        with_key = await client.get(
            GRAPHQL_READ, headers={"host": "api.example.com", "authorization": f"Bearer {key}"}
        )
        without = await client.get(GRAPHQL_READ, headers={"host": "api.example.com"})

    assert with_key.status_code == 200
    assert with_key.json() == {"data": {"viewer": {"id": "ada"}}}
    assert without.status_code == 401
