"""A busy database (`DatabaseBusy`) anywhere below this middleware answers 503 with Retry-After."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..resolvers.services import DatabaseBusy
from .responses import JSONResponse, error_response


def busy_response(e: DatabaseBusy) -> JSONResponse:
    """`503 {"error": {"code": "service_busy", "message", "retry_after"}}` with a `Retry-After` header."""
    response = error_response(503, code="service_busy", message=str(e), retry_after=e.retry_after)
    response.headers["Retry-After"] = str(e.retry_after)
    return response


class BusyMiddleware:
    """Outermost, so that routes and the authentication lookup alike answer 503 rather than 500."""

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
            if started:  # too late for a status: let the server close the connection
                raise
            await busy_response(e)(scope, receive, send)
