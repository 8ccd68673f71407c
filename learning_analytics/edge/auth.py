"""ASGI middleware that resolves the caller before any route runs.

Once keys are required, a request without a valid one gets 401 (the key is the protection). In
single-user mode (no key exists yet under LA_AUTH=auto, or LA_AUTH=off) every request acts as the
default user, so the `Host` header must name the server by a loopback name (or one of
LA_ALLOWED_HOSTS): anything else is a page on another site reaching the server through DNS
rebinding, and gets 421 Misdirected Request.
"""

from __future__ import annotations

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from ..resolvers.auth import Unauthenticated, keys_required, single_user, user_for_authorization
from .errors import edge_error
from .hosts import host_allowed

PROBE_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
# The OpenAPI document describes the routes, not anyone's data.
PUBLIC_PATHS = PROBE_PATHS | {"/", "/favicon.ico", "/api/analytics/openapi.json"}
PUBLIC_PREFIXES = ("/static/",)


def _is_public(scope: Scope, headers: Headers) -> bool:
    path: str = scope["path"]
    if path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES):
        return True
    # The GraphiQL page itself is static HTML; the queries it sends carry the key like any other client.
    return is_graphiql_page(scope, headers)


def is_graphiql_page(scope: Scope, headers: Headers) -> bool:
    """A browser asking for GraphiQL: GET /graphql for HTML, without a `query` to run."""
    return (
        scope["path"] == "/graphql"
        and scope["method"] == "GET"
        and "text/html" in headers.get("accept", "")
        and "query" not in QueryParams(scope.get("query_string", b""))
    )


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        runtime = scope["app"].state.runtime
        state = scope.setdefault("state", {})
        if not await keys_required(runtime):
            server = scope.get("server")
            allowed = host_allowed(
                headers.get("host"),
                server_port=server[1] if server else None,
                allowed=runtime.settings.allowed_hosts,
            )
            if not allowed and scope["path"] not in PROBE_PATHS:
                response = edge_error(
                    scope,
                    421,
                    code="misdirected_request",
                    message=(
                        f"this server answers as localhost only (Host {headers.get('host')!r} refused): "
                        "without API keys it acts as the default user, so only loopback names "
                        "or LA_ALLOWED_HOSTS may reach it"
                    ),
                    field="Host",
                )
                await response(scope, receive, send)
                return
            state["user"] = await single_user(runtime)
            await self.app(scope, receive, send)
            return
        try:
            state["user"] = await user_for_authorization(runtime, headers.get("authorization"))
        except Unauthenticated as e:
            if not _is_public(scope, headers):
                response = edge_error(
                    scope, 401, code="unauthenticated", message=str(e), field="Authorization"
                )
                response.headers["WWW-Authenticate"] = "Bearer"
                await response(scope, receive, send)
                return
            state["user"] = None
        await self.app(scope, receive, send)
