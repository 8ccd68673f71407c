"""The rollup pipeline: mark dirty hours at ingest, fold them in chunks, rebuild ranges (and the read API)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, literal, literal_column, select, union
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Select

from .db import Database
from .rollups_fold import CHUNK_DAYS, FoldResult, Progress, Scope, day_keys, run_fold
from .rollups_measures import ZERO
from .rollups_read import (
    active_days,
    buckets,
    data_through,
    day_totals,
    first_day,
    last_activity_at,
)
from .rollups_retention import RetentionResult, apply_retention
from .rollups_runs import FoldHealth, LearnerFoldState, close_abandoned, fold_health, learner_fold_state
from .rollups_topics import topic_count, topic_days, topic_exchanges_by_half, topic_pairs, topic_totals
from .sql import insert_for
from .tables import dirty_t, exchanges_t, feedback_t, rollups_t, sessions_t, topic_rollups_t
from .types import UTCDateTime


async def mark_dirty(
    conn: AsyncConnection, *, user_id: str, hours: Iterable[tuple[date, int]], now: datetime
) -> None:
    """Mark local (day, hour) buckets of a user for the fold; marking a marked hour bumps its version.

    `marked_at` stays the time the hour first became dirty since its last fold: the age of the oldest
    unfolded data, which `meta.stale` and the fold-lag gauge report.
    """
    rows = [
        {"user_id": user_id, "day": d, "hour": h, "version": 1, "marked_at": now} for d, h in sorted(hours)
    ]
    if not rows:
        return
    stmt = insert_for(conn, dirty_t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[dirty_t.c.user_id, dirty_t.c.day, dirty_t.c.hour],
        set_={"version": dirty_t.c.version + 1},
    )
    await conn.execute(stmt, rows)


async def fold_dirty(
    db: Database, *, now: datetime, chunk_days: int = CHUNK_DAYS, record_idle: bool = False
) -> FoldResult:
    """Fold every dirty hour into the rollups: recompute those hours, their days, the weeks and
    months holding those days, and the topic rollups of those days — nothing else.

    Idempotent: with no new marks it changes nothing (and records no run unless `record_idle`).
    A learner whose data makes a statement fail is recorded and skipped (`FoldResult.failed`), with
    their marks left in place; everyone else is folded.
    """
    return await run_fold(
        db, now=now, kind="fold", scope=Scope(), chunk_days=chunk_days, record_idle=record_idle
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
    scope = Scope(user_id=user_id, start=start, end=end)
    async with db.write() as conn:
        await conn.execute(_mark_range(conn, scope, now))
        total = await conn.scalar(select(func.count()).select_from(day_keys(scope.marks()).subquery()))
    return await run_fold(
        db, now=now, kind="rebuild", scope=scope, chunk_days=chunk_days, record_idle=True,
        progress=progress, total=int(total or 0),
    )  # fmt: skip


def _mark_range(conn: AsyncConnection, scope: Scope, now: datetime) -> Any:
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


__all__ = [
    "CHUNK_DAYS",
    "FoldHealth",
    "FoldResult",
    "LearnerFoldState",
    "RetentionResult",
    "active_days",
    "apply_retention",
    "buckets",
    "close_abandoned",
    "data_through",
    "day_totals",
    "first_day",
    "fold_dirty",
    "fold_health",
    "last_activity_at",
    "learner_fold_state",
    "mark_dirty",
    "rebuild",
    "topic_count",
    "topic_days",
    "topic_exchanges_by_half",
    "topic_pairs",
    "topic_totals",
]
