"""The ASGI app factory: GraphQL, the REST shim, the dashboard, health probes and metrics; the lifespan
owns the resources."""

from __future__ import annotations

import gc
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import jobs, metrics, web
from .config import AuthMode, Settings, get_settings
from .edge import errors as edge_errors
from .edge.auth import AuthMiddleware
from .edge.busy import BusyMiddleware
from .edge.hits import CachedHits, Finder
from .edge.middleware import EdgeMiddleware
from .jobs.fold import close_abandoned
from .resolvers import database
from .resolvers.runtime import Runtime, open_runtime
from .rest.cache import hit_finder
from .rest.endpoints import ENDPOINTS
from .rest.responses import JSONResponse
from .rest.routes import routes as rest_routes
from .schema.root import build_schema
from .schema.view import GraphQLApp

log = logging.getLogger("learning_analytics")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    try:
        found = await database.readiness(runtime)
    except Exception as e:  # the probe's whole point is to report any failure to reach the database
        return JSONResponse({"status": "unavailable", "error": type(e).__name__}, status_code=503)
    if not found.migrated:
        return JSONResponse(
            {"status": "migrating", "revision": found.revision, "head": found.head}, status_code=503
        )
    return JSONResponse({"status": "ready", "database": found.dialect, "revision": found.revision})


async def metrics_endpoint(request: Request) -> Response:
    """The Prometheus exposition; with `LA_METRICS_TOKEN` set, only for `Authorization: Bearer <token>`."""
    runtime: Runtime = request.app.state.runtime
    token = runtime.settings.metrics_token
    if token:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            return JSONResponse(
                {"error": {"code": "unauthorized", "message": "/metrics needs the metrics bearer token"}},
                status_code=401,
                headers={"www-authenticate": 'Bearer realm="metrics"'},
            )
    await metrics.refresh(runtime, now=datetime.now(UTC))
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if settings.auth is AuthMode.OFF:
            log.warning("LA_AUTH=off: every request acts as the default user, with no authentication")
        async with open_runtime(settings) as runtime:
            app.state.runtime = runtime
            await close_abandoned(runtime, datetime.now(UTC))
            # The scheduler starts once the database is up and stops before it closes.
            async with jobs.running(runtime) as scheduler:
                app.state.scheduler = scheduler
                yield

    graphql = GraphQLApp(
        build_schema(introspection=settings.introspection, limits=settings.limits),
        graphiql=web.graphiql_response if settings.graphiql else None,
        limits=settings.limits,
    )
    # Fresh cache hits of the cached REST GET routes and of GraphQL are answered before everything else.
    finders: dict[tuple[str, str], Finder] = {
        ("GET", e.path): hit_finder(e.cache, e.path) for e in ENDPOINTS if e.cache and not e.path_params
    }
    finders[("POST", "/graphql")] = finders[("GET", "/graphql")] = graphql.find_hit
    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics_endpoint),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            *rest_routes,
            *web.routes(),
        ],
        # The edge answers first and last: request id, security headers, body and content-type limits.
        # Inside it, a busy database answers 503 + Retry-After wherever it shows, authentication included.
        middleware=[
            Middleware(
                CachedHits, finders=finders, max_body_bytes=settings.max_body_bytes, observe=metrics.answered
            ),
            Middleware(metrics.RequestMetrics),
            Middleware(EdgeMiddleware, max_body_bytes=settings.max_body_bytes),
            Middleware(BusyMiddleware),
            Middleware(AuthMiddleware),
        ],
        exception_handlers={HTTPException: edge_errors.http_exception, Exception: edge_errors.unhandled},
        lifespan=lifespan,
    )


def create_served_app(settings: Settings | None = None) -> Starlette:
    """`create_app` for a server process (what `serve` runs, in each worker).

    Everything imported and built by then lives as long as the process: it is kept out of the
    collector's full passes, which would otherwise walk its ~200,000 objects and stall every request
    for about a hundred milliseconds. Garbage is collected first, so only what is alive is frozen.
    """
    app = create_app(settings)
    gc.collect()
    gc.freeze()
    return app


__all__ = ["create_app", "create_served_app"]
