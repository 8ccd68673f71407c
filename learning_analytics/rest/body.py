"""Reading a request body with a size limit and decoding it as JSON."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request

from ..domain.errors import InvalidInput


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body exceeds {limit} bytes")
        self.limit = limit


async def read_json(request: Request, *, limit: int) -> Any:
    """The decoded JSON body; raises BodyTooLarge past `limit` bytes, InvalidInput when it is not JSON."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    try:
        return orjson.loads(b"".join(chunks))
    except orjson.JSONDecodeError as e:
        raise InvalidInput(f"the body is not valid JSON: {e}", field="body", code="invalid_json") from e
