"""The response cache through the real app, in memory and on the local Redis: hits answer stored bytes
without SQL or resolvers, invalidation is per learner, TTLs and stale-while-revalidate follow the
cache's clock, and no answer ever crosses learners."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from conftest import StatementCounter
from sqlalchemy import event
from support import client_for

from learning_analytics.config import AuthMode, CacheSettings, Settings
from learning_analytics.domain.models import EventBatch, SessionInput
from learning_analytics.resolvers import overview as overview_resolver
from learning_analytics.resolvers import rollups
from learning_analytics.resolvers.context import build_context
from learning_analytics.resolvers.ingest import ingest_batch
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.rest import cache as rest_cache
from learning_analytics.schema import view as graphql_view
from learning_analytics.storage import users

REDIS_URL = os.environ.get("LA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)
OVERVIEW = "{ overview(period: LAST_7_DAYS) { summary { totalSessions } meta { cached stale } } }"


def redis_settings(settings: Settings) -> Settings:
    """The settings on the local Redis, under a prefix of this test alone (parallel runs never meet)."""
    return settings.model_copy(
        update={"cache_url": REDIS_URL, "cache": CacheSettings(key_prefix=f"la-test-{uuid.uuid4().hex}:")}
    )


@pytest.fixture(params=["memory", "redis"])
def cache_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    return redis_settings(settings) if request.param == "redis" else settings


def sessions(prefix: str, days: int) -> EventBatch:
    """One 30-minute session on each of the `days` days before NOW's day."""
    return EventBatch(
        sessions=tuple(
            SessionInput(
                id=f"{prefix}{d}",
                started_at=NOW - timedelta(days=d, hours=1),
                ended_at=NOW - timedelta(days=d, minutes=30),
            )
            for d in range(1, days + 1)
        )
    )


@dataclass
class Service:
    client: httpx.AsyncClient
    runtime: Runtime
    keys: dict[str, str]
    clock: list[float]

    async def overview(self, who: str, query: str = OVERVIEW) -> httpx.Response:
        r = await self.client.post("/graphql", json={"query": query}, headers=self.auth(who))
        assert r.status_code == 200, r.text
        return r

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}


async def start(settings: Settings, runtime: Runtime) -> AsyncIterator[Service]:
    """ada studied 3 days, bob 5 (folded); the app's clock is NOW, its cache's clock `clock[0]`."""
    keys = {}
    for uid, days in (("ada", 3), ("bob", 5)):
        user = await users.create_user(runtime.db, user_id=uid, name=uid, timezone="UTC", now=NOW)
        keys[uid] = await users.create_key(runtime.db, user_id=uid, now=NOW)
        await ingest_batch(build_context(runtime, user, now=NOW), sessions(uid, days))
    await rollups.fold(runtime, now=NOW)
    async with client_for(settings) as client:
        app_runtime: Runtime = client.app.state.runtime  # type: ignore[attr-defined]
        app_runtime.clock = lambda: NOW
        clock = [1_000_000.0]
        app_runtime.cache.clock = lambda: clock[0]
        yield Service(client, app_runtime, keys, clock)


@pytest.fixture
async def service(cache_settings: Settings, runtime: Runtime) -> AsyncIterator[Service]:
    # The auth middleware's key check reads the database every `key_cache_seconds`: not within a test.
    async for s in start(cache_settings.model_copy(update={"key_cache_seconds": 60}), runtime):
        yield s


