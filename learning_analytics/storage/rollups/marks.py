"""Dirty marks: the local hours the fold must recompute, marked at ingest (or over a range for a
rebuild), selected by scope, and deleted once folded unless newer data bumped them meanwhile."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, literal, literal_column, select, tuple_, union
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.expression import Select

from ..db import Database
from ..sql import insert_for
from ..tables import dirty_t, exchanges_t, feedback_t, rollups_t, sessions_t, topic_rollups_t
from ..types import UTCDateTime
from .measures import ZERO

# A position in the key order of (user, local day) pairs: a chunk starts after it.
Cursor = tuple[str, date] | None


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


@dataclass(frozen=True, slots=True)
class Scope:
    """Which marks a fold takes: all of them, or one user's and/or a range of local days, but none of
    the `excluded` users'."""

    user_id: str | None = None
    start: date | None = None
    end: date | None = None
    excluded: frozenset[str] = frozenset()

    def marks(self, lo: Cursor = None, hi: Cursor = None) -> Select[Any]:
        d = dirty_t.c
        stmt = select(d.user_id, d.day, d.hour)
        if self.user_id is not None:
            stmt = stmt.where(d.user_id == self.user_id)
        if self.excluded:
            stmt = stmt.where(d.user_id.not_in(sorted(self.excluded)))
        if self.start is not None:
            stmt = stmt.where(d.day >= self.start)
        if self.end is not None:
            stmt = stmt.where(d.day <= self.end)
        if lo is not None:
            stmt = stmt.where(tuple_(d.user_id, d.day) > tuple_(literal(lo[0]), literal(lo[1])))
        if hi is not None:
            stmt = stmt.where(tuple_(d.user_id, d.day) <= tuple_(literal(hi[0]), literal(hi[1])))
        return stmt


def day_keys(marks: Select[Any]) -> Select[Any]:
    """The distinct (user_id, day) pairs of a selection of marks."""
    m = marks.subquery("marked")
    return select(m.c.user_id, m.c.day).distinct()


def next_days(scope: Scope, lo: Cursor, limit: int) -> Select[Any]:
    """The next `limit` (user, day) pairs of `scope` after `lo`, in key order."""
    m = scope.marks(lo).subquery("pending")
    return select(m.c.user_id, m.c.day).distinct().order_by(m.c.user_id, m.c.day).limit(limit)


async def any_mark(db: Database, scope: Scope) -> bool:
    """Whether `scope` holds any mark at all."""
    async with db.read() as conn:
        return (await conn.execute(scope.marks().limit(1))).first() is not None


async def delete_marks(conn: AsyncConnection, read: Sequence[Any]) -> None:
    """Delete the marks read, each only while its version is still the one read (a mark bumped since
    by newer data stays for the next fold)."""
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


def mark_range(conn: AsyncConnection, scope: Scope, now: datetime) -> Any:
    """The statement marking every hour of `scope` that holds a raw row or a rollup (a rebuild's marks)."""

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
