"""A busy database (`DatabaseBusy`) anywhere below this middleware answers 503 with Retry-After."""

from __future__ import annotations

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..resolvers.runtime import DatabaseBusy
from .errors import GRAPHQL_PATH, edge_error


def busy_response(scope: Scope, e: DatabaseBusy) -> Response:
    """503 in the route's shape, with a `Retry-After` header: `{"error": {"code": "service_busy",
    "message", "retry_after"}}`, or on /graphql an error with `extensions.code = "SERVICE_BUSY"`."""
    if scope.get("path") == GRAPHQL_PATH:
        response = edge_error(scope, 503, code="service_busy", message=str(e), retryAfter=e.retry_after)
    else:
        response = edge_error(scope, 503, code="service_busy", message=str(e), retry_after=e.retry_after)
    response.headers["Retry-After"] = str(e.retry_after)
    return response


class BusyMiddleware:
    """Right inside the edge, so that routes and the authentication lookup alike answer 503, not 500."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except DatabaseBusy as e:
            if started:  # too late for a status: the edge logs it and the server closes the connection
                raise
            await busy_response(scope, e)(scope, receive, send)
