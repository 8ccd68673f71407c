"""The events JSON (snake_case) of `POST /api/analytics/events` and of each line `import` reads,
validated straight into domain values.

`EventsBody` is the request model and carries the wire's validation config; its items are the
domain's frozen input dataclasses, whose field names are the JSON names. Pydantic validates a plain
dataclass with the config of the model around it (pydantic #10917), so the items are built directly
by pydantic-core under the body's rules while the domain classes stay untouched. Item models of our
own, converted to the domain's afterwards, made the parse of a 1,000-exchange batch about 60 % slower
(`bench/parse_events.py`); they become worth it only if the wire's names ever part from the domain's.

Validation is strict: unknown fields are refused, a number is a JSON number (an integer may stand for
a float, never a string or a boolean), NaN and infinities are refused, and a timestamp is a string
holding an ISO 8601 date-time with a time (`domain.ingest_checks.DATE_TIME_PATTERN`), never a bare
date or a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import ConfigDict, TypeAdapter
from pydantic import ValidationError as PydanticError
from pydantic_core import SchemaValidator, core_schema

from ..domain import models
from ..domain.errors import InvalidInput
from ..domain.ingest_checks import DATE_TIME_PATTERN


@dataclass(frozen=True, slots=True)
class EventsBody:
    """One batch of events as JSON: each list may be left out."""

    # A plain dataclass with pydantic's config, not a pydantic dataclass: pydantic-core would reuse a
    # pydantic dataclass's own prebuilt validator and skip the date-time gate added below.
    __pydantic_config__: ClassVar[ConfigDict] = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    sessions: tuple[models.SessionInput, ...] = ()
    exchanges: tuple[models.ExchangeInput, ...] = ()
    feedback: tuple[models.FeedbackInput, ...] = ()

    def to_domain(self) -> models.EventBatch:
        return models.EventBatch(sessions=self.sessions, exchanges=self.exchanges, feedback=self.feedback)

    @classmethod
    def from_domain(cls, batch: models.EventBatch) -> EventsBody:
        return cls(sessions=batch.sessions, exchanges=batch.exchanges, feedback=batch.feedback)


_adapter = TypeAdapter(EventsBody)
_TIMESTAMPS = frozenset({"started_at", "ended_at", "occurred_at", "created_at"})
_DATE_TIME_HINT = "expected an ISO 8601 date-time with a time, e.g. 2026-03-01T09:30:00Z"


def _gate_date_times(schema: Any) -> Any:
    """The core schema with every datetime behind a string pattern, so the gate runs in pydantic-core.

    Pydantic's own datetime parser also takes bare dates and epoch seconds ("1700000000"); the
    pattern lets only date-times with a time through, then the (lax) datetime parser reads them.
    """
    if isinstance(schema, dict):
        if schema.get("type") == "datetime":
            return core_schema.chain_schema(
                [core_schema.str_schema(pattern=DATE_TIME_PATTERN, strict=True), {**schema, "strict": False}]
            )
        return {key: _gate_date_times(value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_gate_date_times(value) for value in schema]
    return schema


_validator = SchemaValidator(_gate_date_times(_adapter.core_schema))
_CODES = {"unexpected_keyword_argument": "unknown_field", "extra_forbidden": "unknown_field"}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "a value of another kind"


def _body_error(body: bytes, error: Any) -> InvalidInput:
    """The error for a body that is not JSON at all, or not a JSON object."""
    if error["type"] != "json_invalid":
        return InvalidInput(
            "the body must be a JSON object of sessions, exchanges and feedback, "
            f"got {_json_kind(error.get('input'))}",
            field="body",
            code="invalid_body",
        )
    detail = str((error.get("ctx") or {}).get("error", error["msg"]))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as e:
        return InvalidInput(
            f"the body is not valid UTF-8 (byte {e.start})", field="body", code="invalid_encoding"
        )
    if "surrogate" in detail or "unicode code point" in detail or "end of hex escape" in detail:
        return InvalidInput(
            f"the body holds a string that is not valid Unicode (a lone surrogate escape): {detail}",
            field="body",
            code="invalid_encoding",
        )
    if "recursion limit" in detail:
        return InvalidInput(
            f"the body nests arrays and objects too deep: {detail}", field="body", code="invalid_json"
        )
    return InvalidInput(f"the body is not valid JSON: {detail}", field="body", code="invalid_json")


def _field_error(error: Any) -> InvalidInput:
    loc = error["loc"]
    field = _path(loc)
    code = _CODES.get(error["type"], error["type"])
    if code == "unknown_field":
        return InvalidInput("unknown field", field=field, code=code)
    if loc[-1] in _TIMESTAMPS and code != "missing":
        detail = (error.get("ctx") or {}).get("error")
        message = f"{_DATE_TIME_HINT} ({detail})" if detail else _DATE_TIME_HINT
        return InvalidInput(message, field=field, code="invalid_datetime")
    return InvalidInput(error["msg"], field=field, code=code)


def parse_events_json(body: bytes, *, max_items: int) -> models.EventBatch:
    """The domain batch for a raw JSON body, parsed and validated in one pass (no intermediate dicts).

    Raises InvalidInput naming the first bad field, or `body` when the body is not a JSON object
    (codes `invalid_json`, `invalid_encoding`, `invalid_body`). The body's size is bounded before
    this is called; the item count is checked once parsed.
    """
    try:
        parsed: EventsBody = _validator.validate_json(body)
    except PydanticError as e:
        first = e.errors(include_url=False)[0]
        raise (_field_error(first) if first["loc"] else _body_error(body, first)) from e
    batch = parsed.to_domain()
    if batch.size > max_items:
        raise InvalidInput(
            f"a batch holds at most {max_items} items, got {batch.size}",
            field="batch",
            code="batch_too_large",
        )
    return batch


def batch_to_json(batch: models.EventBatch) -> dict[str, Any]:
    """The events JSON of a domain batch (the inverse of `parse_events_json`), e.g. to write JSONL for import."""
    dumped: dict[str, Any] = _adapter.dump_python(
        EventsBody.from_domain(batch), mode="json", exclude_none=True
    )
    return dumped
