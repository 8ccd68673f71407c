"""Stored goals: their definition and evaluated state, their history, and the default goals created once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from ..domain.goals import (
    Comparison,
    Goal,
    GoalFrequency,
    GoalMilestone,
    GoalPeriod,
    GoalSnapshot,
    GoalStatus,
    GoalType,
    TargetMetric,
)
from .db import Database
from .locks import hold_for_transaction
from .sql import chunks, insert_for
from .tables import goal_progress_t, goal_state_t, goals_t


def _goal(row: Any) -> Goal:
    return Goal(
        id=row.id,
        title=row.title,
        goal_type=GoalType(row.goal_type),
        target_metric=TargetMetric(row.target_metric),
        target_value=row.target_value,
        comparison=Comparison(row.comparison),
        frequency=GoalFrequency(row.frequency),
        created_at=row.created_at,
        period=GoalPeriod(
            start=row.period_start, end=row.period_end, start_at=row.period_start_at, end_at=row.period_end_at
        ),
        status=GoalStatus(row.status),
        description=row.description,
        deadline=row.deadline,
        topic=row.topic,
        icon=row.icon,
        color=row.color,
        template=row.template,
        current_value=row.current_value,
        progress_percent=row.progress_percent,
        milestones=tuple(
            GoalMilestone(percent=int(p), reached_at=datetime.fromisoformat(at))
            for p, at in row.milestones or []
        ),
        period_completed_at=row.period_completed_at,
        completed_at=row.completed_at,
        evaluated_at=row.evaluated_at,
    )


def goal_state_values(goal: Goal) -> dict[str, Any]:
    """The columns an evaluation or an update may change."""
    p = goal.period
    return {
        "title": goal.title,
        "description": goal.description,
        "target_value": goal.target_value,
        "deadline": goal.deadline,
        "status": goal.status.value,
        "completed_at": goal.completed_at,
        "period_start": p.start,
        "period_end": p.end,
        "period_start_at": p.start_at,
        "period_end_at": p.end_at,
        "current_value": goal.current_value,
        "progress_percent": goal.progress_percent,
        "milestones": [[m.percent, m.reached_at.isoformat()] for m in goal.milestones],
        "period_completed_at": goal.period_completed_at,
        "evaluated_at": goal.evaluated_at,
    }


def _row(user_id: str, goal: Goal, now: datetime) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "id": goal.id,
        "goal_type": goal.goal_type.value,
        "target_metric": goal.target_metric.value,
        "comparison": goal.comparison.value,
        "frequency": goal.frequency.value,
        "topic": goal.topic,
        "icon": goal.icon,
        "color": goal.color,
        "template": goal.template,
        "created_at": goal.created_at,
        "updated_at": now,
        **goal_state_values(goal),
    }


def snapshot_row(user_id: str, s: GoalSnapshot) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "goal_id": s.goal_id,
        "evaluated_at": s.evaluated_at,
        "period_start": s.period.start,
        "period_end": s.period.end,
        "period_start_at": s.period.start_at,
        "period_end_at": s.period.end_at,
        "current_value": s.current_value,
        "progress_percent": s.progress_percent,
        "status": s.status.value,
        "closes_period": s.closes_period,
    }


async def list_goals(db: Database, *, user_id: str, status: GoalStatus | None = None) -> list[Goal]:
    """The user's goals (one status, or all), oldest first."""
    g = goals_t
    stmt = select(g).where(g.c.user_id == user_id)
    if status is not None:
        stmt = stmt.where(g.c.status == status.value)
    async with db.read() as conn:
        rows = await conn.execute(stmt.order_by(g.c.created_at, g.c.id))
        return [_goal(r) for r in rows]


async def goals_of(db: Database, *, user_ids: Sequence[str]) -> dict[str, list[Goal]]:
    """The goals of each user, oldest first: one statement for many users."""
    g = goals_t
    found: defaultdict[str, list[Goal]] = defaultdict(list)
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            rows = await conn.execute(
                select(g).where(g.c.user_id.in_(part)).order_by(g.c.user_id, g.c.created_at, g.c.id)
            )
            for r in rows:
                found[r.user_id].append(_goal(r))
    return {u: found.get(u, []) for u in user_ids}


async def defaults_created_of(db: Database, *, user_ids: Sequence[str]) -> set[str]:
    """The users whose default goals were created already."""
    found: set[str] = set()
    async with db.read() as conn:
        for part in chunks(list(user_ids)):
            rows = await conn.execute(select(goal_state_t.c.user_id).where(goal_state_t.c.user_id.in_(part)))
            found.update(r[0] for r in rows)
    return found


async def get_goal(db: Database, *, user_id: str, goal_id: str) -> Goal | None:
    g = goals_t
    async with db.read() as conn:
        row = (await conn.execute(select(g).where(g.c.user_id == user_id, g.c.id == goal_id))).first()
    return _goal(row) if row else None