@contextmanager
def counted(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[StatementCounter, list[int]]]:
    """SQL statements sent by the app, and calls of the overview use case, while active."""
    counter = StatementCounter()
    engines = {service.runtime.db.reader.sync_engine, service.runtime.db.writer.sync_engine}
    for engine in engines:
        event.listen(engine, "before_cursor_execute", counter)
    calls = [0]
    real = overview_resolver.overview

    async def counting(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return await real(*args, **kwargs)

    monkeypatch.setattr(overview_resolver, "overview", counting)
    counter.active = True
    try:
        yield counter, calls
    finally:
        counter.active = False
        for engine in engines:
            event.remove(engine, "before_cursor_execute", counter)


def meta(r: httpx.Response) -> dict[str, Any]:
    return dict(r.json()["data"]["overview"]["meta"])


def total(r: httpx.Response) -> int:
    return int(r.json()["data"]["overview"]["summary"]["totalSessions"])


async def test_a_repeated_query_is_answered_from_the_cache_without_sql_or_resolvers(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await service.overview("ada")
    with counted(service, monkeypatch) as (statements, calls):
        # The same document with other whitespace and a comment normalises to the same key.
        second = await service.overview("ada", "# again\n" + OVERVIEW.replace(" ", "  "))
        sql, resolver_calls = list(statements.statements), calls[0]

    assert meta(first) == {"cached": False, "stale": False} and "extensions" not in first.json()
    assert meta(second) == {"cached": True, "stale": False}
    assert second.json()["extensions"] == {"cache": {"cached": True, "stale": False}}
    assert total(first) == total(second) == 3
    assert second.headers["x-cache"] == "HIT"
    assert sql == [] and resolver_calls == 0


async def test_two_learners_asking_the_same_document_each_get_their_own_answer(service: Service) -> None:
    answers = {who: [total(await service.overview(who)) for _ in range(2)] for who in ("ada", "bob")}
    cached = [meta(await service.overview(who))["cached"] for who in ("ada", "bob")]

    assert answers == {"ada": [3, 3], "bob": [5, 5]}
    assert cached == [True, True]


async def test_ingestion_for_one_learner_invalidates_their_answers_only(service: Service) -> None:
    for who in ("ada", "bob"):
        await service.overview(who)
    r = await service.client.post(
        "/api/analytics/events",
        json={"sessions": [{"id": "late", "started_at": (NOW - timedelta(hours=3)).isoformat()}]},
        headers=service.auth("ada"),
    )
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text

    ada, bob = await service.overview("ada"), await service.overview("bob")
    assert meta(ada)["cached"] is False and meta(bob)["cached"] is True
    # The fold that moves ada's rollups invalidates her answers again, and now they count the session.
    await service.overview("ada")
    await rollups.fold(service.runtime, now=NOW)
    after = await service.overview("ada")
    assert (meta(after)["cached"], total(after)) == (False, 4)
    assert meta(await service.overview("bob"))["cached"] is True


async def test_a_mutation_invalidates_its_learner_and_is_never_cached(service: Service) -> None:
    await service.overview("bob")
    await service.overview("ada")
    mutation = """mutation { recordSession(input: {id: "m1", startedAt: "2026-03-18T10:00:00Z"}) {
                   __typename } }"""
    replies = [await service.overview("bob", mutation) for _ in range(2)]

    assert [r.json()["data"]["recordSession"]["__typename"] for r in replies] == ["Session", "Session"]
    assert all("x-cache" not in r.headers and "extensions" not in r.json() for r in replies)
    assert meta(await service.overview("bob"))["cached"] is False
    assert meta(await service.overview("ada"))["cached"] is True


async def test_introspection_and_errors_are_never_cached(service: Service) -> None:
    for query in ("{ __schema { queryType { name } } }", "{ overview(period: NOPE) { period } }"):
        replies = [await service.overview("ada", query) for _ in range(2)]
        assert all("x-cache" not in r.headers and "extensions" not in r.json() for r in replies), query


async def test_an_answer_expires_after_its_ttl_and_is_served_stale_while_it_is_refreshed(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    # overview: fresh for 300 s, then served stale for 60 s while one refresh recomputes it.
    start = service.clock[0]
    await service.overview("ada")
    service.clock[0] = start + 299
    fresh = await service.overview("ada")
    service.clock[0] = start + 301
    with counted(service, monkeypatch) as (statements, calls):
        stale = await service.overview("ada")  # served, then refreshed after the response
    refreshed_sql, refresh_calls = len(statements.statements), calls[0]
    service.clock[0] = start + 302
    with counted(service, monkeypatch) as (statements, calls):
        after_refresh = await service.overview("ada")
    hit_sql, hit_calls = list(statements.statements), calls[0]
    service.clock[0] = start + 302 + 361
    expired = await service.overview("ada")

    assert meta(fresh) == {"cached": True, "stale": False}
    assert meta(stale) == {"cached": True, "stale": True}
    assert stale.json()["extensions"] == {"cache": {"cached": True, "stale": True}}
    assert stale.headers["x-cache"] == "STALE"
    assert refreshed_sql > 0 and refresh_calls == 1, (refreshed_sql, refresh_calls)  # the refresh ran once
    assert meta(after_refresh) == {"cached": True, "stale": False}  # the refreshed answer, fresh again
    assert hit_sql == [] and hit_calls == 0
    assert meta(expired) == {"cached": False, "stale": False}


async def test_the_rest_overview_is_cached_with_an_etag_and_answers_304(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def get(who: str, query: str, **headers: str) -> httpx.Response:
        return await service.client.get(
            f"/api/analytics/overview?{query}", headers={**service.auth(who), **headers}
        )

    first = await get("ada", "start=2026-03-12&end=2026-03-18")
    with counted(service, monkeypatch) as (statements, calls):
        # The same parameters in another order share the answer.
        second = await get("ada", "end=2026-03-18&start=2026-03-12")
        sql, resolver_calls = list(statements.statements), calls[0]
    etag = second.headers["etag"]
    not_modified = await get("ada", "start=2026-03-12&end=2026-03-18", **{"If-None-Match": etag})
    other = await get("bob", "start=2026-03-12&end=2026-03-18")
    bad = [await get("ada", "period=8d") for _ in range(2)]

    def summary(r: httpx.Response) -> tuple[int, bool]:
        body = r.json()
        return body["summary"]["total_sessions"], body["meta"]["cached"]

    assert (first.status_code, summary(first), first.headers["x-cache"]) == (200, (3, False), "MISS")
    assert (summary(second), second.headers["x-cache"]) == ((3, True), "HIT")
    assert sql == [] and resolver_calls == 0
    assert first.headers["etag"] == etag
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert summary(other) == (5, False)
    # A refused request is never stored: both answers are the route's own 400.
    assert [r.status_code for r in bad] == [400, 400] and "x-cache" not in bad[1].headers


async def test_a_cached_rest_answer_goes_when_its_learner_ingests(service: Service) -> None:
    url = "/api/analytics/overview?period=7d"
    for who in ("ada", "bob"):
        await service.client.get(url, headers=service.auth(who))
    r = await service.client.post(
        "/api/analytics/events",
        json={"sessions": [{"id": "late", "started_at": (NOW - timedelta(hours=3)).isoformat()}]},
        headers=service.auth("ada"),
    )
    assert r.status_code == 200, r.text
    ada = await service.client.get(url, headers=service.auth("ada"))
    bob = await service.client.get(url, headers=service.auth("bob"))

    assert ada.headers["x-cache"] == "MISS" and ada.json()["meta"]["cached"] is False
    assert bob.headers["x-cache"] == "HIT" and bob.json()["meta"]["cached"] is True


async def test_a_query_sent_by_get_is_cached_and_keyed_on_its_variables(service: Service) -> None:
    query = "query($p: Period!) { overview(period: $p) { summary { totalSessions } meta { cached } } }"

    async def get(period: str) -> httpx.Response:
        params = {"query": query, "variables": f'{{"p": "{period}"}}'}
        r = await service.client.get("/graphql", params=params, headers=service.auth("ada"))
        assert r.status_code == 200, r.text
        return r

    first, again, other = await get("LAST_7_DAYS"), await get("LAST_7_DAYS"), await get("LAST_30_DAYS")

    assert [meta(r)["cached"] for r in (first, again, other)] == [False, True, False]
    assert total(again) == total(other) == 3


# The fast way (`edge.hits`): a fresh hit is answered before the metrics, edge and authentication
# middleware and the routing run, with exactly what they would have added, and nothing else changes.


@contextmanager
def full_way_forbidden(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """While active, a cached answer served by the routes' own hit code fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a fresh hit went the full way")

    monkeypatch.setattr(rest_cache, "_served", refuse)
    monkeypatch.setattr(graphql_view, "send_cached", refuse)
    yield
    monkeypatch.undo()


async def counters(client: httpx.AsyncClient) -> dict[str, float]:
    """The request and cache-lookup counters of /metrics, by sample line."""
    text = (await client.get("/metrics")).text
    wanted = ("analytics_dashboard_requests_total{", "analytics_cache_lookups_total{")
    return {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith(wanted)
    }


EDGE_HEADERS = {"x-request-id", "x-content-type-options", "referrer-policy", "x-frame-options"}


async def test_a_fresh_hit_is_answered_before_routing_with_the_edge_headers_and_counted(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    rest_url = "/api/analytics/overview?period=7d"
    rest_miss = await service.client.get(rest_url, headers=service.auth("ada"))
    graphql_miss = await service.overview("ada")
    before = await counters(service.client)
    with full_way_forbidden(monkeypatch):
        rest_hit = await service.client.get(
            rest_url, headers={**service.auth("ada"), "X-Request-ID": "trace-7"}
        )
        graphql_hit = await service.overview("ada")
        not_modified = await service.client.get(
            rest_url, headers={**service.auth("ada"), "If-None-Match": rest_miss.headers["etag"]}
        )
    after = await counters(service.client)

    def grew(sample: str) -> float:
        return after.get(sample, 0.0) - before.get(sample, 0.0)

    assert rest_hit.status_code == 200 and rest_hit.headers["x-cache"] == "HIT"
    assert rest_hit.json() == {**rest_miss.json(), "meta": {**rest_miss.json()["meta"], "cached": True}}
    assert rest_hit.headers["etag"] == rest_miss.headers["etag"]
    assert rest_hit.headers["x-request-id"] == "trace-7"
    assert rest_hit.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert int(rest_hit.headers["content-length"]) == len(rest_hit.content)
    for r in (rest_hit, graphql_hit, not_modified):
        assert r.headers.keys() >= EDGE_HEADERS, r.headers
    assert graphql_hit.json()["data"] == {
        "overview": {**graphql_miss.json()["data"]["overview"], "meta": {"cached": True, "stale": False}}
    }
    assert (not_modified.status_code, not_modified.content) == (304, b"")
    assert not_modified.headers["etag"] == rest_miss.headers["etag"]
    # Counted as the metrics middleware counts the full way: by endpoint and status, and as hits.
    assert grew('analytics_dashboard_requests_total{endpoint="/api/analytics/overview",status="200"}') == 1
    assert grew('analytics_dashboard_requests_total{endpoint="/api/analytics/overview",status="304"}') == 1
    assert grew('analytics_dashboard_requests_total{endpoint="/graphql",status="200"}') == 1
    assert grew('analytics_cache_lookups_total{result="hit"}') == 3


async def test_the_fast_way_refuses_what_the_full_way_refuses(service: Service) -> None:
    await service.overview("ada")  # ada's answer is in the cache from here on
    await service.client.get("/api/analytics/overview?period=7d", headers=service.auth("ada"))
    body = json.dumps({"query": OVERVIEW}).encode()
    limit = service.runtime.settings.max_body_bytes

    no_key = await service.client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    bad_key = await service.client.get(
        "/api/analytics/overview?period=7d", headers={"Authorization": "Bearer nope"}
    )
    as_text = await service.client.post(
        "/graphql", content=body, headers={**service.auth("ada"), "Content-Type": "text/plain"}
    )
    padded = body[:-1] + b" " * limit + b"}"
    too_large = await service.client.post(
        "/graphql", content=padded, headers={**service.auth("ada"), "Content-Type": "application/json"}
    )

    async def streamed() -> AsyncIterator[bytes]:  # no Content-Length: the fast way leaves it alone
        yield body[:10]
        yield body[10:]

    chunked = await service.client.post(
        "/graphql", content=streamed(), headers={**service.auth("ada"), "Content-Type": "application/json"}
    )

    assert [r.status_code for r in (no_key, bad_key)] == [401, 401]
    assert bad_key.json()["error"]["field"] == "Authorization" and "data" not in no_key.json()
    assert as_text.status_code == 415 and too_large.status_code == 413
    assert chunked.status_code == 200 and meta(chunked) == {"cached": True, "stale": False}
    for r in (no_key, bad_key, as_text, too_large, chunked):
        assert r.headers.keys() >= EDGE_HEADERS, r.headers


async def test_without_keys_a_foreign_host_is_refused_even_for_a_cached_answer(
    settings: Settings, runtime: Runtime
) -> None:
    open_settings = settings.model_copy(update={"auth": AuthMode.OFF})
    async with client_for(open_settings) as client:
        url = "/api/analytics/overview?period=7d"
        first, second = await client.get(url), await client.get(url)
        foreign = await client.get(url, headers={"Host": "rebound.example"})

    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert foreign.status_code == 421 and foreign.json()["error"]["field"] == "Host"


async def test_a_failure_of_the_short_way_leaves_the_request_to_the_full_way(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    await service.overview("ada")

    async def broken(user_id: str, key: bytes) -> None:
        raise RuntimeError("the short way broke")

    monkeypatch.setattr(service.runtime.cache, "fresh", broken)
    answer = await service.overview("ada")

    assert answer.headers["x-cache"] == "HIT" and meta(answer) == {"cached": True, "stale": False}


async def test_what_an_attacker_sends_gets_the_same_answer_cached_or_not(service: Service) -> None:
    """Requests the full way refuses are refused however much of their answer the cache holds."""
    url = "/api/analytics/progress?metrics=sessions&period=7d"
    await service.client.get(url, headers=service.auth("ada"))  # cached from here on
    await service.overview("ada")
    # A decoded `&` inside a value is a value, not a second parameter: no stored answer fits it.
    smuggled = await service.client.get(
        "/api/analytics/progress?metrics=sessions%26period%3D7d", headers=service.auth("ada")
    )
    padded = await service.client.get(url + "&" * 3000, headers=service.auth("ada"))  # past the length
    declared = await service.client.get(url, headers={**service.auth("ada"), "Content-Length": "99999999999"})
    # Variables nested past what the cache can key are the schema's to judge, never a 500.
    nested: object = []
    for _ in range(300):
        nested = [nested]
    deep = await service.client.post(
        "/graphql", json={"query": OVERVIEW, "variables": {"x": nested}}, headers=service.auth("ada")
    )
    # A media type in other letters: whatever the schema answers uncached, the cache answers too.
    body = json.dumps({"query": OVERVIEW}).encode()
    cased = [
        await service.client.post(
            "/graphql", content=json.dumps({"query": q}).encode() if q else body,
            headers={**service.auth("ada"), "Content-Type": "Application/JSON"},
        )
        for q in (None, "{ again: overview(period: LAST_7_DAYS) { summary { totalSessions } } }")
    ]  # fmt: skip

    assert smuggled.status_code == 400, smuggled.text
    assert padded.status_code == 400 and padded.json()["error"]["code"] == "query_too_long"
    assert declared.status_code == 413
    assert deep.status_code == 200 and "x-cache" not in deep.headers, deep.text
    assert cased[0].status_code == cased[1].status_code and "x-cache" not in cased[0].headers


async def test_a_request_without_a_key_is_refused_before_its_body_is_read(service: Service) -> None:
    app = service.client.app  # type: ignore[attr-defined]
    sent: list[dict[str, Any]] = []
    reads = [0]

    async def never_ending_body() -> dict[str, Any]:
        reads[0] += 1
        await asyncio.Event().wait()  # a client that never sends its body
        raise AssertionError("unreachable")

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/graphql", "raw_path": b"/graphql", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                    (b"content-length", b"1000000")],
        "client": ("127.0.0.1", 5000), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    await asyncio.wait_for(app(scope, never_ending_body, send), timeout=10)

    assert sent[0]["status"] == 401 and reads[0] == 0
