"""Column types shared by the tables: UTC timestamps that read back timezone-aware, 64-bit counters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants in UTC (naive text on SQLite, timestamptz on PostgreSQL); always returns aware UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        instant: datetime = datetime.fromisoformat(value) if isinstance(value, str) else value
        return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)


# Counts and sums that accumulate (rollup counters, a session's reported exchanges): BIGINT on
# PostgreSQL, whose INTEGER overflows at 2^31. SQLite stores every integer in up to 64 bits whatever
# the declared type, so there the column stays INTEGER as created and needs no table rebuild.
Counter = BigInteger().with_variant(Integer(), "sqlite")
