"""Reads of the topic rollups: per topic and day, per topic over a range, and topics studied together."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, or_, select

from ...domain.rollups import Moments, TopicDay, TopicTotal
from ..db import Database
from ..tables import session_topics_t, topic_rollups_t


def _topic_moments(row: Any) -> Moments:
    return Moments(
        n=int(row.quality_n or 0),
        total=float(row.quality_sum or 0.0),
        sumsq=float(row.quality_sumsq or 0.0),
        min=row.quality_min,
        max=row.quality_max,
    )


async def topic_days(
    db: Database, *, user_id: str, start: date, end: date, topics: Sequence[str] | None = None
) -> list[TopicDay]:
    """Per topic and local day in [start, end]: tagged exchanges, sessions and quality, by (day, topic)."""
    t = topic_rollups_t
    stmt = select(t).where(t.c.user_id == user_id, t.c.day >= start, t.c.day <= end)
    if topics is not None:
        if not topics:
            return []
        stmt = stmt.where(t.c.topic.in_(list(topics)))
    async with db.read() as conn:
        rows = await conn.execute(stmt.order_by(t.c.day, t.c.topic))
        return [
            TopicDay(
                topic=r.topic,
                day=r.day,
                exchanges=r.exchanges,
                sessions=r.sessions,
                quality=_topic_moments(r),
                last_event_at=r.last_event_at,
            )
            for r in rows
        ]


async def topic_count(db: Database, *, user_id: str, start: date, end: date) -> int:
    """How many distinct topics have activity in the local days [start, end]."""
    t = topic_rollups_t
    stmt = select(func.count(func.distinct(t.c.topic))).where(
        t.c.user_id == user_id, t.c.day >= start, t.c.day <= end
    )
    async with db.read() as conn:
        return int(await conn.scalar(stmt) or 0)


async def topic_totals(
    db: Database,
    *,
    user_id: str,
    start: date,
    end: date,
    limit: int | None = None,
    topics: Sequence[str] | None = None,
) -> list[TopicTotal]:
    """Per topic over the local days [start, end]: exchanges, sessions and quality moments summed,
    first and last day with activity; most exchanges first, then most sessions, then by name.
    At most `limit` topics; only those named in `topics` when given."""
    t = topic_rollups_t
    if topics is not None and not topics:
        return []
    exchanges, sessions = func.sum(t.c.exchanges), func.sum(t.c.sessions)
    stmt = (
        select(
            t.c.topic,
            exchanges.label("exchanges"),
            sessions.label("sessions"),
            func.sum(t.c.quality_n).label("quality_n"),
            func.sum(t.c.quality_sum).label("quality_sum"),
            func.sum(t.c.quality_sumsq).label("quality_sumsq"),
            func.min(t.c.quality_min).label("quality_min"),
            func.max(t.c.quality_max).label("quality_max"),
            func.min(t.c.day).label("first_day"),
            func.max(t.c.day).label("last_day"),
            func.max(t.c.last_event_at).label("last_event_at"),
        )
        .where(t.c.user_id == user_id, t.c.day >= start, t.c.day <= end)
        .group_by(t.c.topic)
        .order_by(exchanges.desc(), sessions.desc(), t.c.topic)
    )
    if topics is not None:
        stmt = stmt.where(t.c.topic.in_(list(topics)))
    if limit is not None:
        stmt = stmt.limit(limit)
    async with db.read() as conn:
        return [
            TopicTotal(
                topic=r.topic,
                exchanges=int(r.exchanges or 0),
                sessions=int(r.sessions or 0),
                quality=_topic_moments(r),
                first_day=r.first_day,
                last_day=r.last_day,
                last_event_at=r.last_event_at,
            )
            for r in await conn.execute(stmt)
        ]


async def topic_exchanges_by_half(
    db: Database, *, user_id: str, first: tuple[date, date], second: tuple[date, date]
) -> list[tuple[str, int, int]]:
    """Per topic, its tagged exchanges over the local days of `first` and of `second` (both inclusive
    ranges), for the topics with a rollup in either: one pass, counts only."""
    t = topic_rollups_t
    in_first = and_(t.c.day >= first[0], t.c.day <= first[1])
    in_second = and_(t.c.day >= second[0], t.c.day <= second[1])
    stmt = (
        select(
            t.c.topic,
            func.sum(case((in_first, t.c.exchanges), else_=0)).label("before"),
            func.sum(case((in_second, t.c.exchanges), else_=0)).label("after"),
        )
        .where(t.c.user_id == user_id, or_(in_first, in_second))
        .group_by(t.c.topic)
    )
    async with db.read() as conn:
        return [(r.topic, int(r.before), int(r.after)) for r in await conn.execute(stmt)]


def _pairs_statement(user_id: str, start: date, end: date, max_topics: int) -> Any:
    """Pairs (a < b) of the period's `max_topics` topics with most sessions, with their shared sessions."""
    st = session_topics_t
    in_period = and_(st.c.user_id == user_id, st.c.local_day >= start, st.c.local_day <= end)
    sessions = func.count()
    top = (
        select(st.c.topic)
        .where(in_period)
        .group_by(st.c.topic)
        .order_by(sessions.desc(), st.c.topic)
        .limit(max_topics)
        .cte("top_topics")
    )
    linked = (
        select(st.c.session_id, st.c.topic)
        .where(in_period, st.c.topic.in_(select(top.c.topic)))
        .cte("linked")
    )
    a, b = linked.alias("a"), linked.alias("b")
    together = func.count()
    return (
        select(a.c.topic, b.c.topic.label("other"), together.label("sessions"))
        .select_from(a.join(b, and_(b.c.session_id == a.c.session_id, a.c.topic < b.c.topic)))
        .group_by(a.c.topic, b.c.topic)
        .order_by(together.desc(), a.c.topic, b.c.topic)
    )


async def topic_pairs(
    db: Database, *, user_id: str, start: date, end: date, limit: int, max_topics: int
) -> list[tuple[str, str, int]]:
    """Pairs of topics (a < b) studied in the same session, with the number of such sessions whose
    local day is in [start, end]; most sessions first, then by names.

    Only the period's `max_topics` topics with most sessions (ties by name) are paired, in SQL: at
    most max_topics·(max_topics − 1)/2 pairs are formed, however many topics one session holds
    (without the bound, a session of n topics alone makes n·(n − 1)/2 pairs).
    """
    stmt = _pairs_statement(user_id, start, end, max_topics).limit(limit)
    async with db.read() as conn:
        return [(r.topic, r.other, int(r.sessions)) for r in await conn.execute(stmt)]


async def topic_pair_count(db: Database, *, user_id: str, start: date, end: date, max_topics: int) -> int:
    """How many pairs `topic_pairs` would find without a limit (the same bounded pairing, counted)."""
    pairs = _pairs_statement(user_id, start, end, max_topics).order_by(None).subquery("pairs")
    async with db.read() as conn:
        return int(await conn.scalar(select(func.count()).select_from(pairs)) or 0)
