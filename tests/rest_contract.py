"""Checking REST answers against the OpenAPI document the app serves."""

from __future__ import annotations

from typing import Any

import httpx
from jsonschema import Draft202012Validator


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
