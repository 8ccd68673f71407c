"""Error responses of the edge, shaped for the route: GraphQL errors on /graphql, `{"error": ...}` elsewhere."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Scope

from ..rest.responses import JSONResponse, error_response
from . import media
from .request_id import current_request_id

log = logging.getLogger("learning_analytics.errors")

GRAPHQL_PATH = "/graphql"


def graphql_error_response(
    status: int, *, code: str, message: str, accept: str | None, **extensions: Any
) -> JSONResponse:
    """`{"errors": [{"message", "extensions": {"code", ...}}]}` with no `data` entry: the request never ran."""
    body = {"errors": [{"message": message, "extensions": {"code": code.upper(), **extensions}}]}
    response = JSONResponse(body, status_code=status)
    if media.graphql_response_type(accept) == media.GRAPHQL_RESPONSE:
        response.headers["content-type"] = f"{media.GRAPHQL_RESPONSE}; charset=utf-8"
    return response


def edge_error(
    scope: Scope, status: int, *, code: str, message: str, field: str | None = None, **extra: Any
) -> JSONResponse:
    """The error a client gets before its request reaches a route, in the shape that route speaks."""
    if scope.get("path") == GRAPHQL_PATH:
        if field is not None:
            extra["field"] = field
        accept = Headers(scope=scope).get("accept")
        return graphql_error_response(status, code=code, message=message, accept=accept, **extra)
    return error_response(status, code=code, message=message, field=field, **extra)


def internal_error(scope: Scope) -> JSONResponse:
    """The JSON 500 of an unexpected failure, carrying the request id to quote when reporting it."""
    request_id = current_request_id()
    message = f"an unexpected error occurred; quote request id {request_id} when reporting it"
    if scope.get("path") == GRAPHQL_PATH:
        accept = Headers(scope=scope).get("accept")
        return graphql_error_response(
            500, code="internal_server_error", message=message, accept=accept, requestId=request_id
        )
    return error_response(500, code="internal_error", message=message, request_id=request_id)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405 (unknown path, method not allowed) as JSON instead of plain text."""
    assert isinstance(exc, HTTPException)
    status = HTTPStatus(exc.status_code)
    code = status.phrase.lower().replace(" ", "_").replace("-", "_")
    response = edge_error(request.scope, exc.status_code, code=code, message=exc.detail or status.phrase)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def unhandled(request: Request, exc: Exception) -> Response:
    """Last resort behind the edge middleware (which answers unexpected errors itself): still JSON."""
    log.error(
        "unexpected error in %s %s (request id %s)",
        request.method,
        request.url.path,
        current_request_id(),
        exc_info=exc,
    )
    return internal_error(request.scope)
