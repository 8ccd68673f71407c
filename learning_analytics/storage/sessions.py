"""Reads of sessions and what hangs off them; batch functions return results in key order."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, and_, func, or_, select

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

T = TypeVar("T")


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


def _topic(row: Any) -> str:
    return str(row.topic)


@dataclass(frozen=True, slots=True)
class Children(Generic[T]):
    """Rows of `table` hanging off a parent by the column `parent`, in `order`, made into `T`s."""

    table: Table
    parent: str
    order: tuple[str, ...]
    convert: Callable[[Any], T]


EXCHANGES_BY_SESSION = Children(exchanges_t, "session_id", ("occurred_at", "id"), _exchange)
FEEDBACK_BY_EXCHANGE = Children(feedback_t, "exchange_id", ("created_at", "id"), _feedback)
FEEDBACK_BY_SESSION = Children(feedback_t, "session_id", ("created_at", "id"), _feedback)
TOPICS_BY_SESSION = Children(session_topics_t, "session_id", ("topic",), _topic)
TOPICS_BY_EXCHANGE = Children(exchange_topics_t, "exchange_id", ("topic",), _topic)


async def children(
    db: Database, children: Children[T], parent_ids: Sequence[str], *, user_id: str
) -> list[list[T]]:
    """The user's children of each parent, in the order of `parent_ids` (a list per parent, empty if it
    has none): one statement per chunk of distinct ids, never one per parent."""
    t = children.table
    parent = t.c[children.parent]
    grouped: defaultdict[str, list[T]] = defaultdict(list)
    async with db.read() as conn:
        for part in chunks(list(dict.fromkeys(parent_ids))):
            stmt = (
                select(t)
                .where(t.c.user_id == user_id, parent.in_(part))
                .order_by(*[t.c[name] for name in children.order])
            )
            for row in await conn.execute(stmt):
                grouped[row._mapping[parent]].append(children.convert(row))
    return [grouped.get(k, []) for k in parent_ids]