async def histories(
    db: Database, *, user_id: str, goal_ids: Sequence[str], limit: int
) -> dict[str, list[GoalSnapshot]]:
    """The newest `limit` snapshots of each goal, newest first: one statement for all goals (a
    window function numbers each goal's snapshots)."""
    if not goal_ids or limit <= 0:
        return {}
    h = goal_progress_t
    ranked = (
        select(
            h,
            func.row_number()
            .over(partition_by=h.c.goal_id, order_by=(h.c.evaluated_at.desc(), h.c.id.desc()))
            .label("rank"),
        )
        .where(h.c.user_id == user_id, h.c.goal_id.in_(list(goal_ids)))
        .subquery("ranked")
    )
    found: defaultdict[str, list[GoalSnapshot]] = defaultdict(list)
    async with db.read() as conn:
        rows = await conn.execute(
            select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.goal_id, ranked.c.rank)
        )
        for r in rows:
            period = GoalPeriod(r.period_start, r.period_end, r.period_start_at, r.period_end_at)
            found[r.goal_id].append(
                GoalSnapshot(
                    goal_id=r.goal_id,
                    evaluated_at=r.evaluated_at,
                    period=period,
                    current_value=r.current_value,
                    progress_percent=r.progress_percent,
                    status=GoalStatus(r.status),
                    closes_period=bool(r.closes_period),
                )
            )
    return dict(found)


async def create(
    db: Database,
    *,
    user_id: str,
    goal: Goal,
    now: datetime,
    check_room: Callable[[Sequence[Goal]], None] | None = None,
) -> None:
    """Store a new goal. `check_room` is called with the user's goals as stored inside the writing
    transaction (the learner's lock held on PostgreSQL, the single writer on SQLite) and raises to
    refuse: two creations at once cannot both take the last place under the limit."""
    async with db.write() as conn:
        await hold_for_transaction(conn, f"goals:{user_id}")
        if check_room is not None:
            rows = await conn.execute(select(goals_t).where(goals_t.c.user_id == user_id))
            check_room([_goal(r) for r in rows])
        await conn.execute(goals_t.insert(), [_row(user_id, goal, now)])


async def ensure_defaults(db: Database, *, user_id: str, defaults: Sequence[Goal], now: datetime) -> bool:
    """Create the default goals once per learner: the `goal_state` row is inserted with ON CONFLICT DO
    NOTHING, and only the transaction that inserted it stores the goals (so two first uses at once
    create them once, and a default goal deleted later is not created again). True if created now."""
    async with db.write() as conn:
        created = await _mark_defaults(conn, [user_id], now)
        if not created:
            return False
        # SQLAlchemy's insert (not the raw bulk helper): the milestones column is JSON
        await conn.execute(
            insert_for(conn, goals_t).on_conflict_do_nothing(), [_row(user_id, g, now) for g in defaults]
        )
    return True


async def _mark_defaults(conn: AsyncConnection, user_ids: Sequence[str], now: datetime) -> set[str]:
    """Insert the users' `goal_state` rows (ON CONFLICT DO NOTHING); the users inserted now."""
    created: set[str] = set()
    for part in chunks(list(user_ids)):
        stmt = insert_for(conn, goal_state_t).values(
            [{"user_id": u, "defaults_created_at": now} for u in part]
        )
        rows = await conn.execute(stmt.on_conflict_do_nothing().returning(goal_state_t.c.user_id))
        created.update(r[0] for r in rows)
    return created


async def ensure_defaults_of(
    db: Database, *, defaults: Mapping[str, Sequence[Goal]], now: datetime
) -> set[str]:
    """`ensure_defaults` for many users in one transaction; returns the users whose defaults it created."""
    if not defaults:
        return set()
    async with db.write() as conn:
        created = await _mark_defaults(conn, list(defaults), now)
        rows = [_row(u, g, now) for u in sorted(created) for g in defaults[u]]
        if rows:
            await conn.execute(insert_for(conn, goals_t).on_conflict_do_nothing(), rows)
    return created


async def defaults_created(db: Database, *, user_id: str) -> bool:
    async with db.read() as conn:
        found = await conn.scalar(select(goal_state_t.c.user_id).where(goal_state_t.c.user_id == user_id))
    return found is not None


async def save_update(
    db: Database, *, user_id: str, goal: Goal, snapshot: GoalSnapshot | None, now: datetime
) -> None:
    """Store an updated goal (and its snapshot, if any)."""
    g = goals_t
    async with db.write() as conn:
        await hold_for_transaction(conn, f"goals:{user_id}")
        await conn.execute(
            update(g)
            .where(g.c.user_id == user_id, g.c.id == goal.id)
            .values(**goal_state_values(goal), updated_at=now)
        )
        if snapshot is not None:
            await conn.execute(goal_progress_t.insert(), [snapshot_row(user_id, snapshot)])


async def delete_goal(db: Database, *, user_id: str, goal_id: str) -> bool:
    """Delete a goal and its history; False when the user has no such goal."""
    async with db.write() as conn:
        result = await conn.execute(
            delete(goals_t).where(goals_t.c.user_id == user_id, goals_t.c.id == goal_id)
        )
        if result.rowcount == 0:
            return False
        h = goal_progress_t
        await conn.execute(delete(h).where(h.c.user_id == user_id, h.c.goal_id == goal_id))
    return True


async def restore(db: Database, *, user_id: str, goals: Sequence[Goal], now: datetime) -> None:
    """Store goals read back from an export, ids kept (a goal already there is left as it is), and
    mark the learner's default goals as created: the restored goals are theirs, none is added on top."""
    async with db.write() as conn:
        if goals:
            await conn.execute(
                insert_for(conn, goals_t).on_conflict_do_nothing(), [_row(user_id, g, now) for g in goals]
            )
        await _mark_defaults(conn, [user_id], now)
