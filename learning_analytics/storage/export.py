"""Exports read in batches, a learner's rows counted and deleted, and the export history.

Raw sections are read by keyset pagination on (local day, id) through the driver (`export_pages`) —
each batch its own short read, so a slow download never holds a pooled connection or a transaction —
and yielded as batches of rows (see `domain.export.records.FIELDS`); derived sections are small (one
row per day, week, topic, goal…).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update

from ..domain.achievements import CATALOG
from ..domain.export import ExportRecord, ExportSection, RecordBatch
from ..domain.export.records import FIELDS, bucket_records, ratio, rounded
from ..domain.periods import Granularity
from .db import Database
from .export_pages import raw_pages
from .rollups import reads as rollup_reads
from .rollups.marks import mark_dirty
from .sql import insert_for
from .tables import (
    exchange_topics_t,
    exchanges_t,
    feedback_t,
    insights_t,
    metadata,
    session_topics_t,
    sessions_t,
    topic_rollups_t,
    unlocks_t,
    users_t,
)


@dataclass(frozen=True, slots=True)
class ExportWindow:
    """Which rows an export reads: raw rows and rollups by local day in [start, end]; goals created,
    achievements unlocked and insights generated in [since, until) (None: no bound)."""

    user_id: str
    start: date
    end: date
    since: datetime | None
    until: datetime | None


def _table(name: str) -> Table:
    return metadata.tables[name]


_RAW = {
    ExportSection.SESSIONS: sessions_t,
    ExportSection.EXCHANGES: exchanges_t,
    ExportSection.FEEDBACK: feedback_t,
}


def _in_window(table: Table, column: str, w: ExportWindow) -> list[Any]:
    conditions: list[Any] = [table.c.user_id == w.user_id]
    if w.since is not None:
        conditions.append(table.c[column] >= w.since)
    if w.until is not None:
        conditions.append(table.c[column] < w.until)
    return conditions


async def count_rows(
    db: Database, *, window: ExportWindow, sections: Sequence[ExportSection]
) -> dict[str, int]:
    """How many records each section would hold (checked against the limits before anything is sent)."""
    w = window
    counts: dict[str, int] = {}
    async with db.read() as conn:
        for section in sections:
            query: Any
            if section in _RAW:
                t = _RAW[section]
                query = select(func.count()).where(
                    t.c.user_id == w.user_id, t.c.local_day.between(w.start, w.end)
                )
            elif section in (ExportSection.DAILY, ExportSection.WEEKLY):
                # One record per active day or week at most: the days bound both.
                query = select(func.count(func.distinct(sessions_t.c.local_day))).where(
                    sessions_t.c.user_id == w.user_id, sessions_t.c.local_day.between(w.start, w.end)
                )
            elif section is ExportSection.TOPICS:
                t = topic_rollups_t
                query = select(func.count(func.distinct(t.c.topic))).where(
                    t.c.user_id == w.user_id, t.c.day.between(w.start, w.end)
                )
            else:
                name, column = _DATED[section]
                query = select(func.count()).where(*_in_window(_table(name), column, w))
            counts[section.value] = int((await conn.execute(query)).scalar_one())
    return counts


async def stream_section(
    db: Database,
    *,
    window: ExportWindow,
    section: ExportSection,
    batch_rows: int,
    sqlite_cache_kib: int | None = None,
) -> AsyncIterator[RecordBatch]:
    """The section's records in batches of at most `batch_rows`, in a stable order: the raw sections
    as plain rows read through the driver (see `export_pages`), the derived ones in one batch."""
    fields = FIELDS[section]
    if section in _RAW:
        async for batch in raw_pages(
            db,
            user_id=window.user_id,
            start=window.start,
            end=window.end,
            section=section,
            batch_rows=batch_rows,
            sqlite_cache_kib=sqlite_cache_kib,
        ):
            yield batch
    elif section in (ExportSection.DAILY, ExportSection.WEEKLY):
        granularity = Granularity.DAY if section is ExportSection.DAILY else Granularity.WEEK
        found = await rollup_reads.buckets(
            db, user_id=window.user_id, granularity=granularity, start=window.start, end=window.end
        )
        yield RecordBatch.of(fields, bucket_records(found, section=section))
    elif section is ExportSection.TOPICS:
        yield RecordBatch.of(fields, await _topics(db, window))
    else:
        yield RecordBatch.of(fields, await _dated(db, window, section))


async def _topics(db: Database, w: ExportWindow) -> list[ExportRecord]:
    t = topic_rollups_t
    query = (
        select(
            t.c.topic,
            func.sum(t.c.exchanges),
            func.sum(t.c.sessions),
            func.sum(t.c.quality_sum),
            func.sum(t.c.quality_n),
            func.min(t.c.day),
            func.max(t.c.day),
        )
        .where(t.c.user_id == w.user_id, t.c.day.between(w.start, w.end))
        .group_by(t.c.topic)
        .order_by(t.c.topic)
    )
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    return [
        {
            "topic": topic,
            "exchanges": int(exchanges or 0),
            "sessions": int(sessions or 0),
            "avg_quality": ratio(float(q_sum or 0.0), int(q_n or 0)),
            "first_day": _as_date(first),
            "last_day": _as_date(last),
        }
        for topic, exchanges, sessions, q_sum, q_n, first, last in rows
    ]


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


# Sections read from a table by the time of a row: (table, column).
_DATED = {
    ExportSection.GOALS: ("goals", "created_at"),
    ExportSection.ACHIEVEMENTS: ("achievement_unlocks", "unlocked_at"),
    ExportSection.INSIGHTS: ("insights", "generated_at"),
}


async def _dated(db: Database, w: ExportWindow, section: ExportSection) -> list[ExportRecord]:
    name, column = _DATED[section]
    table = _table(name)
    fields = FIELDS[section]
    if section is ExportSection.ACHIEVEMENTS:
        # The catalog is code (`domain.achievements.CATALOG`): the unlocks are read, the rest looked up.
        query = (
            select(table.c.achievement_id, table.c.unlocked_at)
            .where(*_in_window(table, column, w))
            .order_by(table.c.unlocked_at, table.c.achievement_id)
        )
        async with db.read() as conn:
            unlocks = (await conn.execute(query)).all()
        by_id = {a.id: a for a in CATALOG}
        return [
            {
                "id": a.id, "title": a.title, "description": a.description, "category": a.category.value,
                "rarity": a.rarity.value, "points": a.points, "unlocked_at": unlocked_at,
            }
            for achievement_id, unlocked_at in unlocks
            if (a := by_id.get(achievement_id)) is not None
        ]  # fmt: skip
    query = select(*(table.c[f] for f in fields)).where(*_in_window(table, column, w))
    query = query.order_by(table.c[column], table.c.id)
    async with db.read() as conn:
        rows = (await conn.execute(query)).all()
    records = [dict(zip(fields, row, strict=True)) for row in rows]
    if section is ExportSection.INSIGHTS:
        for record in records:
            record["confidence"] = rounded(record["confidence"])
    return records


async def restore_held(
    db: Database,
    *,
    user_id: str,
    unlocks: Sequence[tuple[str, datetime]],
    insights: Sequence[dict[str, Any]],
) -> None:
    """Store achievement unlocks and insights read back from an export (one already there is left as
    it is)."""
    async with db.write() as conn:
        if unlocks:
            await conn.execute(
                insert_for(conn, unlocks_t).on_conflict_do_nothing(),
                [{"user_id": user_id, "achievement_id": a, "unlocked_at": at} for a, at in unlocks],
            )
        if insights:
            await conn.execute(
                insert_for(conn, insights_t).on_conflict_do_nothing(),
                [{"user_id": user_id, **i} for i in insights],
            )


async def first_day(db: Database, *, user_id: str) -> date | None:
    """The learner's first local day with a stored session, exchange or feedback."""
    async with db.read() as conn:
        days = [
            await conn.scalar(select(func.min(t.c.local_day)).where(t.c.user_id == user_id))
            for t in (sessions_t, exchanges_t, feedback_t)
        ]
    found = [_as_date(d) for d in days if d is not None]
    return min(found) if found else None


