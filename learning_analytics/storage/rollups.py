"""The rollup pipeline: mark dirty hours at ingest, fold them in chunks, rebuild ranges (and the read API)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, func, literal, literal_column, select, tuple_, union
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Select

from ..domain.periods import Granularity
from . import rollups_sql as q
from .db import Database
from .locks import hold_for_transaction
from .rollups_measures import ZERO
from .rollups_read import (
    active_days,
    buckets,
    data_through,
    day_totals,
    first_day,
    last_activity_at,
    read_horizons,
)
from .rollups_retention import RetentionResult, apply_retention
from .rollups_runs import finish_run, start_run
from .rollups_topics import topic_count, topic_days, topic_pairs, topic_totals
from .sql import insert_for
from .tables import dirty_t, exchanges_t, feedback_t, rollups_t, sessions_t, topic_rollups_t
from .types import UTCDateTime

# Concurrency of the fold. Ingestion marks (user, local day, local hour) in `dirty_buckets`; marking
# an hour already marked bumps its `version`. A fold chunk reads its marks with their versions,
# recomputes the buckets from committed raw rows, and deletes only the marks whose version is still
# the one it read. A batch committed after the recompute started has marked its hours (or bumped
# them) in the same transaction as its rows, so its marks survive and the next fold picks them up:
# no mark is lost, at worst a bucket is recomputed twice. Folds exclude each other per chunk with a
# transaction-scoped advisory lock on PostgreSQL (two folds computing the same bucket from different
# snapshots could otherwise write the older answer last); on SQLite every chunk is one
# `BEGIN IMMEDIATE` transaction on the single writer, so ingestion and folds simply take turns.

# At most this many (user, local day) pairs per fold transaction: a backlog never holds the SQLite
# writer for long (a fraction of a second per chunk).
CHUNK_DAYS = 500
# Distinct from every job name: a job holds its own lock while its fold takes this one per chunk.
FOLD_LOCK = "rollups.fold-chunk"
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class FoldResult:
    """What one fold or rebuild did: marks folded, (user, day) pairs and rollup rows recomputed."""

    kind: str
    marks: int = 0
    days: int = 0
    buckets: int = 0
    chunks: int = 0
    duration_ms: float = 0.0
    run_id: int | None = None


async def mark_dirty(
    conn: AsyncConnection, *, user_id: str, hours: Iterable[tuple[date, int]], now: datetime
) -> None:
    """Mark local (day, hour) buckets of a user for the fold; marking a marked hour bumps its version."""
    rows = [
        {"user_id": user_id, "day": d, "hour": h, "version": 1, "marked_at": now} for d, h in sorted(hours)
    ]
    if not rows:
        return
    stmt = insert_for(conn, dirty_t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[dirty_t.c.user_id, dirty_t.c.day, dirty_t.c.hour],
        set_={"version": dirty_t.c.version + 1, "marked_at": stmt.excluded.marked_at},
    )
    await conn.execute(stmt, rows)


@dataclass(frozen=True, slots=True)
class _Scope:
    """Which marks a fold takes: all of them, or one user's and/or a range of local days."""

    user_id: str | None = None
    start: date | None = None
    end: date | None = None

    def marks(self, lo: tuple[str, date] | None = None, hi: tuple[str, date] | None = None) -> Select[Any]:
        d = dirty_t.c
        stmt = select(d.user_id, d.day, d.hour)
        if self.user_id is not None:
            stmt = stmt.where(d.user_id == self.user_id)
        if self.start is not None:
            stmt = stmt.where(d.day >= self.start)
        if self.end is not None:
            stmt = stmt.where(d.day <= self.end)
        if lo is not None:
            stmt = stmt.where(tuple_(d.user_id, d.day) > tuple_(literal(lo[0]), literal(lo[1])))
        if hi is not None:
            stmt = stmt.where(tuple_(d.user_id, d.day) <= tuple_(literal(hi[0]), literal(hi[1])))
        return stmt


