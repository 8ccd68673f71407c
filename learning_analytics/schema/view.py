"""The ASGI GraphQL endpoint: builds the typed context per request and answers with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from ..resolvers.context import Context, build_context
from .http import GraphQLOverHTTP


class GraphQLApp(GraphQLOverHTTP):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return build_context(request.app.state.services, request.state.user)

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)
