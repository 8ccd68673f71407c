"""The ingestion write path: one atomic transaction per batch, exactly-once by client id."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Column, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain import ingest
from ..domain.models import EventBatch, IngestSummary, KindCount, User
from .db import Database
from .rollups.marks import mark_dirty
from .sql import chunks, insert_for, insert_ignore, insert_new, least, prepare_rows
from .tables import (
    exchange_topics_t,
    exchanges_t,
    feedback_t,
    session_topics_t,
    sessions_t,
    topics_t,
)


async def _stored(
    conn: AsyncConnection, value: Column[Any], user_id: str, ids: Sequence[str]
) -> dict[str, Any]:
    """`value` of each stored row of its table among the user's `ids` (absent ids are left out)."""
    table = value.table
    found: dict[str, Any] = {}
    for part in chunks(sorted(set(ids))):
        rows = await conn.execute(
            select(table.c.id, value).where(table.c.user_id == user_id, table.c.id.in_(part))
        )
        found.update({row[0]: row[1] for row in rows})
    return found


class _Topics:
    """Topic first-seen times and links collected from the accepted items of a batch."""

    def __init__(self) -> None:
        self.first_seen: dict[str, tuple[datetime, date]] = {}
        self.session_links: dict[tuple[str, str], date] = {}
        self.exchange_links: list[dict[str, Any]] = []

    def seen(self, topic: str, at: datetime, day: date) -> None:
        known = self.first_seen.get(topic)
        if known is None or at < known[0]:
            self.first_seen[topic] = (at, day)


def _session_rows(batch: EventBatch, uid: str, tz: ZoneInfo, now: datetime) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for s in batch.sessions:
        if s.id in rows:
            continue
        started = ingest.as_utc(s.started_at)
        at = ingest.local_time(started, tz)
        rows[s.id] = {
            "user_id": uid,
            "id": s.id,
            "started_at": started,
            "ended_at": ingest.as_utc(s.ended_at) if s.ended_at else None,
            "local_day": at.day,
            "local_hour": at.hour,
            "reported_exchanges": s.total_exchanges,
            "reported_avg_quality": s.avg_quality_score,
            "exchange_count": 0,
            "quality_n": 0,
            "quality_sum": 0.0,
            "ingested_at": now,
        }
    return rows


