"""Retention horizons: per granularity, the first bucket day whose rollups are kept.

Retention moves a horizon forward as it deletes older buckets; the fold recomputes nothing below it
and the reads compute what lies below it from raw rows (or day rollups) instead.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ...domain.periods import Granularity
from ..tables import horizons_t


async def read_horizons(conn: AsyncConnection) -> dict[Granularity, date]:
    """The first bucket day retention keeps, per granularity that has dropped anything."""
    rows = await conn.execute(select(horizons_t.c.granularity, horizons_t.c.kept_from))
    return {Granularity(r.granularity): r.kept_from for r in rows}
