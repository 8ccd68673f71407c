"""Reads of the rollups as domain buckets; below a retention horizon they compute from raw rows instead."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, or_, select, type_coerce, union_all

from ...domain.periods import Granularity, bucket_start
from ...domain.rollups import Bucket, merge_buckets
from ..db import Database
from ..tables import exchanges_t, feedback_t, rollups_t, sessions_t
from ..types import UTCDateTime
from .fallback import computed_buckets
from .horizons import known_horizons
from .measures import MEASURES, bucket_from_row

# Retention only ever deletes whole buckets older than a granularity's horizon (`rollup_horizons`),
# so a read splits its range at the horizon: stored rollups from the horizon on, the same statistics
# computed on the fly from raw rows (or, for weeks and months, from day rollups) before it.

_ONE_DAY = timedelta(days=1)
# Minutes are sums of floats: a day of exactly `min_minutes` must not miss the bar by a rounding error.
_MINUTES_TOLERANCE = 1e-9


def _last_day(granularity: Granularity, start: date) -> date:
    if granularity is Granularity.WEEK:
        return start + timedelta(days=6)
    if granularity is Granularity.MONTH:
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1) - _ONE_DAY
    return start


async def buckets(
    db: Database, *, user_id: str, granularity: Granularity, start: date, end: date
) -> list[Bucket]:
    """The user's `granularity` buckets in order of (day, hour); periods without data are absent.

    HOUR and DAY: the buckets of the local days [start, end] (every hour of each day). WEEK and
    MONTH: every bucket whose period overlaps [start, end], whole — the first may start before
    `start` and the last end after `end`; callers needing exact partial weeks merge day buckets.
    """
    first = bucket_start(granularity, start)
    found: list[Bucket] = []
    async with db.read() as conn:
        horizons = await known_horizons(db, conn)
        kept = horizons.get(granularity)
        if kept is not None and first < kept:
            last = min(kept - _ONE_DAY, _last_day(granularity, bucket_start(granularity, end)))
            found += await computed_buckets(
                conn, granularity, user_id=user_id, start=first, end=last, horizons=horizons
            )
        stored_from = first if kept is None else max(first, kept)
        if stored_from <= end:
            r = rollups_t
            rows = await conn.execute(
                select(r)
                .where(
                    r.c.user_id == user_id,
                    r.c.granularity == granularity.value,
                    r.c.bucket_day >= stored_from,
                    r.c.bucket_day <= end,
                )
                .order_by(r.c.bucket_day, r.c.bucket_hour)
            )
            found += [bucket_from_row(row, granularity) for row in rows.mappings()]
    return sorted(found, key=lambda b: (b.day, b.hour))


async def day_totals(db: Database, *, user_id: str, start: date, end: date) -> Bucket:
    """One bucket merging the user's local days [start, end]: counts and sums added, min of the
    minimums, max of the maximums — exact, computed in SQL over the day rollups. Labelled DAY, `start`."""
    r = rollups_t
    async with db.read() as conn:
        horizons = await known_horizons(db, conn)
        kept = horizons.get(Granularity.DAY)
        parts: list[Bucket] = []
        if kept is not None and start < kept:
            parts += await computed_buckets(
                conn, Granularity.DAY, user_id=user_id, start=start, end=min(end, kept - _ONE_DAY),
                horizons=horizons,
            )  # fmt: skip
        stored_from = start if kept is None else max(start, kept)
        if stored_from <= end:
            row = (
                (
                    await conn.execute(
                        select(*[m.combine(r.c[m.name]).label(m.name) for m in MEASURES]).where(
                            r.c.user_id == user_id,
                            r.c.granularity == Granularity.DAY.value,
                            r.c.bucket_day >= stored_from,
                            r.c.bucket_day <= end,
                        )
                    )
                )
                .mappings()
                .one()
            )
            parts.append(bucket_from_row(row, Granularity.DAY, day=start))
    return merge_buckets(parts, granularity=Granularity.DAY, day=start)


async def active_days(db: Database, *, user_id: str, min_minutes: float = 0) -> list[date]:
    """The user's local days with at least one session or exchange and at least `min_minutes` of
    study (session minutes counted on the day the session started), in order."""
    r = rollups_t
    async with db.read() as conn:
        horizons = await known_horizons(db, conn)
        kept = horizons.get(Granularity.DAY)
        days: list[date] = []
        if kept is not None:
            computed = await computed_buckets(
                conn, Granularity.DAY, user_id=user_id, start=date.min, end=kept - _ONE_DAY, horizons=horizons
            )
            days += [b.day for b in computed if b.active and b.minutes >= min_minutes - _MINUTES_TOLERANCE]
        stmt = select(r.c.bucket_day).where(
            r.c.user_id == user_id,
            r.c.granularity == Granularity.DAY.value,
            or_(r.c.sessions > 0, r.c.exchanges > 0),
            r.c.minutes_sum >= min_minutes - _MINUTES_TOLERANCE,
        )
        if kept is not None:
            stmt = stmt.where(r.c.bucket_day >= kept)
        days += [row.bucket_day for row in await conn.execute(stmt.order_by(r.c.bucket_day))]
    return days


async def last_activity_at(db: Database, *, user_id: str) -> datetime | None:
    """The newest instant the user was studying: the latest exchange, session start or session end.

    Read from the raw tables' (user, time) indexes, so it is exact even before the next fold.
    """
    e, s = exchanges_t, sessions_t
    latest = union_all(
        select(func.max(e.c.occurred_at).label("at")).where(e.c.user_id == user_id),
        select(func.max(func.coalesce(s.c.ended_at, s.c.started_at)).label("at")).where(
            s.c.user_id == user_id
        ),
    ).subquery("latest")
    async with db.read() as conn:
        value = await conn.scalar(select(type_coerce(func.max(latest.c.at), UTCDateTime())))
    return value


async def data_through(db: Database, *, user_id: str) -> datetime | None:
    """The newest event timestamp the user's rollups include (None before the first fold)."""
    r = rollups_t
    async with db.read() as conn:
        value: datetime | None = await conn.scalar(
            select(func.max(r.c.last_event_at)).where(r.c.user_id == user_id)
        )
    return value


async def first_day(db: Database, *, user_id: str) -> date | None:
    """The user's first local day with any session, exchange or feedback."""
    r = rollups_t
    async with db.read() as conn:
        horizons = await known_horizons(db, conn)
        if Granularity.DAY not in horizons:
            stored: date | None = await conn.scalar(
                select(func.min(r.c.bucket_day)).where(
                    r.c.user_id == user_id, r.c.granularity == Granularity.DAY.value
                )
            )
            return stored
        # Day rollups before the horizon are gone: the raw tables' (user, local day) indexes answer.
        firsts = [
            select(func.min(t.c.local_day).label("day")).where(t.c.user_id == user_id)
            for t in (sessions_t, exchanges_t, feedback_t)
        ]
        u = union_all(*firsts).subquery("firsts")
        found: date | None = await conn.scalar(
            select(type_coerce(func.min(u.c.day), rollups_t.c.bucket_day.type))
        )
        return found
