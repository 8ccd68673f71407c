"""Exports read in batches, a learner's rows counted and deleted, and the export history.

Raw sections are read by keyset pagination on (local day, id) — each batch its own short read, so a
slow download never holds a pooled connection or a transaction — and yielded as records (see
`domain.export.records.FIELDS`); derived sections are small (one row per day, week, topic, goal…).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    type_coerce,
    update,
)

from ..domain.achievements import CATALOG
from ..domain.export import ExportRecord, ExportSection
from ..domain.export.records import FIELDS, bucket_records, minutes_between, ratio, rounded
from ..domain.periods import Granularity
from .db import Database
from .rollups import reads as rollup_reads
from .rollups.marks import mark_dirty
from .tables import (
    exchange_topics_t,
    exchanges_t,
    feedback_t,
    metadata,
    session_topics_t,
    sessions_t,
    topic_rollups_t,
    users_t,
)
from .types import UTCDateTime


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
    db: Database, *, window: ExportWindow, section: ExportSection, batch_rows: int
) -> AsyncIterator[list[ExportRecord]]:
    """The section's records in batches of at most `batch_rows`, in a stable order."""
    if section is ExportSection.SESSIONS:
        async for batch in _keyset(db, sessions_t, window, batch_rows):
            yield await _sessions(db, window.user_id, batch)
    elif section is ExportSection.EXCHANGES:
        names = [n for n in FIELDS[section] if n != "topics"]
        async for batch in _keyset(db, exchanges_t, window, batch_rows, names):
            yield await _exchanges(db, window.user_id, batch)
    elif section is ExportSection.FEEDBACK:
        fields = FIELDS[section]
        async for batch in _keyset(db, feedback_t, window, batch_rows, fields):
            yield [{name: row[name] for name in fields} for row in batch]
    elif section in (ExportSection.DAILY, ExportSection.WEEKLY):
        granularity = Granularity.DAY if section is ExportSection.DAILY else Granularity.WEEK
        found = await rollup_reads.buckets(
            db, user_id=window.user_id, granularity=granularity, start=window.start, end=window.end
        )
        yield bucket_records(found, section=section)
    elif section is ExportSection.TOPICS:
        yield await _topics(db, window)
    else:
        yield await _dated(db, window, section)


def _sqlite_instant(text: str | None) -> str | None:
    """A stored SQLite instant ("2026-11-20 09:00:00.000000", UTC) as the canonical export text
    ("2026-11-20T09:00:00Z", microseconds only when there are some), as orjson writes a datetime."""
    if text is None:
        return None
    fraction = text[20:26]
    return f"{text[:10]}T{text[11:19]}{'' if not fraction or fraction == '000000' else '.' + fraction}Z"


def _columns(table: Table, names: Sequence[str], *, raw_text: bool) -> list[Any]:
    """The columns to read. With `raw_text` (SQLite), instants and days are read as their stored text,
    skipping the per-value type processing that would cost more than the rest of the export."""
    out: list[Any] = []
    for name in names:
        column = table.c[name]
        if raw_text and isinstance(column.type, UTCDateTime | Date):
            out.append(type_coerce(column, String).label(name))
        else:
            out.append(column)
    return out


async def _keyset(
    db: Database, table: Table, w: ExportWindow, batch_rows: int, names: Sequence[str] | None = None
) -> AsyncIterator[list[Any]]:
    """The learner's rows of `table` in [start, end] by (local day, id), `batch_rows` at a time."""
    raw_text = names is not None and db.is_sqlite
    columns = _columns(table, names, raw_text=raw_text) if names is not None else [table]
    instants = [n for n in names or () if isinstance(table.c[n].type, UTCDateTime)] if raw_text else []
    after: tuple[Any, str] | None = None
    while True:
        # One lower bound on the day, so that the (user, local day) index seeks to the last page's day;
        # with two (the period's start and the page's), SQLite may seek to the start at every page.
        lower = w.start if after is None else max(w.start, after[0])
        query = select(*columns).where(
            table.c.user_id == w.user_id, table.c.local_day >= lower, table.c.local_day <= w.end
        )
        if after is not None:
            query = query.where(tuple_(table.c.local_day, table.c.id) > tuple_(*after))
        query = query.order_by(table.c.local_day, table.c.id).limit(batch_rows)
        async with db.read() as conn:
            rows = (await conn.execute(query)).mappings().all()
        if not rows:
            return
        last = rows[-1]
        after = (date.fromisoformat(last["local_day"]) if raw_text else last["local_day"], last["id"])
        if instants:
            batch = []
            for row in rows:
                record = dict(row)
                for name in instants:
                    record[name] = _sqlite_instant(record[name])
                batch.append(record)
            yield batch
        else:
            yield list(rows)
        if len(rows) < batch_rows:
            return


async def _topics_of(
    db: Database, table: Table, key: str, user_id: str, rows: Sequence[Any]
) -> dict[str, list[str]]:
    """The topics linked to a batch of rows (sessions or exchanges, in local-day order): one read of the
    links of the batch's days (a link carries its row's local day), keeping those of the batch's rows."""
    ids = {r["id"] for r in rows}
    first, last = rows[0]["local_day"], rows[-1]["local_day"]
    found: defaultdict[str, list[str]] = defaultdict(list)
    async with db.read() as conn:
        links = await conn.execute(
            select(table.c[key], table.c.topic).where(
                table.c.user_id == user_id, table.c.local_day >= first, table.c.local_day <= last
            )
        )
        for owner, topic in links:
            if owner in ids:
                found[owner].append(topic)
    return found


async def _sessions(db: Database, user_id: str, rows: list[Any]) -> list[ExportRecord]:
    topics = await _topics_of(db, session_topics_t, "session_id", user_id, rows)
    return [
        {
            "id": r["id"],
            "started_at": r["started_at"],
            "ended_at": r["ended_at"],
            "local_day": r["local_day"],
            "local_hour": r["local_hour"],
            "duration_minutes": minutes_between(r["started_at"], r["ended_at"]),
            "total_exchanges": r["reported_exchanges"],
            "avg_quality_score": r["reported_avg_quality"],
            "exchange_count": r["exchange_count"],
            "avg_quality": ratio(r["quality_sum"], r["quality_n"]),
            "topics": sorted(topics.get(r["id"], ())),
        }
        for r in rows
    ]


_EXCHANGE_COLUMNS = FIELDS[ExportSection.EXCHANGES]


async def _exchanges(db: Database, user_id: str, rows: list[Any]) -> list[ExportRecord]:
    topics = await _topics_of(db, exchange_topics_t, "exchange_id", user_id, rows)
    out: list[ExportRecord] = []
    for r in rows:
        # Rows read as text (SQLite) are fresh dicts of exactly the fields already: no copy needed.
        record = (
            r if isinstance(r, dict) else {name: r[name] for name in _EXCHANGE_COLUMNS if name != "topics"}
        )
        record["topics"] = sorted(topics.get(r["id"], ()))
        out.append(record)
    return out


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
