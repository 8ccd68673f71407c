"""ASGI middleware that resolves the caller before any route runs; 401 when a key is required and absent."""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from .resolvers.auth import Unauthenticated, authenticate
from .rest.responses import error_response

PUBLIC_PATHS = frozenset({"/healthz", "/readyz", "/metrics", "/", "/favicon.ico"})
PUBLIC_PREFIXES = ("/static/",)


def _is_public(scope: Scope, headers: Headers) -> bool:
    path: str = scope["path"]
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return True
    # The GraphiQL page itself is static HTML; the queries it sends carry the key like any other client.
    return path == "/graphql" and scope["method"] == "GET" and "text/html" in headers.get("accept", "")


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        services = scope["app"].state.services
        state = scope.setdefault("state", {})
        try:
            state["user"] = await authenticate(services, headers.get("authorization"))
        except Unauthenticated as e:
            if not _is_public(scope, headers):
                response = error_response(401, code="unauthenticated", message=str(e), field="Authorization")
                response.headers["WWW-Authenticate"] = "Bearer"
                await response(scope, receive, send)
                return
            state["user"] = None
        await self.app(scope, receive, send)
