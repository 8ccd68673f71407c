"""Scalars whose parsing is stricter than Strawberry's defaults."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types.scalar import ScalarDefinition

from ..domain.ingest_checks import parse_date_time


def _parse_date_time(value: Any) -> datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"DateTime is a string, got {type(value).__name__}")
    try:
        return parse_date_time(value)
    except ValueError as e:
        raise GraphQLError(f"DateTime cannot represent {value[:40]!r}: {e}") from None


# The same timestamps as the REST shim: an ISO 8601 date-time with a time (a naive one is UTC),
# never a bare date, a week date or a number.
DATE_TIME: ScalarDefinition = strawberry.scalar(
    name="DateTime",
    description="Date with time (isoformat)",
    serialize=datetime.isoformat,
    parse_value=_parse_date_time,
)
