"""Users and keys: every request is scoped to its key's user; single-user mode only on loopback."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from abuse.conftest import start_server, stop_server
from support import client_for, events, exchange, feedback, gql, run_cli, session

from learning_analytics.config import AuthMode, Settings
from learning_analytics.resolvers import users as user_admin
from learning_analytics.resolvers.auth import bind_refusal
from learning_analytics.resolvers.key_cache import NO_KEYS_SECONDS
from learning_analytics.resolvers.runtime import Runtime
from learning_analytics.storage import users
from learning_analytics.storage.tables import keys_t

NOW = datetime.now(UTC).replace(microsecond=0)


async def _keys(runtime: Runtime) -> tuple[str, str]:
    await users.create_user(runtime.db, user_id="alice", name="Alice", timezone="Europe/Paris", now=NOW)
    await users.create_user(runtime.db, user_id="bob", name="Bob", timezone="Asia/Kolkata", now=NOW)
    return (
        await users.create_key(runtime.db, user_id="alice", now=NOW),
        await users.create_key(runtime.db, user_id="bob", now=NOW),
    )


def _alice_events() -> dict:
    start = NOW - timedelta(hours=5)
    return events(
        [session("a1", start)],
        [exchange("a1-e1", "a1", start + timedelta(minutes=1))],
        [feedback("a1-f1", "a1-e1", start + timedelta(minutes=2))],
    )


async def test_each_key_sees_only_its_own_user(settings: Settings, runtime: Runtime) -> None:
    alice, bob = await _keys(runtime)
    async with client_for(settings) as client:
        stored = await client.post(
            "/api/analytics/events", json=_alice_events(), headers={"Authorization": f"Bearer {alice}"}
        )
        assert stored.json()["accepted"] == 3

        as_alice = await gql(
            client, "{ viewer { id timezone } sessions { totalCount } }", Authorization=f"Bearer {alice}"
        )
        as_bob = await gql(
            client, "{ viewer { id timezone } sessions { totalCount } }", Authorization=f"Bearer {bob}"
        )

    assert as_alice["data"] == {
        "viewer": {"id": "alice", "timezone": "Europe/Paris"},
        "sessions": {"totalCount": 1},
    }
    assert as_bob["data"] == {
        "viewer": {"id": "bob", "timezone": "Asia/Kolkata"},
        "sessions": {"totalCount": 0},
    }


async def test_a_user_cannot_write_onto_another_users_objects(settings: Settings, runtime: Runtime) -> None:
    alice, bob = await _keys(runtime)
    async with client_for(settings) as client:
        await client.post(
            "/api/analytics/events", json=_alice_events(), headers={"Authorization": f"Bearer {alice}"}
        )

        # Bob refers to Alice's session and exchange: for him they do not exist.
        r = await client.post(
            "/api/analytics/events",
            json=events(feedback=[feedback("b-f1", "a1-e1", NOW - timedelta(hours=1))]),
            headers={"Authorization": f"Bearer {bob}"},
        )

    assert r.status_code == 400
    assert r.json()["error"]["code"] == "unknown_exchange"


@pytest.mark.parametrize("header", [None, "Bearer la_wrong", "Basic YWxpY2U6eA=="])
async def test_once_a_key_exists_requests_without_a_valid_one_get_401(
    settings: Settings, runtime: Runtime, header: str | None
) -> None:
    await _keys(runtime)
    headers = {"Authorization": header} if header else {}
    async with client_for(settings) as client:
        graphql = await client.post("/graphql", json={"query": "{ viewer { id } }"}, headers=headers)
        rest = await client.post("/api/analytics/events", json=_alice_events(), headers=headers)
        health = await client.get("/healthz")

    assert graphql.status_code == rest.status_code == 401
    assert rest.json()["error"]["code"] == "unauthenticated"
    assert rest.headers["www-authenticate"] == "Bearer"
    assert health.status_code == 200


async def test_without_keys_the_default_user_answers(app_client: httpx.AsyncClient) -> None:
    body = await gql(app_client, "{ viewer { id name timezone } }")

    assert body["data"]["viewer"]["id"] == "default"


async def test_auth_off_ignores_keys(settings: Settings, runtime: Runtime) -> None:
    await _keys(runtime)
    async with client_for(settings.model_copy(update={"auth": AuthMode.OFF})) as client:
        body = await gql(client, "{ viewer { id } }")

    assert body["data"]["viewer"]["id"] == "default"


@pytest.mark.parametrize(
    ("host", "keys", "auth", "refused"),
    [
        ("127.0.0.1", False, AuthMode.AUTO, False),
        ("::1", False, AuthMode.AUTO, False),
        ("localhost", False, AuthMode.AUTO, False),
        ("0.0.0.0", False, AuthMode.AUTO, True),
        ("192.0.2.10", False, AuthMode.AUTO, True),
        ("0.0.0.0", True, AuthMode.AUTO, False),
        ("0.0.0.0", False, AuthMode.OFF, False),
    ],
)
def test_single_user_mode_refuses_a_non_loopback_bind(
    host: str, keys: bool, auth: AuthMode, refused: bool
) -> None:
    reason = bind_refusal(Settings(auth=auth), host=host, keys_exist=keys)

    assert (reason is not None) == refused
    if reason:
        assert "LA_AUTH=off" in reason and host in reason


VIEWER = {"query": "{ viewer { id } }"}


async def test_internal_cache_names_are_no_keys_right_after_the_first_key_is_created(
    settings: Settings, runtime: Runtime
) -> None:
    async with client_for(settings) as client:
        before = await gql(client, "{ viewer { id } }")  # single-user mode: the default user is cached
        alice, _ = await _keys(runtime)
        await asyncio.sleep(NO_KEYS_SECONDS + 0.2)  # past the moment "no key exists" is believed
        named = {
            name: await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {name}"})
            for name in ("__default__", "__any__", "default")
        }
        real = await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {alice}"})

    assert before["data"]["viewer"]["id"] == "default"
    assert {name: r.status_code for name, r in named.items()} == {
        "__default__": 401,
        "__any__": 401,
        "default": 401,
    }
    assert real.json() == {"data": {"viewer": {"id": "alice"}}}


async def test_the_graphiql_page_is_served_without_a_key_once_keys_exist(
    settings: Settings, runtime: Runtime
) -> None:
    await _keys(runtime)
    async with client_for(settings) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})
        query_as_page = await client.get(
            "/graphql?query=%7Bviewer%7Bid%7D%7D", headers={"Accept": "text/html"}
        )

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html") and "graphiql" in page.text.lower()
    assert query_as_page.status_code == 401  # a query is not the page: it needs a key


@pytest.mark.parametrize("with_keys", [False, True], ids=["single-user", "keys"])
async def test_graphiql_switched_off_is_a_404(settings: Settings, runtime: Runtime, with_keys: bool) -> None:
    if with_keys:
        await _keys(runtime)
    async with client_for(settings.model_copy(update={"graphiql": False})) as client:
        page = await client.get("/graphql", headers={"Accept": "text/html"})

    assert page.status_code == 404
    assert page.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_key_revoked_in_this_process_stops_working_at_once(
    settings: Settings, runtime: Runtime
) -> None:
    alice, bob = await _keys(runtime)
    prefix = alice[:10]
    async with client_for(settings) as client:
        headers = {"Authorization": f"Bearer {alice}"}
        before = await client.post("/graphql", json=VIEWER, headers=headers)  # now cached
        revoked = await user_admin.revoke_key(client.app.state.runtime, ref=prefix)  # type: ignore[attr-defined]
        after = await client.post("/graphql", json=VIEWER, headers=headers)
        other = await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {bob}"})

    assert before.status_code == 200
    assert (revoked.user_id, revoked.prefix) == ("alice", prefix)
    assert after.status_code == 401
    assert other.json() == {"data": {"viewer": {"id": "bob"}}}


async def test_a_key_revoked_by_the_cli_stops_working_in_a_running_server_within_seconds(
    settings: Settings, runtime: Runtime
) -> None:
    alice, bob = await _keys(runtime)
    server = start_server(settings.database_url)
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
            headers = {"Authorization": f"Bearer {alice}"}
            assert (await client.post("/graphql", json=VIEWER, headers=headers)).status_code == 200
            result = run_cli(settings, "users", "revoke-key", alice[:10])
            revoked_at = time.monotonic()
            while (
                status := (await client.post("/graphql", json=VIEWER, headers=headers)).status_code
            ) == 200:
                assert time.monotonic() - revoked_at < settings.key_cache_seconds + 2, "still accepted"
                await asyncio.sleep(0.2)
            other = await client.post("/graphql", json=VIEWER, headers={"Authorization": f"Bearer {bob}"})
    finally:
        stop_server(server)

    assert "revoked key" in result.stdout and "alice" in result.stdout
    assert status == 401
    assert other.json() == {"data": {"viewer": {"id": "bob"}}}
    assert await users.user_for_key(runtime.db, key=alice) is None


async def test_users_keys_lists_prefixes_and_creation_times_never_the_keys(
    settings: Settings, runtime: Runtime
) -> None:
    alice, bob = await _keys(runtime)

    everyone = run_cli(settings, "users", "keys").stdout
    only_bob = run_cli(settings, "users", "keys", "bob").stdout

    assert alice[:10] in everyone and bob[:10] in everyone
    assert NOW.date().isoformat() in everyone
    assert alice[:10] not in only_bob and bob[:10] in only_bob
    for listing in (everyone, only_bob):
        assert alice not in listing and bob not in listing
        assert users.hash_key(alice) not in listing and users.hash_key(bob) not in listing


async def test_revoke_key_refuses_an_unknown_or_ambiguous_reference(
    settings: Settings, runtime: Runtime
) -> None:
    alice, _ = await _keys(runtime)
    async with runtime.db.write() as conn:  # a second key that happens to share alice's prefix
        await conn.execute(
            keys_t.insert().values(
                id="k-twin", user_id="bob", key_hash="0" * 64, prefix=alice[:10], created_at=NOW
            )
        )

    unknown = run_cli(settings, "users", "revoke-key", "la_nothing", check=False)
    ambiguous = run_cli(settings, "users", "revoke-key", alice[:10], check=False)

    assert unknown.returncode != 0 and "la_nothing" in unknown.stderr + unknown.stdout
    assert ambiguous.returncode != 0 and "k-twin" in ambiguous.stderr + ambiguous.stdout
    assert await users.user_for_key(runtime.db, key=alice) is not None  # nothing was revoked
