"""Routes of the REST shim: ingestion, the analytics reads declared with `endpoint`, and their OpenAPI
document."""

from __future__ import annotations

from importlib.metadata import version

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..domain.errors import InvalidInput
from ..resolvers import ingest
from ..resolvers.context import build_context
from ..wire.events import parse_events_json
from . import achievements, activity, goals, insights, overview, progress, quality, topics, trends
from .body import BodyTooLarge, read_body
from .endpoints import ENDPOINTS
from .export import routes as export_routes
from .openapi import OPENAPI_PATH, openapi_route
from .responses import JSONResponse, error_response, invalid


async def post_events(request: Request) -> Response:
    """`POST /api/analytics/events`: an atomic batch of sessions, exchanges and feedback."""
    runtime = request.app.state.runtime
    try:
        body = await read_body(request, limit=runtime.settings.max_body_bytes)
        batch = parse_events_json(body, max_items=runtime.settings.max_batch_items)
        summary = await ingest.ingest_batch(build_context(runtime, request.state.user), batch)
    except BodyTooLarge as e:
        return error_response(413, code="body_too_large", message=str(e), field="body", limit=e.limit)
    except InvalidInput as e:
        return invalid(e)
    kinds = {"sessions": summary.sessions, "exchanges": summary.exchanges, "feedback": summary.feedback}
    return JSONResponse(
        {
            "accepted": summary.accepted,
            "duplicates": summary.duplicates,
            **{k: {"accepted": v.accepted, "duplicates": v.duplicates} for k, v in kinds.items()},
        }
    )


# The modules that declare the analytics endpoints (importing them registers them, in this order).
AREAS = (overview, progress, trends, insights, topics, goals, achievements, quality, activity)

routes = [
    Route("/api/analytics/events", post_events, methods=["POST"]),
    *export_routes,
    Route(OPENAPI_PATH, openapi_route(ENDPOINTS, version=version("learning-analytics")), methods=["GET"]),
    *(Route(e.path, e.handler, methods=[e.method]) for e in ENDPOINTS),
]
