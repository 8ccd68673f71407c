"""POST /api/analytics/events through the real ASGI app: exactly-once ingestion and every validation rule."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from support import client_for, events, exchange, feedback, session

from learning_analytics.config import Settings


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _valid() -> dict[str, Any]:
    start = _now() - timedelta(hours=2)
    return events(
        [session("s1", start, topics=["python"])],
        [
            exchange("e1", "s1", start + timedelta(minutes=1), 0.9, topics=["python", "sql"]),
            exchange("e2", "s1", start + timedelta(minutes=2), 0.7),
        ],
        [feedback("f1", "e1", start + timedelta(minutes=3), "thumbs_up", rating=1.0)],
    )


async def _session_count(client: httpx.AsyncClient) -> int:
    r = await client.post(
        "/graphql", json={"query": "{ sessions(first: 100) { totalCount edges { node { exchangeCount } } } }"}
    )
    body = r.json()["data"]["sessions"]
    return body["totalCount"] + sum(e["node"]["exchangeCount"] for e in body["edges"])


async def test_a_batch_is_accepted_and_resending_it_counts_only_duplicates(
    app_client: httpx.AsyncClient,
) -> None:
    first = await app_client.post("/api/analytics/events", json=_valid())
    second = await app_client.post("/api/analytics/events", json=_valid())

    assert first.status_code == 200
    assert first.json() == {
        "accepted": 4,
        "duplicates": 0,
        "sessions": {"accepted": 1, "duplicates": 0},
        "exchanges": {"accepted": 2, "duplicates": 0},
        "feedback": {"accepted": 1, "duplicates": 0},
    }
    assert second.json()["accepted"] == 0
    assert second.json()["duplicates"] == 4
    assert await _session_count(app_client) == 1 + 2


async def test_an_item_repeated_inside_one_batch_is_stored_once(app_client: httpx.AsyncClient) -> None:
    body = _valid()
    body["exchanges"].append(dict(body["exchanges"][0]))

    r = await app_client.post("/api/analytics/events", json=body)

    assert r.json()["exchanges"] == {"accepted": 2, "duplicates": 1}


def _mutate(path: str, value: Any) -> dict[str, Any]:
    body = _valid()
    target: Any = body
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    if value is _DELETE:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return body


_DELETE = object()
# A day ahead, not minutes: the value is fixed at collection, and a long run must not let it become "now".
_FUTURE = (_now() + timedelta(days=1)).isoformat()
_SOON = (_now() + timedelta(minutes=2)).isoformat()


@pytest.mark.parametrize(
    ("path", "value", "field", "code"),
    [
        ("exchanges.1.quality.composite", 1.5, "exchanges[1].quality.composite", "out_of_range"),
        ("exchanges.0.quality.composite", -0.01, "exchanges[0].quality.composite", "out_of_range"),
        (
            "exchanges.0.quality",
            {"composite": 0.5, "clarity": 2},
            "exchanges[0].quality.clarity",
            "out_of_range",
        ),
        ("sessions.0.avg_quality_score", 1.01, "sessions[0].avg_quality_score", "out_of_range"),
        ("feedback.0.rating", 3, "feedback[0].rating", "out_of_range"),
        (
            "exchanges.1.occurred_at",
            "yesterday at noon",
            "exchanges[1].occurred_at",
            "datetime_from_date_parsing",
        ),
        ("exchanges.1.occurred_at", _FUTURE, "exchanges[1].occurred_at", "future_timestamp"),
        ("sessions.0.ended_at", "2020-01-01T00:00:00Z", "sessions[0].ended_at", "ends_before_start"),
        ("exchanges.1.session_id", "nope", "exchanges[1].session_id", "unknown_session"),
        ("feedback.0.exchange_id", "nope", "feedback[0].exchange_id", "unknown_exchange"),
        ("exchanges.0.topics", ["python", "  "], "exchanges[0].topics[1]", "empty_topic"),
        ("sessions.0.topics", ["x" * 101], "sessions[0].topics[0]", "topic_too_long"),
        ("feedback.0.kind", "love", "feedback[0].kind", "enum"),
        ("exchanges.0.id", 42, "exchanges[0].id", "string_type"),
        ("exchanges.0.colour", "red", "exchanges[0].colour", "unknown_field"),
        ("sessions.0.started_at", _DELETE, "sessions[0].started_at", "missing"),
    ],
)
async def test_an_invalid_item_is_refused_with_its_field_and_nothing_is_written(
    app_client: httpx.AsyncClient, path: str, value: Any, field: str, code: str
) -> None:
    r = await app_client.post("/api/analytics/events", json=_mutate(path, value))

    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["field"] == field
    assert error["code"] == code
    assert error["index"] == int(field.split("[")[1].split("]")[0])
    assert error["message"]
    assert await _session_count(app_client) == 0


async def test_a_timestamp_a_little_in_the_future_is_accepted(app_client: httpx.AsyncClient) -> None:
    r = await app_client.post("/api/analytics/events", json=_mutate("exchanges.1.occurred_at", _SOON))

    assert r.status_code == 200


async def test_naive_timestamps_are_taken_as_utc(app_client: httpx.AsyncClient) -> None:
    body = _valid()
    body["sessions"][0]["started_at"] = "2026-01-05T09:30:00"
    body["sessions"][0]["ended_at"] = "2026-01-05T10:00:00"

    await app_client.post("/api/analytics/events", json=body)

    r = await app_client.post(
        "/graphql", json={"query": "{ sessions { edges { node { startedAt durationMinutes } } } }"}
    )
    node = r.json()["data"]["sessions"]["edges"][0]["node"]
    assert node == {"startedAt": "2026-01-05T09:30:00+00:00", "durationMinutes": 30.0}


async def test_over_ten_thousand_items_are_refused(app_client: httpx.AsyncClient) -> None:
    start = _now() - timedelta(days=1)
    body = events([session(f"s{i}", start) for i in range(10_001)])

    r = await app_client.post("/api/analytics/events", json=body)

    assert r.status_code == 400
    assert r.json()["error"]["field"] == "batch"
    assert r.json()["error"]["code"] == "batch_too_large"


async def test_a_body_over_the_limit_gets_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_body_bytes": 2_000})
    async with client_for(small) as client:
        body = _valid()
        body["exchanges"][0]["user_text"] = "x" * 5_000

        r = await client.post("/api/analytics/events", json=body)

        assert r.status_code == 413
        assert r.json()["error"]["code"] == "body_too_large"
        assert await _session_count(client) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"'])
async def test_a_body_that_is_not_a_json_object_gets_400(app_client: httpx.AsyncClient, raw: bytes) -> None:
    r = await app_client.post(
        "/api/analytics/events", content=raw, headers={"content-type": "application/json"}
    )

    assert r.status_code == 400
    assert r.json()["error"]["field"] == "body"


async def test_twenty_concurrent_batches_lose_nothing(app_client: httpx.AsyncClient) -> None:
    start = _now() - timedelta(days=2)

    def batch(n: int) -> dict[str, Any]:
        sid = f"c{n}"
        return events(
            [session(sid, start + timedelta(minutes=n))],
            [exchange(f"{sid}-e{i}", sid, start + timedelta(minutes=n, seconds=i), 0.5) for i in range(50)],
            [
                feedback(f"{sid}-f{i}", f"{sid}-e{i}", start + timedelta(minutes=n, seconds=i))
                for i in range(10)
            ],
        )

    responses = await asyncio.gather(
        *(app_client.post("/api/analytics/events", json=batch(n)) for n in range(20))
    )

    assert [r.status_code for r in responses] == [200] * 20
    assert sum(r.json()["accepted"] for r in responses) == 20 * 61
    assert await _session_count(app_client) == 20 + 20 * 50
