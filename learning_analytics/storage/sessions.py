"""Reads of sessions and what hangs off them; batch functions return results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select

from ..domain.models import Exchange, Feedback, FeedbackKind, Quality, Session
from .db import Database
from .sql import chunks
from .tables import (
    exchange_topics_t,
    exchanges_t,
    feedback_t,
    session_topics_t,
    sessions_t,
)


def session_from_row(row: Any) -> Session:
    """A session's summary: from its exchanges when it has any, else from what the client reported."""
    if row.exchange_count > 0:
        count = row.exchange_count
        avg = row.quality_sum / row.quality_n if row.quality_n else None
    else:
        count = row.reported_exchanges or 0
        avg = row.reported_avg_quality
    return Session(
        id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        local_day=row.local_day,
        exchange_count=count,
        avg_quality=avg,
    )


def _exchange(row: Any) -> Exchange:
    quality = None
    if row.quality is not None:
        quality = Quality(
            composite=row.quality,
            relevance=row.relevance,
            helpfulness=row.helpfulness,
            engagement=row.engagement,
            clarity=row.clarity,
            accuracy=row.accuracy,
        )
    return Exchange(
        id=row.id,
        session_id=row.session_id,
        occurred_at=row.occurred_at,
        local_day=row.local_day,
        quality=quality,
    )


def _feedback(row: Any) -> Feedback:
    return Feedback(
        id=row.id,
        exchange_id=row.exchange_id,
        session_id=row.session_id,
        kind=FeedbackKind(row.kind),
        created_at=row.created_at,
        rating=row.rating,
        comment=row.comment,
    )


@dataclass(frozen=True, slots=True)
class SessionPage:
    sessions: list[Session]
    has_next: bool


@dataclass(frozen=True, slots=True)
class SessionCursor:
    """A position in the newest-first order of sessions: (started_at, id)."""

    started_at: datetime
    id: str


def _window(user_id: str, start: datetime | None, end: datetime | None) -> list[Any]:
    conds = [sessions_t.c.user_id == user_id]
    if start is not None:
        conds.append(sessions_t.c.started_at >= start)
    if end is not None:
        conds.append(sessions_t.c.started_at < end)
    return conds


async def page(
    db: Database,
    *,
    user_id: str,
    first: int,
    after: SessionCursor | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> SessionPage:
    """Sessions newest first, `first` of them after the cursor, with whether more follow."""
    conds = _window(user_id, start, end)
    if after is not None:
        conds.append(
            or_(
                sessions_t.c.started_at < after.started_at,
                and_(sessions_t.c.started_at == after.started_at, sessions_t.c.id < after.id),
            )
        )
    stmt = (
        select(sessions_t)
        .where(*conds)
        .order_by(sessions_t.c.started_at.desc(), sessions_t.c.id.desc())
        .limit(first + 1)
    )
    async with db.read() as conn:
        rows = (await conn.execute(stmt)).all()
    return SessionPage(sessions=[session_from_row(r) for r in rows[:first]], has_next=len(rows) > first)


async def count(
    db: Database, *, user_id: str, start: datetime | None = None, end: datetime | None = None
) -> int:
    async with db.read() as conn:
        stmt = select(func.count()).select_from(sessions_t).where(*_window(user_id, start, end))
        return int((await conn.execute(stmt)).scalar_one())


async def get(db: Database, *, user_id: str, session_id: str) -> Session | None:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(sessions_t).where(sessions_t.c.user_id == user_id, sessions_t.c.id == session_id)
            )
        ).first()
    return session_from_row(row) if row else None


async def _grouped(
    db: Database, stmt_for: Any, keys: Sequence[str], key_of: Any, convert: Any
) -> list[list[Any]]:
    grouped: defaultdict[str, list[Any]] = defaultdict(list)
    async with db.read() as conn:
        for part in chunks(list(dict.fromkeys(keys))):
            for row in await conn.execute(stmt_for(part)):
                grouped[key_of(row)].append(convert(row))
    return [grouped.get(k, []) for k in keys]


async def exchanges_by_session(
    db: Database, session_ids: Sequence[str], *, user_id: str
) -> list[list[Exchange]]:
    def stmt(part: Sequence[str]) -> Any:
        return (
            select(exchanges_t)
            .where(exchanges_t.c.user_id == user_id, exchanges_t.c.session_id.in_(part))
            .order_by(exchanges_t.c.occurred_at, exchanges_t.c.id)
        )

    return await _grouped(db, stmt, session_ids, lambda r: r.session_id, _exchange)


async def feedback_by_exchange(
    db: Database, exchange_ids: Sequence[str], *, user_id: str
) -> list[list[Feedback]]:
    def stmt(part: Sequence[str]) -> Any:
        return (
            select(feedback_t)
            .where(feedback_t.c.user_id == user_id, feedback_t.c.exchange_id.in_(part))
            .order_by(feedback_t.c.created_at, feedback_t.c.id)
        )

    return await _grouped(db, stmt, exchange_ids, lambda r: r.exchange_id, _feedback)


async def feedback_by_session(
    db: Database, session_ids: Sequence[str], *, user_id: str
) -> list[list[Feedback]]:
    def stmt(part: Sequence[str]) -> Any:
        return (
            select(feedback_t)
            .where(feedback_t.c.user_id == user_id, feedback_t.c.session_id.in_(part))
            .order_by(feedback_t.c.created_at, feedback_t.c.id)
        )

    return await _grouped(db, stmt, session_ids, lambda r: r.session_id, _feedback)


async def topics_by_session(db: Database, session_ids: Sequence[str], *, user_id: str) -> list[list[str]]:
    def stmt(part: Sequence[str]) -> Any:
        return (
            select(session_topics_t.c.session_id, session_topics_t.c.topic)
            .where(session_topics_t.c.user_id == user_id, session_topics_t.c.session_id.in_(part))
            .order_by(session_topics_t.c.topic)
        )

    return await _grouped(db, stmt, session_ids, lambda r: r.session_id, lambda r: r.topic)


async def topics_by_exchange(db: Database, exchange_ids: Sequence[str], *, user_id: str) -> list[list[str]]:
    def stmt(part: Sequence[str]) -> Any:
        return (
            select(exchange_topics_t.c.exchange_id, exchange_topics_t.c.topic)
            .where(exchange_topics_t.c.user_id == user_id, exchange_topics_t.c.exchange_id.in_(part))
            .order_by(exchange_topics_t.c.topic)
        )

    return await _grouped(db, stmt, exchange_ids, lambda r: r.exchange_id, lambda r: r.topic)
