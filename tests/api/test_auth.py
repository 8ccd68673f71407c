"""Users and keys: every request is scoped to its key's user; single-user mode only on loopback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from support import client_for, events, exchange, feedback, gql, session

from learning_analytics.config import AuthMode, Settings
from learning_analytics.resolvers.auth import bind_refusal
from learning_analytics.resolvers.services import Services
from learning_analytics.storage import users

NOW = datetime.now(UTC).replace(microsecond=0)


async def _keys(services: Services) -> tuple[str, str]:
    await users.create_user(services.db, user_id="alice", name="Alice", timezone="Europe/Paris", now=NOW)
    await users.create_user(services.db, user_id="bob", name="Bob", timezone="Asia/Kolkata", now=NOW)
    return (
        await users.create_key(services.db, user_id="alice", now=NOW),
        await users.create_key(services.db, user_id="bob", now=NOW),
    )


def _alice_events() -> dict:
    start = NOW - timedelta(hours=5)
    return events(
        [session("a1", start)],
        [exchange("a1-e1", "a1", start + timedelta(minutes=1))],
        [feedback("a1-f1", "a1-e1", start + timedelta(minutes=2))],
    )


async def test_each_key_sees_only_its_own_user(settings: Settings, services: Services) -> None:
    alice, bob = await _keys(services)
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


async def test_a_user_cannot_write_onto_another_users_objects(settings: Settings, services: Services) -> None:
    alice, bob = await _keys(services)
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
    settings: Settings, services: Services, header: str | None
) -> None:
    await _keys(services)
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


async def test_auth_off_ignores_keys(settings: Settings, services: Services) -> None:
    await _keys(services)
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
