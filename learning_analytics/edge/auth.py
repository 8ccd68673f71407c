"""ASGI middleware that resolves the caller before any route runs.

Once keys are required, a request without a valid one gets 401 (the key is the protection). In
single-user mode (no key exists yet under LA_AUTH=auto, or LA_AUTH=off) every request acts as the
default user, so the `Host` header must name the server by a loopback name (or one of
LA_ALLOWED_HOSTS): anything else is a page on another site reaching the server through DNS
rebinding, and gets 421 Misdirected Request.
"""

from __future__ import annotations

from starlette.datastructures import Headers, QueryParams
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from ..domain.models import User
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


def _refused_host(scope: Scope, headers: Headers) -> Response:
    return edge_error(
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


async def identify(scope: Scope, headers: Headers) -> User | Response | None:
    """The caller of a request: its user; None for a public path asked without a valid key; or the
    refusal to answer (421 for a foreign Host in single-user mode, 401 without a valid key)."""
    runtime = scope["app"].state.runtime
    if not await keys_required(runtime):
        server = scope.get("server")
        allowed = host_allowed(
            headers.get("host"),
            server_port=server[1] if server else None,
            allowed=runtime.settings.allowed_hosts,
        )
        if not allowed and scope["path"] not in PROBE_PATHS:
            return _refused_host(scope, headers)
        return await single_user(runtime)
    try:
        return await user_for_authorization(runtime, headers.get("authorization"))
    except Unauthenticated as e:
        if _is_public(scope, headers):
            return None
        response = edge_error(scope, 401, code="unauthenticated", message=str(e), field="Authorization")
        response.headers["WWW-Authenticate"] = "Bearer"
        return response


class AuthMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if isinstance(state.get("user"), User):  # identified already, by the short way for cache hits
            await self.app(scope, receive, send)
            return
        caller = await identify(scope, Headers(scope=scope))
        if isinstance(caller, Response):
            await caller(scope, receive, send)
            return
        state["user"] = caller
        await self.app(scope, receive, send)
