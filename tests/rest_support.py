"""REST tests' helpers: a small hand-made dataset, and checking answers against the OpenAPI document
the app serves."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from support import events, exchange, feedback, session


async def openapi(client: httpx.AsyncClient) -> dict[str, Any]:
    r = await client.get("/api/analytics/openapi.json")
    assert r.status_code == 200, r.text
    return r.json()


def answer_schema(doc: dict[str, Any], path: str, method: str = "get", status: str = "200") -> dict[str, Any]:
    operation = doc["paths"][path][method]
    return operation["responses"][status]["content"]["application/json"]["schema"]


def assert_matches(
    doc: dict[str, Any], path: str, body: Any, *, method: str = "get", status: str = "200"
) -> None:
    """`body` is valid against the document's schema of that answer (dates and date-times checked too)."""
    schema = {**answer_schema(doc, path, method, status), "components": doc["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


NOW = datetime(2026, 3, 18, 15, 30, tzinfo=UTC)  # a Wednesday afternoon
TODAY = NOW.date()
QUALITY = (0.8 + 0.7 + 0.5 + 0.9 + 4 * 0.7) / 8  # exchange-weighted; D is a summary of 4 exchanges at 0.7


def at(days_ago: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days_ago), time(hour, minute), tzinfo=UTC)


def dataset() -> dict[str, Any]:
    """Current 7 days: A (yesterday, 30 min), D (2 days ago, summary, 15 min), B (3 days ago, 60 min);
    previous 7 days: C (10 days ago, 20 min)."""
    return events(
        [
            session("A", at(1), 30, topics=["python"]),
            session("B", at(3), 60),
            session("C", at(10), 20),
            session("D", at(2), 15, topics=["git"], total_exchanges=4, avg_quality_score=0.7),
        ],
        [
            exchange("A1", "A", at(1, 12, 1), 0.8, topics=["python"]),
            exchange("A2", "A", at(1, 12, 2), 0.7, topics=["python"]),
            exchange("B1", "B", at(3, 12, 1), 0.5, topics=["python", "sql"]),
            exchange("B2", "B", at(3, 12, 2), 0.9, topics=["sql"]),
            exchange("C1", "C", at(10, 12, 1), 0.4),
        ],
        [
            feedback("fA1", "A1", at(1, 12, 5), "thumbs_up", rating=1.0),
            feedback("fB1", "B1", at(3, 12, 5), "correction"),
            feedback("fB2", "B2", at(3, 12, 6), "thumbs_down", rating=0.0),
        ],
    )


async def get(client: httpx.AsyncClient, path: str, *, template: str | None = None, **params: str) -> Any:
    """GET a route, check the answer against the OpenAPI document (under `template`, for a path with
    an id), and return its body."""
    r = await client.get(path, params=params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["cache-control"] == "private, no-cache"
    assert_matches(await openapi(client), template or path, r.json())
    return r.json()
