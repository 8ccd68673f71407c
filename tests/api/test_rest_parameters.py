"""Every bad query parameter of the REST analytics routes is a 400 naming it, never a 500, and changes
nothing; so are hostile query strings (huge numbers, paths, repeats, bytes that are not UTF-8)."""

from __future__ import annotations

from typing import Any

import httpx
import orjson
import pytest
from rest_support import assert_matches, openapi

BAD = [
    ("overview", "period=5d", "period", "invalid"),
    ("overview", "period=", "period", "invalid"),
    ("overview", "period=..%2F..%2Fetc%2Fpasswd", "period", "invalid"),
    ("overview", "period=../../", "period", "invalid"),
    ("overview", "period=30d&period=7d", "period", "repeated_parameter"),
    ("overview", "perid=30d", "perid", "unknown_parameter"),
    ("overview", "limit=5", "limit", "unknown_parameter"),
    ("progress", "metrics=sessions,bogus", "metrics", "invalid"),
    ("progress", "metrics=", "metrics", "invalid"),
    ("progress", "metrics=,", "metrics", "invalid"),
    ("progress", "granularity=yearly", "granularity", "invalid"),
    ("progress", "period=365d&granularity=hourly", "granularity", "too_many_buckets"),
    ("progress", "metric=quality", "metric", "unknown_parameter"),
    ("trends", "metric=happiness", "metric", "invalid"),
    ("trends", "window=0", "window", "out_of_range"),
    ("trends", "window=91", "window", "out_of_range"),
    ("trends", "window=seven", "window", "invalid"),
    ("trends", "window=7.5", "window", "invalid"),
    ("trends", "window=1e3", "window", "invalid"),
    ("trends", "forecast_days=91", "forecast_days", "out_of_range"),
    ("trends", "forecast_days=-1", "forecast_days", "out_of_range"),
    ("trends", "method=magic", "method", "invalid"),
    ("trends", "window=7&window=14", "window", "repeated_parameter"),
    ("insights", "limit=101", "limit", "out_of_range"),
    ("insights", "limit=-1", "limit", "out_of_range"),
    ("insights", "limit=999999999999999999", "limit", "out_of_range"),
    ("insights", "limit=99999999999999999999999999999999", "limit", "invalid"),
    ("insights", "type=gossip", "type", "invalid"),
    ("insights", "importance=urgent", "importance", "invalid"),
    ("insights", "include_dismissed=maybe", "include_dismissed", "invalid"),
    ("insights", "period=7d", "period", "unknown_parameter"),
    ("topics", "limit=1000000", "limit", "out_of_range"),
    ("topics", "limit=ten", "limit", "invalid"),
    ("topics", "period=1y", "period", "invalid"),
    ("topics", "period=%00", "period", "invalid"),
    ("topics", "period=%FF%FE", "query", "invalid_encoding"),
    ("overview", "start=2026-03-01", "range", "invalid_range"),
    ("progress", "end=2026-03-01", "range", "invalid_range"),
    ("trends", "start=2026-02-30&end=2026-03-01", "start", "invalid"),
    ("topics", "start=yesterday&end=2026-03-01", "start", "invalid"),
    ("overview", "start=2026-03-01&end=20260302", "end", "invalid"),
    ("overview", "start=2026-03-05&end=2026-03-01", "range", "invalid_range"),
    ("overview", "period=7d&start=2026-03-01&end=2026-03-02", "range", "period_and_range"),
    ("progress", "start=1990-01-01&end=2026-03-01", "range", "range_too_long"),
    ("overview", "start=2026-03-01&start=2026-03-02&end=2026-03-03", "start", "repeated_parameter"),
    ("topics", "p%FFeriod=30d", "query", "invalid_encoding"),
]


def assert_bad(r: httpx.Response, parameter: str, code: str, doc: dict[str, Any], path: str) -> None:
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["parameter"] == parameter and error["field"] == parameter
    assert error["code"] == code
    assert error["message"]
    assert_matches(doc, path, r.json(), status="400")


@pytest.mark.parametrize(("route", "query", "parameter", "code"), BAD)
async def test_a_bad_parameter_is_a_400_naming_it(
    app_client: httpx.AsyncClient, route: str, query: str, parameter: str, code: str
) -> None:
    path = f"/api/analytics/{route}"

    r = await app_client.get(f"{path}?{query}")

    assert_bad(r, parameter, code, await openapi(app_client), path)


async def test_a_limit_past_its_bound_names_the_bound(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/api/analytics/insights?limit=101")

    assert "100" in r.json()["error"]["message"]


async def raw_get(client: httpx.AsyncClient, path: str, query_string: bytes) -> tuple[int, Any]:
    """GET through the app with a query string sent byte for byte (httpx would percent-encode it)."""
    app = client.app  # type: ignore[attr-defined]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string,
        "headers": [(b"host", b"127.0.0.1:8000")],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return sent[0]["status"], orjson.loads(body)


async def test_raw_bytes_that_are_not_ascii_are_a_400(app_client: httpx.AsyncClient) -> None:
    status, body = await raw_get(app_client, "/api/analytics/overview", b"period=30\xff")

    assert status == 400
    assert body["error"]["parameter"] == "query" and body["error"]["code"] == "invalid_encoding"


async def test_a_query_string_past_the_limit_is_a_400(app_client: httpx.AsyncClient) -> None:
    r = await app_client.get("/api/analytics/progress?metrics=" + ",".join(["sessions"] * 300))

    assert_bad(r, "query", "query_too_long", await openapi(app_client), "/api/analytics/progress")
    assert r.json()["error"]["limit"] == 2048


async def test_parameters_are_read_case_and_blank_insensitively_and_metrics_once_each(
    app_client: httpx.AsyncClient,
) -> None:
    r = await app_client.get("/api/analytics/progress?period=%207D&metrics=Quality,%20sessions,quality")

    assert r.status_code == 200, r.text
    assert r.json()["meta"]["period"] == "7d"
    assert list(r.json()["statistics"]) == ["quality", "sessions"]


async def test_a_bad_rating_body_is_a_400_naming_the_field(app_client: httpx.AsyncClient) -> None:
    doc = await openapi(app_client)
    path = "/api/analytics/insights/{id}/rate"
    for body, parameter in (
        ({"helpful": "yes"}, "helpful"),
        ({}, "helpful"),
        ({"helpful": True, "stars": 5}, "stars"),
        ([True], "body"),
    ):
        r = await app_client.post("/api/analytics/insights/some-id/rate", json=body)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["parameter"] == parameter
        assert_matches(doc, path, r.json(), method="post", status="400")
    r = await app_client.post(
        "/api/analytics/insights/some-id/rate",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and r.json()["error"]["parameter"] == "body"


async def test_a_rating_of_an_unknown_insight_is_a_404(app_client: httpx.AsyncClient) -> None:
    r = await app_client.post("/api/analytics/insights/none/rate", json={"helpful": False})

    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


async def test_the_write_routes_take_no_query_parameters(app_client: httpx.AsyncClient) -> None:
    r = await app_client.post(
        "/api/analytics/insights/viewed?all=1", headers={"content-type": "application/json"}
    )

    assert r.status_code == 400
    assert r.json()["error"]["parameter"] == "all"


async def test_a_read_route_refuses_other_methods_with_a_json_405(app_client: httpx.AsyncClient) -> None:
    r = await app_client.post("/api/analytics/overview", json={})

    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"