async def record_export(
    db: Database,
    *,
    export_id: str,
    user_id: str,
    format: str,
    period_start: datetime,
    period_end: datetime,
    sections: Sequence[str],
    row_counts: dict[str, int],
    size_bytes: int,
    checksum: str,
    now: datetime,
) -> None:
    """Add one row to `export_history`."""
    async with db.write() as conn:
        await conn.execute(
            insert(_table("export_history")).values(
                id=export_id,
                user_id=user_id,
                format=format,
                period_start=period_start,
                period_end=period_end,
                sections=list(sections),
                row_counts=row_counts,
                size_bytes=size_bytes,
                checksum=checksum,
                created_at=now,
            )
        )


async def export_history(db: Database, *, user_id: str, limit: int) -> list[dict[str, Any]]:
    """The learner's latest exports, newest first."""
    t = _table("export_history")
    async with db.read() as conn:
        rows = await conn.execute(
            select(t).where(t.c.user_id == user_id).order_by(t.c.created_at.desc(), t.c.id).limit(limit)
        )
        return [dict(r) for r in rows.mappings()]


def learner_tables() -> list[Table]:
    """Every table holding a learner's rows (a `user_id` column), children before parents, then `users`."""
    owned = [t for t in reversed(metadata.sorted_tables) if "user_id" in t.c]
    return [*owned, users_t]


