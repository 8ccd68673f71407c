"""Query parameters of the REST routes: declared once, parsed strictly, and described in the OpenAPI
document from the same declaration.

The raw query string is read here, not through Starlette's `QueryParams`, which would replace bytes
that are not UTF-8 by U+FFFD and keep the last of repeated parameters: a query string longer than
`LA_LIMITS__MAX_QUERY_STRING_CHARS`, one that is not ASCII or whose percent-escapes are not UTF-8, a
parameter the route does not declare, or one given twice is a 400 naming it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from ..domain.errors import InvalidInput
from ..domain.insights import Importance, InsightType
from ..domain.periods import Granularity, Period
from ..domain.progress import Metric
from ..domain.trends import ForecastMethod

# How much of a client's text an error message quotes.
_QUOTED = 40
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class BadParameter(Exception):
    """A query parameter the route cannot accept: a 400 naming it."""

    def __init__(
        self, parameter: str, message: str, *, code: str = "invalid_parameter", limit: int | None = None
    ) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.code = code
        self.limit = limit


def quoted(text: str) -> str:
    return repr(text if len(text) <= _QUOTED else text[:_QUOTED] + "…")


@dataclass(frozen=True, slots=True)
class Param:
    """One query parameter: how to read it, its default, and its schema in the OpenAPI document."""

    name: str
    description: str
    schema: dict[str, Any]
    parse: Callable[[str], Any]
    default: Any = None
    examples: tuple[str, ...] = field(default=())

    def read(self, text: str) -> Any:
        try:
            return self.parse(text)
        except InvalidInput as e:
            raise BadParameter(self.name, e.message, code=e.code, limit=e.limit) from e


def choice(name: str, choices: dict[str, Any]) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        found = choices.get(text.strip().lower())
        if found is None:
            raise InvalidInput(f"{name} must be one of {', '.join(choices)}, got {quoted(text)}")
        return found

    return parse


def _integer(text: str) -> int:
    if not _INTEGER.fullmatch(text.strip()):
        raise InvalidInput(f"must be an integer, got {quoted(text)}")
    return int(text)


def boolean(text: str) -> bool:
    return bool(choice("the value", {"true": True, "false": False})(text))


def _metrics(text: str) -> list[Metric]:
    names = [n.strip().lower() for n in text.split(",")]
    if not any(names):
        raise InvalidInput("name at least one metric")
    parse = choice("each metric", {m.value: m for m in Metric})
    return list(dict.fromkeys(parse(n) for n in names))


PERIODS = {p.rest_name: p for p in Period}
GRANULARITIES = {
    "hourly": Granularity.HOUR,
    "daily": Granularity.DAY,
    "weekly": Granularity.WEEK,
    "monthly": Granularity.MONTH,
}
GRANULARITY_NAMES = {g: name for name, g in GRANULARITIES.items()}


def _enum_schema(values: Sequence[str], default: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": list(values)}
    if default is not None:
        schema["default"] = default
    return schema


def period_param(default: str = "30d") -> Param:
    """`period`; omitted, the use case covers `start`..`end` when given, else the default preset."""
    return Param(
        name="period",
        description="Local days ending today, today included (30d = the last 30 days), or all time; "
        "not together with start/end.",
        schema=_enum_schema(list(PERIODS), default),
        parse=choice("period", PERIODS),
    )


def _date(text: str) -> date:
    if not _DATE.fullmatch(text.strip()):
        raise InvalidInput(f"must be a date YYYY-MM-DD, got {quoted(text)}")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as e:
        raise InvalidInput(f"must be a date YYYY-MM-DD, got {quoted(text)}") from e


START = Param(
    name="start",
    description="First local day of an explicit range (with end; at most LA_LIMITS__MAX_RANGE_DAYS days).",
    schema={"type": "string", "format": "date"},
    parse=_date,
)
END = Param(
    name="end",
    description="Last local day of an explicit range, included (with start).",
    schema={"type": "string", "format": "date"},
    parse=_date,
)


def limit_param(default: int, description: str) -> Param:
    return Param(
        name="limit",
        description=description,
        schema={"type": "integer", "minimum": 0, "default": default},
        parse=_integer,
        default=default,
    )


METRICS = Param(
    name="metrics",
    description="Comma-separated metrics, one dataset each (default sessions,quality).",
    schema={"type": "string", "pattern": "^[a-z_]+(,[a-z_]+)*$", "examples": ["sessions,quality"]},
    parse=_metrics,
    default=[Metric.SESSIONS, Metric.QUALITY],
)
GRANULARITY = Param(
    name="granularity",
    description="Bucket size; omitted: daily up to 31 days, weekly up to 180, monthly beyond.",
    schema=_enum_schema(list(GRANULARITIES)),
    parse=choice("granularity", GRANULARITIES),
)
METRIC = Param(
    name="metric",
    description="The metric whose daily series is analysed.",
    schema=_enum_schema([m.value for m in Metric], Metric.QUALITY.value),
    parse=choice("metric", {m.value: m for m in Metric}),
    default=Metric.QUALITY,
)
WINDOW = Param(
    name="window",
    description="Days of the rolling average (seed: 7, 14 or 30); omitted: LA_TRENDS__SHORT_TERM_WINDOW.",
    schema={"type": "integer", "minimum": 1},
    parse=_integer,
)
FORECAST_DAYS = Param(
    name="forecast_days",
    description="Days forecast past the period; omitted: LA_TRENDS__FORECAST_DAYS.",
    schema={"type": "integer", "minimum": 0},
    parse=_integer,
)
METHOD = Param(
    name="method",
    description="linear: the OLS line with 95 % prediction intervals; holt: Holt's linear smoothing.",
    schema=_enum_schema([m.value for m in ForecastMethod], ForecastMethod.LINEAR.value),
    parse=choice("method", {m.value: m for m in ForecastMethod}),
    default=ForecastMethod.LINEAR,
)
INSIGHT_TYPE = Param(
    name="type",
    description="Only insights of this type.",
    schema=_enum_schema([t.value for t in InsightType]),
    parse=choice("type", {t.value: t for t in InsightType}),
)
IMPORTANCE = Param(
    name="importance",
    description="Only insights of this importance.",
    schema=_enum_schema([i.value for i in Importance]),
    parse=choice("importance", {i.value: i for i in Importance}),
)
INCLUDE_DISMISSED = Param(
    name="include_dismissed",
    description="Also list dismissed insights.",
    schema={"type": "boolean", "default": False},
    parse=boolean,
    default=False,
)


def read_query(request: Request, params: Sequence[Param], *, max_chars: int) -> dict[str, Any]:
    """The route's parameters by name: each given one parsed, each omitted one its default."""
    raw: bytes = request.scope.get("query_string", b"")
    if len(raw) > max_chars:
        raise BadParameter(
            "query",
            f"the query string exceeds {max_chars} characters (LA_LIMITS__MAX_QUERY_STRING_CHARS)",
            code="query_too_long",
            limit=max_chars,
        )
    try:
        pairs = parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise BadParameter(
            "query", "the query string is not percent-encoded UTF-8", code="invalid_encoding"
        ) from e
    declared = {p.name: p for p in params}
    given: dict[str, str] = {}
    for name, value in pairs:
        if name not in declared:
            accepted = ", ".join(declared) or "none"
            raise BadParameter(
                name[:_QUOTED],
                f"unknown parameter {quoted(name)}; accepted: {accepted}",
                code="unknown_parameter",
            )
        if name in given:
            raise BadParameter(name, f"{name} is given more than once", code="repeated_parameter")
        given[name] = value
    return {p.name: p.read(given[p.name]) if p.name in given else p.default for p in params}
