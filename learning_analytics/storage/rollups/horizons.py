"""Retention horizons: per granularity, the first bucket day whose rollups are kept.

Retention moves a horizon forward as it deletes older buckets; the fold recomputes nothing below it
and the reads compute what lies below it from raw rows (or day rollups) instead.
"""

from __future__ import annotations

import time
import weakref
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from ...domain.periods import Granularity
from ..db import Database
from ..tables import horizons_t

# How long a process trusts the horizons it read: retention run by this process forgets them at
# once; retention run by another process (hourly at most) is seen within this many seconds.
HORIZONS_TRUSTED_SECONDS = 60.0
_STATEMENT = select(horizons_t.c.granularity, horizons_t.c.kept_from)
# Per database (its write engine, shared by every request's view of it): (read at, horizons).
_known: weakref.WeakKeyDictionary[Any, tuple[float, dict[Granularity, date]]] = weakref.WeakKeyDictionary()


async def read_horizons(conn: AsyncConnection) -> dict[Granularity, date]:
    """The first bucket day retention keeps, per granularity that has dropped anything."""
    rows = await conn.execute(_STATEMENT)
    return {Granularity(r.granularity): r.kept_from for r in rows}


def remembered_horizons(db: Database) -> dict[Granularity, date] | None:
    """The horizons as this process last read them, while trusted (`HORIZONS_TRUSTED_SECONDS`)."""
    found = _known.get(db.writer.sync_engine)
    if found is not None and time.monotonic() - found[0] < HORIZONS_TRUSTED_SECONDS:
        return dict(found[1])
    return None


async def known_horizons(db: Database, conn: AsyncConnection) -> dict[Granularity, date]:
    """The horizons as this process remembers them, else read now on `conn` (and remembered): a
    read then costs no statement for them."""
    found = remembered_horizons(db)
    if found is not None:
        return found
    horizons = await read_horizons(conn)
    _known[db.writer.sync_engine] = (time.monotonic(), horizons)
    return dict(horizons)


def forget_horizons(db: Database) -> None:
    """Retention moved the horizons: the next read reads them again."""
    _known.pop(db.writer.sync_engine, None)
