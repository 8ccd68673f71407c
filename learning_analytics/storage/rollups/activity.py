"""Lean reads for the activity heatmaps: sessions, exchanges and minutes per local day or hour,
without the quality and feedback moments a full bucket carries.

Building full buckets costs about 0.2 ms per row (their seven sets of moments), so a year of hours
cost ~160 ms where these three counts cost a few. Below a retention horizon the same three counts
come from the raw rows' stored local day and hour, grouped in SQL, as the rollups count them.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Float, and_, case, cast, func, literal_column, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection

from ...domain.periods import Granularity
from ...domain.rollups import Bucket
from ..db import Database
from ..tables import exchanges_t, rollups_t, sessions_t
from .horizons import read_horizons
from .measures import minutes_between

_ONE_DAY = timedelta(days=1)


def _cell(
    granularity: Granularity, day: date, hour: Any, sessions: Any, exchanges: Any, minutes: Any
) -> Bucket:
    return Bucket(
        granularity=granularity,
        day=day,
        hour=int(hour) if granularity is Granularity.HOUR else 0,
        sessions=int(sessions or 0),
        exchanges=int(exchanges or 0),
        minutes=float(minutes or 0.0),
    )


async def _from_raw(
    conn: AsyncConnection, granularity: Granularity, *, user_id: str, start: date, end: date
) -> list[Bucket]:
    """Sessions (with their minutes and, for a summary, its exchanges) and exchanges per local day (and
    hour), from the raw rows, as the fold counts them."""
    s, e = sessions_t, exchanges_t
    hourly = granularity is Granularity.HOUR
    summary = and_(s.c.exchange_count == 0, s.c.reported_exchanges.is_not(None))
    zero: Any = literal_column("0")
    zero_f: Any = cast(literal_column("0.0"), Float)
    s_hour = s.c.local_hour if hourly else zero
    e_hour = e.c.local_hour if hourly else zero
    minutes = case(
        (s.c.ended_at.is_(None), zero_f),
        else_=minutes_between(conn.dialect.name, s.c.started_at, s.c.ended_at),
    )
    s_groups = [s.c.local_day, s.c.local_hour] if hourly else [s.c.local_day]
    e_groups = [e.c.local_day, e.c.local_hour] if hourly else [e.c.local_day]
    parts = union_all(
        select(
            s.c.local_day.label("day"),
            s_hour.label("hour"),
            func.count().label("sessions"),
            func.sum(case((summary, s.c.reported_exchanges), else_=zero)).label("exchanges"),
            func.sum(minutes).label("minutes"),
        )
        .where(s.c.user_id == user_id, s.c.local_day >= start, s.c.local_day <= end)
        .group_by(*s_groups),
        select(
            e.c.local_day.label("day"),
            e_hour.label("hour"),
            zero.label("sessions"),
            func.count().label("exchanges"),
            zero_f.label("minutes"),
        )
        .where(e.c.user_id == user_id, e.c.local_day >= start, e.c.local_day <= end)
        .group_by(*e_groups),
    ).subquery("parts")
    stmt = select(
        parts.c.day,
        parts.c.hour,
        func.sum(parts.c.sessions).label("sessions"),
        func.sum(parts.c.exchanges).label("exchanges"),
        func.sum(parts.c.minutes).label("minutes"),
    ).group_by(parts.c.day, parts.c.hour)
    out = []
    for r in await conn.execute(stmt):
        day = r.day if isinstance(r.day, date) else date.fromisoformat(str(r.day))
        out.append(_cell(granularity, day, r.hour, r.sessions, r.exchanges, r.minutes))
    return out


async def activity_cells(
    db: Database, *, user_id: str, granularity: Granularity, start: date, end: date
) -> list[Bucket]:
    """The user's DAY or HOUR buckets of the local days [start, end] holding only sessions, exchanges
    and minutes (every other measure empty), in order of (day, hour); periods without data are absent.
    Stored rollups from the granularity's retention horizon on, the raw rows before it."""
    if granularity not in (Granularity.DAY, Granularity.HOUR):
        raise ValueError("activity cells are days or hours")
    found: list[Bucket] = []
    async with db.read() as conn:
        kept = (await read_horizons(conn)).get(granularity)
        if kept is not None and start < kept:
            found += await _from_raw(
                conn, granularity, user_id=user_id, start=start, end=min(end, kept - _ONE_DAY)
            )
        stored_from = start if kept is None else max(start, kept)
        if stored_from <= end:
            r = rollups_t
            rows = await conn.execute(
                select(r.c.bucket_day, r.c.bucket_hour, r.c.sessions, r.c.exchanges, r.c.minutes_sum).where(
                    r.c.user_id == user_id,
                    r.c.granularity == granularity.value,
                    r.c.bucket_day >= stored_from,
                    r.c.bucket_day <= end,
                )
            )
            found += [
                _cell(
                    granularity, row.bucket_day, row.bucket_hour, row.sessions, row.exchanges, row.minutes_sum
                )
                for row in rows
            ]
    return sorted(found, key=lambda b: (b.day, b.hour))
