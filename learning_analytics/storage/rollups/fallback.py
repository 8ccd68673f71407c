"""Buckets where no rollup is stored (below a retention horizon): weeks and months merged from day
rollups while those are kept, anything else computed from raw rows, with the statistics of a rollup."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Select

from ...domain.periods import Granularity
from ...domain.rollups import Bucket
from ..tables import rollups_t
from ..types import UTCDateTime
from .measures import MEASURES, RAW_SOURCES, ZERO, bucket_from_row, measure_columns, merged, period_start


async def computed_buckets(
    conn: AsyncConnection,
    granularity: Granularity,
    *,
    user_id: str,
    start: date,
    end: date,
    horizons: dict[Granularity, date],
) -> list[Bucket]:
    """Buckets over the local days [start, end] without stored rollups: weeks and months from day
    rollups when those are all kept, anything else from raw rows."""
    dialect = conn.dialect.name
    days_from = horizons.get(Granularity.DAY)
    if granularity in (Granularity.WEEK, Granularity.MONTH) and (days_from is None or days_from <= start):
        stmt = buckets_from_days(dialect, granularity, user_id=user_id, start=start, end=end)
    else:
        stmt = raw_buckets(dialect, granularity, user_id=user_id, start=start, end=end)
    typed = stmt.subquery("computed")
    rows = await conn.execute(
        select(
            *[c for c in typed.c if c.name not in ("bucket_day", "last_event_at")],
            type_coerce(typed.c.bucket_day, rollups_t.c.bucket_day.type).label("bucket_day"),
            type_coerce(typed.c.last_event_at, UTCDateTime()).label("last_event_at"),
        )
    )
    return [bucket_from_row(r, granularity) for r in rows.mappings()]


def raw_buckets(
    dialect: str, granularity: Granularity, *, user_id: str, start: date, end: date
) -> Select[Any]:
    """The `granularity` buckets of `user_id` computed from raw rows whose local day is in [start, end]."""
    partials = []
    for table, measures in RAW_SOURCES:
        t = table.alias()
        day = period_start(dialect, granularity, t.c.local_day)
        hour = t.c.local_hour if granularity is Granularity.HOUR else ZERO
        keys = [t.c.user_id.label("user_id"), day.label("bucket_day"), hour.label("bucket_hour")]
        # Never GROUP BY the constant hour: both dialects read an integer there as a column position.
        groups = [t.c.user_id, day, hour] if granularity is Granularity.HOUR else [t.c.user_id, day]
        partials.append(
            select(*keys, *measure_columns(measures(dialect, t)))
            .where(t.c.user_id == user_id, t.c.local_day >= start, t.c.local_day <= end)
            .group_by(*groups)
        )
    return merged(partials)


def buckets_from_days(
    dialect: str, granularity: Granularity, *, user_id: str, start: date, end: date
) -> Select[Any]:
    """The week or month buckets of `user_id` merged from its day rollups in [start, end]."""
    r = rollups_t
    day = period_start(dialect, granularity, r.c.bucket_day)
    return (
        select(
            r.c.user_id,
            day.label("bucket_day"),
            ZERO.label("bucket_hour"),
            *[m.combine(r.c[m.name]).label(m.name) for m in MEASURES],
        )
        .where(
            r.c.user_id == user_id,
            r.c.granularity == Granularity.DAY.value,
            r.c.bucket_day >= start,
            r.c.bucket_day <= end,
        )
        .group_by(r.c.user_id, day)
    )
