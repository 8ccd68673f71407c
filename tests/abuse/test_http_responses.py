"""What every response carries: security headers, a request id, and for a bug a JSON 500 quoting that id.

The bug is real, not a test hook: a table the app reads is renamed under the running app (and
renamed back afterwards), so its next statement fails inside the database driver.
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from support import events, session

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def _csp(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}


@asynccontextmanager
async def table_renamed(database_url: str, table: str) -> AsyncIterator[None]:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'ALTER TABLE "{table}" RENAME TO "{table}_away"'))
        yield
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f'ALTER TABLE "{table}_away" RENAME TO "{table}"'))
        await engine.dispose()


async def test_json_answers_and_refusals_carry_the_security_headers(app_client: httpx.AsyncClient) -> None:
    responses = {
        "health": await app_client.get("/healthz"),
        "graphql": await app_client.post("/graphql", json={"query": "{ __typename }"}),
        "rest 400": await app_client.post("/api/analytics/events", json={"nope": []}),
        "unknown path": await app_client.get("/nope"),
        "wrong method": await app_client.put("/graphql", json={}),
        "415": await app_client.post("/graphql", content=b"{}", headers={"content-type": "text/plain"}),
        "421": await app_client.get("/graphql?query=%7B__typename%7D", headers={"host": "evil.example"}),
    }

    for name, response in responses.items():
        for header, value in SECURITY_HEADERS.items():
            assert response.headers.get(header) == value, (name, header)
        assert _csp(response) == {"default-src": ["'none'"], "frame-ancestors": ["'none'"]}, name
        assert response.headers["content-type"].startswith("application/json"), name
    assert [r.status_code for r in responses.values()] == [200, 200, 400, 404, 405, 415, 421]


async def test_the_graphiql_page_has_a_policy_allowing_exactly_what_it_loads(
    app_client: httpx.AsyncClient,
) -> None:
    page = await app_client.get("/graphql", headers={"accept": "text/html"})

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    for header, value in SECURITY_HEADERS.items():
        assert page.headers[header] == value
    csp = _csp(page)
    assert csp["default-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"]  # its queries go to this origin only
    assert csp["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    html = page.text
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', html)
    styles = re.findall(r'<link[^>]*\bhref="([^"]+)"', html)
    assert scripts and styles
    assert all(u.startswith("/static/") for u in scripts + styles), scripts + styles
    assert not re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    for url in scripts + styles:  # each one is served by the app itself
        assert (await app_client.get(url)).status_code == 200, url


async def test_a_sane_request_id_is_echoed_and_any_other_replaced(app_client: httpx.AsyncClient) -> None:
    echoed = await app_client.get("/healthz", headers={"x-request-id": "lb-7f3a.21:9"})
    too_long = await app_client.get("/healthz", headers={"x-request-id": "a" * 129})
    odd = await app_client.get("/healthz", headers={"x-request-id": "<script>alert(1)</script>"})
    first = await app_client.get("/healthz")
    second = await app_client.post("/graphql", json={"query": "{ __typename }"})

    assert echoed.headers["x-request-id"] == "lb-7f3a.21:9"
    generated = [r.headers["x-request-id"] for r in (too_long, odd, first, second)]
    assert all(re.fullmatch(r"[0-9a-f]{32}", g) for g in generated), generated
    assert len(set(generated)) == 4


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
async def test_a_bug_in_a_graphql_resolver_is_masked_with_the_request_id_and_logged(
    app_client: httpx.AsyncClient, database_url: str, caplog: pytest.LogCaptureFixture, accept: str
) -> None:
    caplog.set_level(logging.ERROR, logger="learning_analytics.errors")
    async with table_renamed(database_url, "learning_sessions"):
        response = await app_client.post(
            "/graphql",
            json={"query": "{ sessions { totalCount } }"},
            headers={"x-request-id": "trace-42", "accept": accept},
        )

    # Execution started, so the answer has a `data` entry (null here) and stays a 200 in both media types.
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(accept)
    body = response.json()
    assert "data" in body and body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "Unexpected error."
    assert error["path"] == ["sessions"]
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "trace-42"}
    assert "learning_sessions" not in response.text  # no internals reach the client
    [record] = [r for r in caplog.records if r.name == "learning_analytics.errors"]
    assert "trace-42" in record.getMessage() and record.exc_info is not None
    assert "learning_sessions" in caplog.text  # the traceback names the failing statement


async def test_a_bug_behind_a_rest_route_is_a_json_500_with_the_request_id_and_logged(
    app_client: httpx.AsyncClient, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="learning_analytics.errors")
    start = datetime.now(UTC) - timedelta(hours=1)
    async with table_renamed(database_url, "learning_sessions"):
        response = await app_client.post("/api/analytics/events", json=events([session("s1", start)]))

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    request_id = response.headers["x-request-id"]
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert error["request_id"] == request_id and request_id in error["message"]
    assert "learning_sessions" not in response.text
    for header, value in SECURITY_HEADERS.items():
        assert response.headers[header] == value
    [record] = [r for r in caplog.records if r.name == "learning_analytics.errors"]
    assert request_id in record.getMessage() and record.exc_info is not None
    assert "Traceback" in caplog.text
