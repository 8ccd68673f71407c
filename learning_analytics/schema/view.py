"""The ASGI GraphQL endpoint: builds the typed context per request and answers with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from ..resolvers.context import Context, build_context
from ..resolvers.runtime import DatabaseBusy
from .http import GraphQLOverHTTP

SERVICE_BUSY = "SERVICE_BUSY"


class GraphQLApp(GraphQLOverHTTP):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return build_context(request.app.state.runtime, request.state.user)

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """A busy database (no free connection, a statement past its timeout) answers HTTP 503 with
        Retry-After, its errors carrying `extensions.code = "SERVICE_BUSY"`: never a 500."""
        retry_after = None
        for error in result.errors or ():
            if isinstance(error.original_error, DatabaseBusy):
                retry_after = error.original_error.retry_after
                error.extensions = {"code": SERVICE_BUSY, "retryAfter": retry_after}
        response = await super().process_result(request, result)
        if retry_after is not None:
            sub_response: Response = request.state.graphql_sub_response
            sub_response.status_code = 503
            sub_response.headers["Retry-After"] = str(retry_after)
        return response
