"""GraphQL over HTTP as the current spec has it, on top of Strawberry's ASGI view.

- The response is `application/graphql-response+json` when the client's `Accept` prefers it, else
  `application/json` (also for a missing `Accept` or `*/*`: the spec's legacy rules).
- With `application/graphql-response+json`, a request that never executed (a document that does not
  parse or validate, variables that do not coerce) is a 400 without a `data` entry; with
  `application/json` it stays a 200 with `errors`, as legacy clients expect.
- A body that is not a JSON object (`null`, a list, a string, invalid or 100,000-deep JSON) is a 400;
  every refusal of the view is a JSON GraphQL error, never Strawberry's plain text.
- GraphiQL is served to a browser without a key (the queries it sends carry one): the page the app
  hands in (`web.graphiql_response`, vendored assets and its own policy, nothing from a CDN);
  `LA_GRAPHIQL=false` makes the page a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from ..edge import media
from ..edge.errors import graphql_error_response
from ..resolvers.context import Context
from .failures import INTERNAL_CODE


def _is_request_error(result: ExecutionResult) -> bool:
    """Nothing executed: parsing, validation or variable coercion failed (no error has a field path)."""
    errors = result.errors or []
    return result.data is None and bool(errors) and all(e.path is None for e in errors)


class GraphQLOverHTTP(GraphQL[Context, None]):
    def __init__(self, schema: Any, *, graphiql: Callable[[], Response] | None) -> None:
        """`graphiql` answers a browser's GET for the page; None switches the page off (404)."""
        super().__init__(schema, graphql_ide="graphiql" if graphiql else None, allow_queries_via_get=True)
        self._graphiql_page = graphiql

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        response = await self.respond(request)
        await response(scope, receive, send)

    async def respond(self, request: Request) -> Response:
        """The response to one HTTP request: GraphiQL, or the operation run through the schema."""
        try:
            if self.should_render_graphql_ide(self.request_adapter_class(request)):
                if self._graphiql_page is None:
                    raise HTTPException(404, "GraphiQL is switched off (LA_GRAPHIQL=false)")
                return self._graphiql_page()
            return await self.run(request)
        except HTTPException as e:
            return graphql_error_response(
                e.status_code,
                code=HTTPStatus(e.status_code).phrase.upper().replace(" ", "_").replace("-", "_"),
                message=e.reason,
                accept=request.headers.get("accept"),
            )

    def parse_json(self, data: str | bytes) -> Any:
        """A JSON object (the body, or a GET's `variables`/`extensions`); anything else is a 400."""
        try:
            value = orjson.loads(data)
        except orjson.JSONDecodeError as e:  # also JSON nested deeper than orjson's 1,024 levels
            raise HTTPException(400, f"expected a JSON object: {e}") from e
        if not isinstance(value, dict):
            raise HTTPException(
                400, f'expected a JSON object such as {{"query": "..."}}, got {_json_kind(value)}'
            )
        return value

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        # The negotiated type travels with the sub-response to `create_response`, which has no request.
        sub_response.media_type = media.graphql_response_type(request.headers.get("accept"))
        request.state.graphql_sub_response = sub_response
        return sub_response

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        sub_response: Response = request.state.graphql_sub_response
        if sub_response.media_type == media.GRAPHQL_RESPONSE and _is_request_error(result):
            response.pop("data", None)
            internal = any((e.extensions or {}).get("code") == INTERNAL_CODE for e in result.errors or ())
            sub_response.status_code = 500 if internal else 400
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        chosen = sub_response.media_type or media.JSON
        content_type = f"{chosen}; charset=utf-8" if chosen == media.GRAPHQL_RESPONSE else chosen
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            headers={"content-type": content_type},
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response


def _json_kind(value: object) -> str:
    if value is None:
        return "null"
    return {list: "an array", str: "a string", bool: "a boolean"}.get(type(value), "a number")
