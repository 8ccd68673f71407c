"""The ASGI GraphQL endpoint: builds the typed context per request and answers with orjson."""

from __future__ import annotations

import logging
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from ..resolvers.context import Context, build_context
from ..resolvers.services import DatabaseBusy

SERVICE_BUSY = "SERVICE_BUSY"


class _BusyIsNoBug(logging.Filter):
    """Strawberry logs every resolver error with its traceback; a busy database is logged once, in
    one line, where it is detected (`storage.db`), and answered 503: drop the traceback here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DatabaseBusy))


logging.getLogger("strawberry.execution").addFilter(_BusyIsNoBug())


class GraphQLApp(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return build_context(request.app.state.services, request.state.user)

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        for error in result.errors or ():
            if isinstance(error.original_error, DatabaseBusy):
                error.extensions = {"code": SERVICE_BUSY, "retryAfter": error.original_error.retry_after}
        return await super().process_result(request, result)

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        """A busy database answers 503 with Retry-After (and the SERVICE_BUSY error), never a 500."""
        response = super().create_response(response_data, sub_response)
        retry_after = _busy_retry_after(response_data)
        if retry_after is not None:
            response.status_code = 503
            response.headers["Retry-After"] = str(retry_after)
        return response


def _busy_retry_after(data: GraphQLHTTPResponse | list[GraphQLHTTPResponse]) -> int | None:
    for answer in data if isinstance(data, list) else [data]:
        for error in answer.get("errors") or ():
            extensions = error.get("extensions") if isinstance(error, dict) else None
            if isinstance(extensions, dict) and extensions.get("code") == SERVICE_BUSY:
                return int(extensions.get("retryAfter", 1))
    return None
