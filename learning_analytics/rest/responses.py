"""JSON responses with orjson, and the error body every bad request gets."""

from __future__ import annotations

import re
from typing import Any

import orjson
from starlette.responses import Response

from ..domain.errors import InvalidInput

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
