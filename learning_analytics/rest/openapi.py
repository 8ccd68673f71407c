"""The OpenAPI 3.1 document of the analytics routes, generated from the routes' own declarations
(`ENDPOINTS`: parameters, body and answer models), so it describes exactly what they serialise."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import Response

from .endpoints import Endpoint
from .models import ErrorBody

REF = "#/components/schemas/{model}"
OPENAPI_PATH = "/api/analytics/openapi.json"


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model=ErrorBody.__name__)}}},
    }


def _operation(e: Endpoint, refs: dict[Any, dict[str, Any]]) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in e.path_params
    ]
    parameters += [
        {"name": p.name, "in": "query", "required": False, "description": p.description, "schema": p.schema}
        for p in e.params
    ]
    responses: dict[str, Any] = {
        str(e.status): {
            "description": "The answer.",
            "content": {"application/json": {"schema": refs[e.answer]}},
        },
        "400": _error("A bad, unknown or repeated parameter, named in `error.parameter`."),
        "401": _error("No valid API key (once keys are required)."),
    }
    if e.path_params:
        responses["404"] = _error("No such object for this learner.")
    operation: dict[str, Any] = {
        "operationId": e.handler.__name__,
        "summary": e.summary,
        "tags": [e.tag],
        "parameters": parameters,
        "responses": responses,
    }
    if e.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[e.body]}},
        }
    return operation


def build_document(endpoints: Sequence[Endpoint], *, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document: one operation per endpoint, every model under components/schemas."""
    models: list[type[BaseModel]] = [ErrorBody]
    for e in endpoints:
        models += [m for m in (e.answer, e.body) if m is not None and m not in models]
    # Validation mode: the schema of what a model holds, every field and alias as it is serialised
    # (chart dataset options left out when absent are simply not required).
    keys, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    refs = {model: schema for (model, _), schema in keys.items()}
    paths: dict[str, dict[str, Any]] = {}
    for e in endpoints:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "learning-analytics REST API",
            "version": version,
            "description": "The dashboard routes under /api/analytics: Chart.js-ready answers.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}, {}],
    }


def openapi_route(endpoints: Sequence[Endpoint], *, version: str) -> Callable[[Request], Awaitable[Response]]:
    """The route serving the document, built once on first request (the routes do not change while running)."""
    built: list[bytes] = []

    async def openapi_json(request: Request) -> Response:
        if not built:
            built.append(orjson.dumps(build_document(endpoints, version=version)))
        return Response(built[0], media_type="application/json")

    return openapi_json
