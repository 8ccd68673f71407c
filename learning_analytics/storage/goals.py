"""Stored goals: their definition and evaluated state, their history, the default goals created once,
and the day rollups goal evaluation reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update

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
from ..domain.periods import Granularity
from ..domain.rollups import Bucket, Moments
from .db import Database
from .locks import hold_for_transaction
from .rollups import reads as rollup_reads
from .rollups.horizons import read_horizons
from .sql import insert_for, insert_new
from .tables import goal_progress_t, goal_state_t, goals_t, rollups_t


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


def _state(goal: Goal) -> dict[str, Any]:
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
        **_state(goal),
    }


def _snapshot_row(user_id: str, s: GoalSnapshot) -> dict[str, Any]:
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


async def create(db: Database, *, user_id: str, goal: Goal, now: datetime) -> None:
    """Store a new goal."""
    async with db.write() as conn:
        await conn.execute(goals_t.insert(), [_row(user_id, goal, now)])


async def ensure_defaults(db: Database, *, user_id: str, defaults: Sequence[Goal], now: datetime) -> bool:
    """Create the default goals once per learner: the `goal_state` row is inserted with ON CONFLICT DO
    NOTHING, and only the transaction that inserted it stores the goals (so two first uses at once
    create them once, and a default goal deleted later is not created again). True if created now."""
    async with db.write() as conn:
        created = await insert_new(
            conn, goal_state_t, [{"user_id": user_id, "defaults_created_at": now}], key="user_id"
        )
        if not created:
            return False
        # SQLAlchemy's insert (not the raw bulk helper): the milestones column is JSON
        await conn.execute(
            insert_for(conn, goals_t).on_conflict_do_nothing(), [_row(user_id, g, now) for g in defaults]
        )
    return True


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
            update(g).where(g.c.user_id == user_id, g.c.id == goal.id).values(**_state(goal), updated_at=now)
        )
        if snapshot is not None:
            await conn.execute(goal_progress_t.insert(), [_snapshot_row(user_id, snapshot)])


async def save_evaluations(
    db: Database,
    *,
    user_id: str,
    evaluated: Mapping[str, tuple[datetime | None, Goal, Sequence[GoalSnapshot]]],
    now: datetime,
) -> set[str]:
    """Store the evaluations of one learner's goals: per goal id, the `evaluated_at` it was read with,
    its new state and the snapshots to append. Returns the ids written.

    Two evaluations may race (a fold's and the scheduler's, or two processes): the write holds the
    learner's lock (PostgreSQL; SQLite's single writer serialises anyway) and writes a goal only if
    its stored `evaluated_at` is still the one it was read with, so the loser appends nothing twice.
    One UPDATE and one INSERT, each executed for many rows, whatever the number of goals.
    """
    if not evaluated:
        return set()
    g = goals_t
    async with db.write() as conn:
        await hold_for_transaction(conn, f"goals:{user_id}")
        rows = await conn.execute(
            select(g.c.id, g.c.evaluated_at).where(g.c.user_id == user_id, g.c.id.in_(list(evaluated)))
        )
        current = {r.id: r.evaluated_at for r in rows}
        written = {
            gid for gid, (read_at, _, _) in evaluated.items() if gid in current and current[gid] == read_at
        }
        if not written:
            return set()
        params = [
            {"b_user_id": user_id, "b_id": gid, **_state(evaluated[gid][1]), "updated_at": now}
            for gid in sorted(written)
        ]
        # executemany: the SET clause takes the columns named by the parameters
        await conn.execute(
            update(g).where(g.c.user_id == bindparam("b_user_id"), g.c.id == bindparam("b_id")), params
        )
        snapshots = [_snapshot_row(user_id, s) for gid in sorted(written) for s in evaluated[gid][2]]
        if snapshots:
            await conn.execute(goal_progress_t.insert(), snapshots)
    return written


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


async def learner_days(db: Database, *, user_id: str, end: date) -> list[Bucket]:
    """The user's day buckets from their first day to `end`, with what goals and achievements read
    (sessions, exchanges, minutes, quality, feedback): a narrow read of the day rollups. Where
    retention dropped day rollups (a DAY horizon), the full read with its fallback answers."""
    r = rollups_t
    async with db.read() as conn:
        horizons = await read_horizons(conn)
        if Granularity.DAY not in horizons:
            rows = await conn.execute(
                select(
                    r.c.bucket_day, r.c.sessions, r.c.exchanges, r.c.minutes_sum, r.c.quality_n, r.c.quality_sum,
                    r.c.quality_sumsq, r.c.quality_min, r.c.quality_max, r.c.feedback_count, r.c.last_event_at,
                )
                .where(
                    r.c.user_id == user_id,
                    r.c.granularity == Granularity.DAY.value,
                    r.c.bucket_day <= end,
                )
                .order_by(r.c.bucket_day)
            )  # fmt: skip
            return [
                Bucket(
                    granularity=Granularity.DAY,
                    day=row[0],
                    sessions=int(row[1] or 0),
                    exchanges=int(row[2] or 0),
                    minutes=float(row[3] or 0.0),
                    quality=Moments(
                        int(row[4] or 0), float(row[5] or 0.0), float(row[6] or 0.0), row[7], row[8]
                    ),
                    feedback=int(row[9] or 0),
                    last_event_at=row[10],
                )
                for row in rows
            ]
    first = await rollup_reads.first_day(db, user_id=user_id)
    if first is None:
        return []
    return await rollup_reads.buckets(db, user_id=user_id, granularity=Granularity.DAY, start=first, end=end)
