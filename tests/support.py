"""Helpers shared by tests: an HTTP client on the real app, GraphQL calls, and event builders."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from learning_analytics.app import create_app
from learning_analytics.config import Settings


class client_for:
    def __init__(self, settings: Settings) -> None:
        self.app = create_app(settings)
        self._lifespan: Any = None
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> httpx.AsyncClient:
        self._lifespan = self.app.router.lifespan_context(self.app)
        await self._lifespan.__aenter__()
        transport = httpx.ASGITransport(app=self.app)
        self._client = httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000", timeout=60)
        self._client.app = self.app  # type: ignore[attr-defined]
        return self._client

    async def __aexit__(self, *exc: object) -> None:
        assert self._client is not None
        await self._client.aclose()
        await self._lifespan.__aexit__(*exc)


async def gql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, **headers: str
) -> Any:
    """POST a GraphQL operation and return the decoded body."""
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


def run_cli(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `learning-analytics ARGS` in its own process on the test database."""
    env = {**os.environ, "LA_DATABASE_URL": settings.database_url, "LA_SCHEDULER": "off", "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-m", "learning_analytics.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat()


def session(sid: str, started: datetime, minutes: float | None = 30, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": sid, "started_at": iso(started)}
    if minutes is not None:
        body["ended_at"] = iso(started + timedelta(minutes=minutes))
    body.update(extra)
    return body


def exchange(eid: str, sid: str, at: datetime, quality: float | None = 0.8, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": eid, "session_id": sid, "occurred_at": iso(at)}
    if quality is not None:
        body["quality"] = {"composite": quality}
    body.update(extra)
    return body


def feedback(fid: str, eid: str, at: datetime, kind: str = "thumbs_up", **extra: Any) -> dict[str, Any]:
    return {"id": fid, "exchange_id": eid, "kind": kind, "created_at": iso(at), **extra}


def events(
    sessions: list[dict[str, Any]] | None = None,
    exchanges: list[dict[str, Any]] | None = None,
    feedback: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    return {"sessions": sessions or [], "exchanges": exchanges or [], "feedback": feedback or []}
