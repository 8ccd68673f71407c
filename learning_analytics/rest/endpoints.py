"""How an analytics route is declared: path, method, query parameters, body and answer models, in one
place that both the router (`rest/routes.py`) and the OpenAPI document (`rest/openapi.py`) read.

`endpoint` wraps the route so that a bad parameter or value is a 400 naming it and an unknown id a
404, never a 500; the route itself stays parse → use case → model → `json_response`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ..domain.errors import InvalidInput, NotFound
from ..domain.periods import DateRange, Period
from ..resolvers.calendar import requested
from ..resolvers.context import Context, build_context
from .body import BodyTooLarge, read_body
from .cache import cached_route
from .params import BadParameter, Param, read_query
from .responses import bad_parameter, error_response

Handler = Callable[[Request], Awaitable[Response]]
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


@dataclass(frozen=True, slots=True)
class Endpoint:
    path: str
    method: str
    handler: Handler
    summary: str
    params: tuple[Param, ...]
    answer: type[BaseModel]
    body: type[BaseModel] | None = None
    path_params: tuple[str, ...] = ()
    status: int = 200
    tag: str = "analytics"
    cache: str | None = None  # the CACHE_CONFIG kind a GET is cached under


ENDPOINTS: list[Endpoint] = []


def snake(name: str) -> str:
    """A use case's field name as the REST parameter spells it (`forecastDays` → `forecast_days`)."""
    return _CAMEL.sub(lambda m: "_" + m.group(1).lower(), name)


def endpoint(
    method: str,
    path: str,
    *,
    answer: type[BaseModel],
    params: Sequence[Param] = (),
    body: type[BaseModel] | None = None,
    path_params: Sequence[str] = (),
    status: int = 200,
    cache: str | None = None,
) -> Callable[[Handler], Handler]:
    """Register the decorated route; its docstring's first line is the OpenAPI summary. A GET with a
    `cache` kind (a CACHE_CONFIG entry) is served through the response cache under that kind's policy,
    with an ETag and 304 on `If-None-Match`."""

    def register(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except BadParameter as e:
                return bad_parameter(e.parameter, code=e.code, message=e.message, limit=e.limit)
            except InvalidInput as e:
                name = snake(e.field) if e.field else "query"
                return bad_parameter(name, code=e.code, message=e.message, limit=e.limit)
            except NotFound as e:
                return error_response(404, code=e.code, message=e.message, field="id", parameter="id")

        served: Handler = route
        if cache is not None and method == "GET":
            served = cached_route(cache, route=path)(route)
        summary = (handler.__doc__ or "").strip().splitlines()[0] if handler.__doc__ else path
        ENDPOINTS.append(
            Endpoint(
                path=path,
                method=method,
                handler=served,
                summary=summary,
                params=tuple(params),
                answer=answer,
                body=body,
                path_params=tuple(path_params),
                status=status,
                cache=cache if method == "GET" else None,
            )
        )
        return served

    return register


def query(request: Request, params: Sequence[Param]) -> dict[str, Any]:
    """The request's query parameters, parsed (BadParameter on any that is wrong, unknown or repeated)."""
    limit = request.app.state.runtime.settings.limits.max_query_string_chars
    return read_query(request, params, max_chars=limit)


def covering(ctx: Context, q: dict[str, Any], *, default: Period = Period.LAST_30_DAYS) -> dict[str, Any]:
    """The use case's `period` or `dates` from the route's `period`, `start` and `end` (checked by
    `calendar.requested`: both ends or neither, start ≤ end, the range's length, not with a period);
    neither given, the `default` preset."""
    asked = requested(ctx, period=q["period"], start=q["start"], end=q["end"], default=default)
    return {"dates": asked} if isinstance(asked, DateRange) else {"period": asked}


def context(request: Request) -> Context:
    """The same context a GraphQL request gets, for the caller the auth middleware resolved. It is kept
    on the request, so the response cache keeps an answer only as long as the use case allows."""
    ctx = build_context(request.app.state.runtime, request.state.user)
    request.state.context = ctx
    return ctx


async def read_model(request: Request, model: type[BaseModel]) -> Any:
    """The JSON body as `model`; a body that does not fit is a 400 naming the first field at fault."""
    limit = request.app.state.runtime.settings.max_body_bytes
    try:
        raw = await read_body(request, limit=limit)
    except BodyTooLarge as e:
        raise BadParameter("body", str(e), code="body_too_large", limit=e.limit) from e
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "body"
        raise BadParameter(where, first["msg"], code="invalid_body") from e
