"""Stored insights: upserted by stable id (a dismissed one stays dismissed), listed, dismissed, rated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.insights import Importance, Insight, InsightPage, InsightType, StoredInsight
from .db import Database
from .sql import insert_for
from .tables import insights_t, state_t

_RANK = case(
    (insights_t.c.importance == Importance.HIGH.value, 0),
    (insights_t.c.importance == Importance.MEDIUM.value, 1),
    else_=2,
)


def _stored(row: Any) -> StoredInsight:
    return StoredInsight(
        insight=Insight(
            id=row.id,
            rule=row.rule,
            type=InsightType(row.type),
            title=row.title,
            description=row.description,
            importance=Importance(row.importance),
            confidence=row.confidence,
            data=row.data or {},
            icon=row.icon,
            action_url=row.action_url,
            generated_at=row.generated_at,
            expires_at=row.expires_at,
            fact_day=row.fact_day,
            fact_key=row.fact_key,
        ),
        viewed_at=row.viewed_at,
        dismissed_at=row.dismissed_at,
        helpful=row.helpful,
    )


_REFRESHED = ("title", "description", "importance", "confidence", "data", "icon", "action_url", "expires_at")


def insight_row(user_id: str, i: Insight) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "id": i.id,
        "rule": i.rule,
        "type": i.type.value,
        "title": i.title,
        "description": i.description,
        "importance": i.importance.value,
        "confidence": i.confidence,
        "data": dict(i.data),
        "icon": i.icon,
        "action_url": i.action_url,
        "generated_at": i.generated_at,
        "expires_at": i.expires_at,
        "fact_day": i.fact_day,
        "fact_key": i.fact_key,
    }


async def upsert_rows(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert insight rows (`insight_row`), any users; an id stored before keeps its viewed, dismissed
    and helpful state and only has its wording and numbers refreshed."""
    if not rows:
        return
    stmt = insert_for(conn, insights_t)
    stmt = stmt.on_conflict_do_update(
        index_elements=[insights_t.c.user_id, insights_t.c.id],
        set_={name: stmt.excluded[name] for name in _REFRESHED},
    )
    await conn.execute(stmt, list(rows))


async def upsert(conn: AsyncConnection, *, user_id: str, insights: Sequence[Insight]) -> None:
    await upsert_rows(conn, [insight_row(user_id, i) for i in insights])


async def save(
    db: Database,
    *,
    user_id: str,
    insights: Sequence[Insight],
    now: datetime,
    data_through: datetime | None,
    rules_ran: bool = True,
) -> int:
    """Store generated insights; an id seen before keeps its viewed/dismissed/helpful state and only
    has its wording and numbers refreshed. Returns how many ids were new. `rules_ran` False (goal and
    achievement events) stores the insights without recording a run of the rule catalog."""
    async with db.write() as conn:
        known = (
            set(
                (
                    await conn.execute(
                        select(insights_t.c.id).where(
                            insights_t.c.user_id == user_id, insights_t.c.id.in_([i.id for i in insights])
                        )
                    )
                ).scalars()
            )
            if insights
            else set()
        )
        await upsert(conn, user_id=user_id, insights=insights)
        if not rules_ran:
            return len({i.id for i in insights} - known)
        state = insert_for(conn, state_t)
        await conn.execute(
            state.on_conflict_do_update(
                index_elements=[state_t.c.user_id],
                set_={
                    "generated_at": state.excluded.generated_at,
                    "data_through": state.excluded.data_through,
                },
            ),
            [{"user_id": user_id, "generated_at": now, "data_through": data_through}],
        )
    return len({i.id for i in insights} - known)


async def generated_through(db: Database, *, user_id: str) -> tuple[datetime, datetime | None] | None:
    """When insights were last generated for the user, and the `dataThrough` they were made from."""
    async with db.read() as conn:
        row = (await conn.execute(select(state_t).where(state_t.c.user_id == user_id))).first()
    return (row.generated_at, row.data_through) if row else None


async def page(
    db: Database,
    *,
    user_id: str,
    now: datetime,
    limit: int,
    type: InsightType | None = None,
    importance: Importance | None = None,
    include_dismissed: bool = False,
) -> InsightPage:
    """Unexpired insights ranked by importance then recency; `total` counts all that match, and
    `new_since_last_visit` those never viewed (and not dismissed)."""
    conds = [
        insights_t.c.user_id == user_id,
        or_(insights_t.c.expires_at.is_(None), insights_t.c.expires_at > now),
    ]
    if type is not None:
        conds.append(insights_t.c.type == type.value)
    if importance is not None:
        conds.append(insights_t.c.importance == importance.value)
    if not include_dismissed:
        conds.append(insights_t.c.dismissed_at.is_(None))
    async with db.read() as conn:
        rows = (
            await conn.execute(
                select(insights_t)
                .where(*conds)
                .order_by(
                    _RANK, insights_t.c.fact_day.desc(), insights_t.c.confidence.desc(), insights_t.c.id
                )
                .limit(limit)
            )
        ).all()
        counts = (
            await conn.execute(
                select(
                    func.count(),
                    func.count(
                        case((insights_t.c.viewed_at.is_(None) & insights_t.c.dismissed_at.is_(None), 1))
                    ),
                ).where(*conds)
            )
        ).one()
    return InsightPage(
        items=[_stored(r) for r in rows], total=int(counts[0]), new_since_last_visit=int(counts[1])
    )


async def get(db: Database, *, user_id: str, insight_id: str) -> StoredInsight | None:
    async with db.read() as conn:
        row = (
            await conn.execute(
                select(insights_t).where(insights_t.c.user_id == user_id, insights_t.c.id == insight_id)
            )
        ).first()
    return _stored(row) if row else None


async def set_fields(db: Database, *, user_id: str, insight_id: str, **values: Any) -> StoredInsight | None:
    """Set dismissed_at / helpful / viewed_at on one insight; None when it does not exist for the user."""
    async with db.write() as conn:
        result = await conn.execute(
            update(insights_t)
            .where(insights_t.c.user_id == user_id, insights_t.c.id == insight_id)
            .values(**values)
        )
    if result.rowcount == 0:
        return None
    return await get(db, user_id=user_id, insight_id=insight_id)


async def mark_viewed(db: Database, *, user_id: str, now: datetime) -> int:
    """Mark every unviewed insight of the user viewed; returns how many were."""
    async with db.write() as conn:
        result = await conn.execute(
            update(insights_t)
            .where(insights_t.c.user_id == user_id, insights_t.c.viewed_at.is_(None))
            .values(viewed_at=now)
        )
    return int(result.rowcount)
