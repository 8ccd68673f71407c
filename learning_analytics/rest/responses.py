"""JSON responses with orjson, the one helper every analytics answer goes through, and the error body
every bad request gets."""

from __future__ import annotations

import re
from typing import Any

import orjson
from pydantic import BaseModel
from starlette.responses import Response

from ..domain.errors import InvalidInput
from ..resolvers.meta import AnswerMeta

_INDEX = re.compile(r"^\w+\[(\d+)\]")


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY)


def error_response(
    status: int, *, code: str, message: str, field: str | None = None, **extra: Any
) -> JSONResponse:
    """`{"error": {"code", "message", "field", "index"?}}`; `index` is the item's position in its list."""
    body: dict[str, Any] = {"code": code, "message": message, "field": field}
    if field and (m := _INDEX.match(field)):
        body["index"] = int(m.group(1))
    body.update(extra)
    return JSONResponse({"error": body}, status_code=status)


def invalid(e: InvalidInput) -> JSONResponse:
    return error_response(400, code=e.code, message=e.message, field=e.field)


def json_response(model: BaseModel, meta: AnswerMeta | None, *, status: int = 200) -> Response:
    """The answer `model` as JSON (its aliases, so `chart` keeps Chart.js's keys; a chart dataset's
    options that do not apply are left out).

    Every analytics route answers through here, so a response cache or ETag hooks in at one place.
    `meta` is the freshness the body's `meta` was made from; with it the answer is a read of the
    caller's own data (`Cache-Control: private, no-cache`: a browser may keep it but must revalidate,
    a shared cache must not), without it the result of a change (`no-store`)."""
    body = model.__pydantic_serializer__.to_json(model, by_alias=True)
    response = Response(body, status_code=status, media_type="application/json")
    response.headers["cache-control"] = "private, no-cache" if meta is not None else "no-store"
    return response


def bad_parameter(parameter: str, *, code: str, message: str, limit: int | None = None) -> JSONResponse:
    """400 `{"error": {"parameter", "field", "code", "message", "limit"?}}` for a bad query parameter."""
    extra: dict[str, Any] = {"parameter": parameter}
    if limit is not None:
        extra["limit"] = limit
    return error_response(400, code=code, message=message, field=parameter, **extra)