def _exchange_rows(batch: EventBatch, uid: str, tz: ZoneInfo, now: datetime) -> dict[str, dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for e in batch.exchanges:
        if e.id in rows:
            continue
        occurred = ingest.as_utc(e.occurred_at)
        at = ingest.local_time(occurred, tz)
        q = e.quality
        rows[e.id] = {
            "user_id": uid,
            "id": e.id,
            "session_id": e.session_id,
            "occurred_at": occurred,
            "local_day": at.day,
            "local_hour": at.hour,
            "quality": q.composite if q else None,
            "relevance": q.relevance if q else None,
            "helpfulness": q.helpfulness if q else None,
            "engagement": q.engagement if q else None,
            "clarity": q.clarity if q else None,
            "accuracy": q.accuracy if q else None,
            "user_text": e.user_text,
            "agent_text": e.agent_text,
            "ingested_at": now,
        }
    return rows


async def store_batch(db: Database, *, user: User, batch: EventBatch, now: datetime) -> IngestSummary:
    """Store a validated batch atomically; items whose id is already stored count as duplicates.

    Raises `InvalidInput` (and writes nothing) when an exchange's session or a feedback's exchange is
    neither stored nor in the batch. Marks every local hour it touches dirty for the rollup fold.
    The rows are built before the write transaction starts, so that Python work overlaps with
    another batch's writes instead of holding the writer.
    """
    tz = ZoneInfo(user.timezone)
    uid = user.id
    session_rows = _session_rows(batch, uid, tz, now)
    exchange_rows = _exchange_rows(batch, uid, tz, now)
    prepared_sessions = prepare_rows(db.dialect, sessions_t, list(session_rows.values()))
    prepared_exchanges = prepare_rows(db.dialect, exchanges_t, list(exchange_rows.values()))
    exchange_topics = {e.id: e.topics for e in batch.exchanges}
    async with db.write() as conn:
        # Every referenced session, in the batch or not: a stored one keeps its stored local day.
        stored_sessions: dict[str, date] = await _stored(
            conn, sessions_t.c.local_day, uid, [e.session_id for e in batch.exchanges]
        )
        stored_exchanges: dict[str, str] = await _stored(
            conn,
            exchanges_t.c.session_id,
            uid,
            [f.exchange_id for f in batch.feedback if f.exchange_id not in exchange_rows],
        )
        ingest.unknown_references(
            batch, stored_sessions=stored_sessions.keys(), stored_exchanges=stored_exchanges
        )

        dirty: set[tuple[date, int]] = set()
        topics = _Topics()
        session_day = {sid: row["local_day"] for sid, row in session_rows.items()} | stored_sessions

        # sessions
        new_sessions = await insert_new(conn, sessions_t, prepared_sessions)
        for sid in new_sessions:
            row = session_rows[sid]
            dirty.add((row["local_day"], row["local_hour"]))
        for s in batch.sessions:
            if s.id in new_sessions:
                row = session_rows[s.id]
                for topic in s.topics:
                    topics.seen(topic, row["started_at"], row["local_day"])
                    topics.session_links[(s.id, topic)] = row["local_day"]

        # exchanges
        new_exchanges = await insert_new(conn, exchanges_t, prepared_exchanges)
        per_session: defaultdict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        for eid in new_exchanges:
            row = exchange_rows[eid]
            dirty.add((row["local_day"], row["local_hour"]))
            acc = per_session[row["session_id"]]
            acc[0] += 1
            if row["quality"] is not None:
                acc[1] += 1
                acc[2] += row["quality"]
            for topic in exchange_topics[eid]:
                topics.seen(topic, row["occurred_at"], row["local_day"])
                topics.exchange_links.append(
                    {"user_id": uid, "exchange_id": eid, "topic": topic, "local_day": row["local_day"]}
                )
                topics.session_links[(row["session_id"], topic)] = session_day[row["session_id"]]
        if per_session:
            await conn.execute(
                update(sessions_t)
                .where(sessions_t.c.user_id == uid, sessions_t.c.id == bindparam("sid"))
                .values(
                    exchange_count=sessions_t.c.exchange_count + bindparam("n"),
                    quality_n=sessions_t.c.quality_n + bindparam("qn"),
                    quality_sum=sessions_t.c.quality_sum + bindparam("qs"),
                ),
                [{"sid": sid, "n": a[0], "qn": a[1], "qs": a[2]} for sid, a in per_session.items()],
            )
            # A session's own bucket changes too: its exchange count and quality summary moved.
            dirty.update(await _session_buckets(conn, uid, [s for s in per_session if s not in new_sessions]))

        # feedback
        feedback_rows: dict[str, dict[str, Any]] = {}
        for f in batch.feedback:
            if f.id in feedback_rows:
                continue
            created = ingest.as_utc(f.created_at)
            at = ingest.local_time(created, tz)
            ex = exchange_rows.get(f.exchange_id)
            feedback_rows[f.id] = {
                "user_id": uid,
                "id": f.id,
                "exchange_id": f.exchange_id,
                "session_id": ex["session_id"] if ex else stored_exchanges[f.exchange_id],
                "kind": f.kind.value,
                "rating": f.rating,
                "comment": f.comment,
                "created_at": created,
                "local_day": at.day,
                "local_hour": at.hour,
                "ingested_at": now,
            }
        new_feedback = await insert_new(conn, feedback_t, list(feedback_rows.values()))
        for fid in new_feedback:
            row = feedback_rows[fid]
            dirty.add((row["local_day"], row["local_hour"]))

        await _store_topics(conn, uid, topics)
        await mark_dirty(conn, user_id=uid, hours=dirty, now=now)

    def count(total: int, accepted: int) -> KindCount:
        return KindCount(accepted=accepted, duplicates=total - accepted)

    return IngestSummary(
        sessions=count(len(batch.sessions), len(new_sessions)),
        exchanges=count(len(batch.exchanges), len(new_exchanges)),
        feedback=count(len(batch.feedback), len(new_feedback)),
    )


async def _session_buckets(
    conn: AsyncConnection, user_id: str, session_ids: list[str]
) -> set[tuple[date, int]]:
    buckets: set[tuple[date, int]] = set()
    for part in chunks(session_ids):
        rows = await conn.execute(
            select(sessions_t.c.local_day, sessions_t.c.local_hour).where(
                sessions_t.c.user_id == user_id, sessions_t.c.id.in_(part)
            )
        )
        buckets.update((r.local_day, r.local_hour) for r in rows)
    return buckets


async def _store_topics(conn: AsyncConnection, user_id: str, topics: _Topics) -> None:
    if topics.first_seen:
        stmt = insert_for(conn, topics_t)
        stmt = stmt.on_conflict_do_update(
            index_elements=[topics_t.c.user_id, topics_t.c.name],
            set_={
                "first_seen_at": least(conn, topics_t.c.first_seen_at, stmt.excluded.first_seen_at),
                "first_seen_day": least(conn, topics_t.c.first_seen_day, stmt.excluded.first_seen_day),
            },
        )
        await conn.execute(
            stmt,
            [
                {"user_id": user_id, "name": name, "first_seen_at": at, "first_seen_day": day}
                for name, (at, day) in sorted(topics.first_seen.items())
            ],
        )
    await insert_ignore(
        conn,
        session_topics_t,
        [
            {"user_id": user_id, "session_id": sid, "topic": topic, "local_day": day}
            for (sid, topic), day in topics.session_links.items()
        ],
    )
    await insert_ignore(conn, exchange_topics_t, topics.exchange_links)