async def fold_dirty(
    db: Database, *, now: datetime, chunk_days: int = CHUNK_DAYS, record_idle: bool = False
) -> FoldResult:
    """Fold every dirty hour into the rollups: recompute those hours, their days, the weeks and
    months holding those days, and the topic rollups of those days — nothing else.

    Idempotent: with no new marks it changes nothing (and records no run unless `record_idle`).
    """
    return await _fold(
        db, now=now, kind="fold", scope=_Scope(), chunk_days=chunk_days, record_idle=record_idle
    )


async def rebuild(
    db: Database,
    *,
    now: datetime,
    user_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    progress: Progress | None = None,
    chunk_days: int = CHUNK_DAYS,
) -> FoldResult:
    """Recompute from raw rows every bucket of the local days in [start, end] (default: all), for
    one user or all: hours and days, the weeks and months holding them, and their topic rollups.

    Every hour holding a raw row or a rollup in the range is marked, then folded; `progress` gets
    (days done, days in all) after each chunk.
    """
    scope = _Scope(user_id=user_id, start=start, end=end)
    async with db.write() as conn:
        await conn.execute(_mark_range(conn, scope, now))
        total = await conn.scalar(select(func.count()).select_from(_day_keys(scope.marks()).subquery()))
    return await _fold(
        db, now=now, kind="rebuild", scope=scope, chunk_days=chunk_days, record_idle=True,
        progress=progress, total=int(total or 0),
    )  # fmt: skip


def _day_keys(marks: Select[Any]) -> Select[Any]:
    m = marks.subquery("marked")
    return select(m.c.user_id, m.c.day).distinct()


def _mark_range(conn: AsyncConnection, scope: _Scope, now: datetime) -> Any:
    def in_scope(stmt: Select[Any], user: Any, day: Any) -> Select[Any]:
        if scope.user_id is not None:
            stmt = stmt.where(user == scope.user_id)
        if scope.start is not None:
            stmt = stmt.where(day >= scope.start)
        if scope.end is not None:
            stmt = stmt.where(day <= scope.end)
        return stmt

    sources = [
        in_scope(select(t.c.user_id, t.c.local_day, t.c.local_hour), t.c.user_id, t.c.local_day)
        for t in (sessions_t, exchanges_t, feedback_t)
    ]
    r, tr = rollups_t, topic_rollups_t
    sources.append(
        in_scope(select(r.c.user_id, r.c.bucket_day, r.c.bucket_hour), r.c.user_id, r.c.bucket_day)
    )
    sources.append(in_scope(select(tr.c.user_id, tr.c.day, ZERO), tr.c.user_id, tr.c.day))
    hours = union(*sources).subquery("hours")
    # A WHERE clause ends the SELECT, so SQLite cannot read the ON of ON CONFLICT as a join's ON.
    source = select(
        hours.c[0], hours.c[1], hours.c[2], literal_column("1"), literal(now, UTCDateTime())
    ).where(literal_column("1") == literal_column("1"))
    stmt = insert_for(conn, dirty_t).from_select(["user_id", "day", "hour", "version", "marked_at"], source)
    return stmt.on_conflict_do_nothing()


async def _fold(
    db: Database,
    *,
    now: datetime,
    kind: str,
    scope: _Scope,
    chunk_days: int,
    record_idle: bool,
    progress: Progress | None = None,
    total: int = 0,
) -> FoldResult:
    clock = time.perf_counter()
    if not record_idle and not await _any_mark(db, scope):
        return FoldResult(kind=kind)
    run_id = await start_run(db, kind=kind, user_id=scope.user_id, now=now)
    marks = days = touched = chunks = 0
    status = "failed"
    try:
        async with db.read() as conn:
            horizons = await read_horizons(conn)
        lo: tuple[str, date] | None = None
        while True:
            async with db.write() as conn:
                await hold_for_transaction(conn, FOLD_LOCK)
                chunk = (await conn.execute(_next_days(scope, lo, chunk_days))).all()
                if not chunk:
                    break
                hi = (chunk[-1].user_id, chunk[-1].day)
                chunk_marks = scope.marks(lo, hi)
                read = (await conn.execute(chunk_marks.add_columns(dirty_t.c.version))).all()
                # PostgreSQL gets the marks read as an inline table: its planner then knows how few
                # there are (the statistics of a table swinging from thousands of rows to none lag
                # behind) and looks the marked days up by index instead of hashing whole raw tables.
                marks_source = chunk_marks if db.is_sqlite else q.marks_table(read)
                touched += await _fold_chunk(conn, marks_source, horizons, now)
                await _delete_marks(conn, read)
            marks += len(read)
            days += len(chunk)
            chunks += 1
            lo = hi
            if progress is not None:
                progress(days, max(total, days))
        status = "ok"
    finally:
        duration_ms = (time.perf_counter() - clock) * 1000
        await finish_run(db, run_id, started_at=now, status=status, buckets=touched, duration_ms=duration_ms)
    return FoldResult(
        kind=kind,
        marks=marks,
        days=days,
        buckets=touched,
        chunks=chunks,
        duration_ms=duration_ms,
        run_id=run_id,
    )