async def learner_row_counts(db: Database, *, user_id: str) -> dict[str, int]:
    """How many rows each table holds for the learner (`users`: 1 if the learner exists)."""
    counts: dict[str, int] = {}
    async with db.read() as conn:
        for t in learner_tables():
            key = t.c.id if t is users_t else t.c.user_id
            counts[str(t.name)] = int(
                (await conn.execute(select(func.count()).where(key == user_id))).scalar_one()
            )
    return counts


async def delete_learner(db: Database, *, user_id: str) -> tuple[dict[str, int], list[str]]:
    """Delete the learner, their keys and every raw and derived row, in one transaction; returns the
    rows removed per table and the hashes of the removed keys (to forget them from caches)."""
    removed: dict[str, int] = {}
    keys = metadata.tables["api_keys"]
    async with db.write() as conn:
        hashes = [h for (h,) in await conn.execute(select(keys.c.key_hash).where(keys.c.user_id == user_id))]
        for t in learner_tables():
            key = t.c.id if t is users_t else t.c.user_id
            result = await conn.execute(delete(t).where(key == user_id))
            removed[str(t.name)] = int(result.rowcount or 0)
    return removed, hashes


async def user_exists(db: Database, *, user_id: str) -> bool:
    async with db.read() as conn:
        return (await conn.scalar(select(func.count()).where(users_t.c.id == user_id))) == 1


__all__ = [
    "ExportWindow",
    "count_rows",
    "delete_learner",
    "export_history",
    "first_day",
    "learner_row_counts",
    "learner_tables",
    "record_export",
    "restore_held",
    "stream_section",
]


@dataclass(frozen=True, slots=True)
class LocalDayFix:
    """A restored row whose stored local day and hour differ from what ingestion computed in the
    learner's current timezone (the row was first ingested under another one)."""

    section: ExportSection
    id: str
    computed: tuple[date, int]
    exported: tuple[date, int]


async def restore_local_days(
    db: Database, *, user_id: str, fixes: Sequence[LocalDayFix], now: datetime
) -> None:
    """Put back the exported local days and hours (and their topic links' days), and mark both the
    computed and the exported hours dirty so that the next fold recomputes them."""
    links = {
        ExportSection.SESSIONS: (session_topics_t, "session_id"),
        ExportSection.EXCHANGES: (exchange_topics_t, "exchange_id"),
    }
    async with db.write() as conn:
        for section, table in _RAW.items():
            rows = [
                {"rid": f.id, "day": f.exported[0], "hour": f.exported[1]}
                for f in fixes
                if f.section is section
            ]
            if not rows:
                continue
            await conn.execute(
                update(table)
                .where(table.c.user_id == user_id, table.c.id == bindparam("rid"))
                .values(local_day=bindparam("day"), local_hour=bindparam("hour")),
                rows,
            )
            if section in links:
                link, key = links[section]
                await conn.execute(
                    update(link)
                    .where(link.c.user_id == user_id, link.c[key] == bindparam("rid"))
                    .values(local_day=bindparam("day")),
                    [{"rid": r["rid"], "day": r["day"]} for r in rows],
                )
        hours = {f.computed for f in fixes} | {f.exported for f in fixes}
        await mark_dirty(conn, user_id=user_id, hours=hours, now=now)
