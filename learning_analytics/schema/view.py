"""The ASGI GraphQL endpoint: builds the typed context per request and answers with orjson."""

from __future__ import annotations

from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from ..resolvers.context import Context, build_context


class GraphQLApp(GraphQL[Context, None]):
    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return build_context(request.app.state.services, request.state.user)

    def encode_json(self, data: Any) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        """The request body, decoded by orjson: a JSON object (or a list, which batching refuses).

        Unlike `json`, orjson refuses invalid UTF-8, lone surrogates and nesting past 1,024 levels
        with a decode error instead of a RecursionError, so each of them is a 400, never a 500.
        """
        try:
            decoded = orjson.loads(data)
        except orjson.JSONDecodeError as e:
            raise HTTPException(400, f"Unable to parse request body as JSON: {e}") from e
        if not isinstance(decoded, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        return decoded