def _next_days(scope: _Scope, lo: tuple[str, date] | None, limit: int) -> Select[Any]:
    m = scope.marks(lo).subquery("pending")
    return select(m.c.user_id, m.c.day).distinct().order_by(m.c.user_id, m.c.day).limit(limit)


async def _any_mark(db: Database, scope: _Scope) -> bool:
    async with db.read() as conn:
        return (await conn.execute(scope.marks().limit(1))).first() is not None


async def _fold_chunk(
    conn: AsyncConnection, marks: Select[Any], horizons: dict[Granularity, date], now: datetime
) -> int:
    """Recompute every bucket the chunk's marks touch; return the rollup rows written."""
    dialect = conn.dialect.name
    insert = insert_for(conn, rollups_t)
    touched = 0

    async def write(keys: q.Keys, partials: list[Select[Any]]) -> None:
        nonlocal touched
        result = await conn.execute(q.upsert_rollups(dialect, insert, keys.granularity, partials, now))
        touched += result.rowcount
        await conn.execute(q.delete_empty_rollups(keys))

    for g in (Granularity.HOUR, Granularity.DAY):
        keys = q.keys_from_marks(dialect, marks, g, since=horizons.get(g))
        await write(keys, q.raw_partials_for_keys(dialect, keys))
    days_from = horizons.get(Granularity.DAY)
    for g in (Granularity.WEEK, Granularity.MONTH):
        since = horizons.get(g)
        if days_from is not None and (since is None or since < days_from):
            # Periods starting before the daily horizon may have lost day rollups: use raw rows.
            keys = q.keys_from_marks(dialect, marks, g, since=since, until=days_from)
            await write(keys, q.raw_partials_for_keys(dialect, keys))
        bounds = [d for d in (since, days_from) if d is not None]
        keys = q.keys_from_marks(dialect, marks, g, since=max(bounds) if bounds else None)
        await write(keys, q.day_partials_for_keys(keys))

    day_keys = _day_keys(marks).subquery("day_keys")
    result = await conn.execute(
        q.upsert_topic_rollups(dialect, insert_for(conn, topic_rollups_t), day_keys, now)
    )
    touched += result.rowcount
    await conn.execute(q.delete_stale_topic_rollups(day_keys))
    return touched


async def _delete_marks(conn: AsyncConnection, read: Sequence[Any]) -> None:
    if not read:
        return
    d = dirty_t
    stmt = d.delete().where(
        d.c.user_id == bindparam("m_user"),
        d.c.day == bindparam("m_day"),
        d.c.hour == bindparam("m_hour"),
        d.c.version == bindparam("m_version"),
    )
    await conn.execute(
        stmt, [{"m_user": r.user_id, "m_day": r.day, "m_hour": r.hour, "m_version": r.version} for r in read]
    )


__all__ = [
    "CHUNK_DAYS",
    "FoldResult",
    "RetentionResult",
    "active_days",
    "apply_retention",
    "buckets",
    "data_through",
    "day_totals",
    "first_day",
    "fold_dirty",
    "last_activity_at",
    "mark_dirty",
    "rebuild",
    "topic_count",
    "topic_days",
    "topic_pairs",
    "topic_totals",
]
