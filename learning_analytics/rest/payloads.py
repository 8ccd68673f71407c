"""The JSON shape of `POST /api/analytics/events` (snake_case), validated straight into domain values.

Pydantic validates the decoded body directly into the domain's frozen input dataclasses (their
field names are the JSON names), which is several times faster than building intermediate models;
unknown fields are refused. The domain itself stays free of pydantic: the config is attached here.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticError

from ..domain import models
from ..domain.errors import InvalidInput

_STRICT_FIELDS = ConfigDict(extra="forbid")
for _input in (
    models.Quality,
    models.SessionInput,
    models.ExchangeInput,
    models.FeedbackInput,
    models.EventBatch,
):
    _input.__pydantic_config__ = _STRICT_FIELDS  # type: ignore[union-attr]

_adapter = TypeAdapter(models.EventBatch)
_CODES = {"unexpected_keyword_argument": "unknown_field", "extra_forbidden": "unknown_field"}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_events(raw: Any, *, max_items: int) -> models.EventBatch:
    """The domain batch for a decoded JSON body; raises InvalidInput naming the first bad field."""
    if not isinstance(raw, dict):
        raise InvalidInput("the body must be a JSON object", field="body", code="invalid_json")
    size = sum(len(v) for k in ("sessions", "exchanges", "feedback") if isinstance(v := raw.get(k), list))
    if size > max_items:
        raise InvalidInput(
            f"a batch holds at most {max_items} items, got {size}", field="batch", code="batch_too_large"
        )
    try:
        return _adapter.validate_python(raw)
    except PydanticError as e:
        first = e.errors(include_url=False)[0]
        code = _CODES.get(first["type"], first["type"])
        message = "unknown field" if code == "unknown_field" else first["msg"]
        raise InvalidInput(message, field=_path(first["loc"]), code=code) from e


def parse_events_json(body: bytes, *, max_items: int) -> models.EventBatch:
    """The domain batch for a raw JSON body, parsed and validated in one pass (no intermediate dicts).

    The body's size is bounded before this is called; the item count is checked once parsed.
    """
    try:
        batch = _adapter.validate_json(body)
    except PydanticError as e:
        first = e.errors(include_url=False)[0]
        if not first["loc"]:
            raise InvalidInput(
                "the body must be a JSON object of sessions, exchanges and feedback",
                field="body",
                code="invalid_json",
            ) from e
        code = _CODES.get(first["type"], first["type"])
        message = "unknown field" if code == "unknown_field" else first["msg"]
        raise InvalidInput(message, field=_path(first["loc"]), code=code) from e
    if batch.size > max_items:
        raise InvalidInput(
            f"a batch holds at most {max_items} items, got {batch.size}",
            field="batch",
            code="batch_too_large",
        )
    return batch


def batch_to_json(batch: models.EventBatch) -> dict[str, Any]:
    """The events JSON of a domain batch (the inverse of `parse_events`), e.g. to write JSONL for import."""
    dumped: dict[str, Any] = _adapter.dump_python(batch, mode="json", exclude_none=True)
    return dumped
