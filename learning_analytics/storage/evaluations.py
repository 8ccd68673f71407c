"""The writes of an evaluation pass for a batch of learners, in one transaction: goal states and
history, achievement unlocks (once each), and the MILESTONE insights of what was actually written."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update

from ..domain.goals import Goal, GoalSnapshot
from ..domain.insights import Insight
from .db import Database
from .goals import goal_state_values, snapshot_row
from .insights import insight_row, upsert_rows
from .locks import hold_for_transaction
from .sql import chunks, insert_for
from .tables import goal_progress_t, goals_t, unlocks_t

# Unlock rows per INSERT … RETURNING (3 parameters each, under SQLite's 32,766).
_UNLOCKS_PER_STATEMENT = 5000


@dataclass(frozen=True, slots=True)
class LearnerWrite:
    """What one learner's evaluation would write: per changed goal, the `evaluated_at` it was read
    with, its new state, the snapshots to append and the insights of its events; per achievement
    to unlock, the insight celebrating it."""

    user_id: str
    goals: Mapping[str, tuple[datetime | None, Goal, Sequence[GoalSnapshot]]] = field(default_factory=dict)
    goal_insights: Mapping[str, Sequence[Insight]] = field(default_factory=dict)
    unlocks: Mapping[str, Insight] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PassWritten:
    """Per learner, the goal ids written and the achievement ids this pass unlocked."""

    goals: dict[str, set[str]]
    unlocks: dict[str, set[str]]


async def save_pass(
    db: Database, *, writes: Sequence[LearnerWrite], now: datetime, unlocked_at: datetime
) -> PassWritten:
    """Write a batch of learners' evaluations in one transaction.

    Goals: each learner's lock is held (PostgreSQL; SQLite's single writer serialises anyway) and a
    goal is written only if its stored `evaluated_at` is still the one it was read with, so of two
    evaluations racing, the second writes nothing twice. Unlocks: `INSERT … ON CONFLICT DO NOTHING
    RETURNING` on the (user, achievement) key, so each is unlocked once, by one evaluation. The
    insights of the goals written and of the unlocks made are upserted. A fixed number of statements
    whatever the number of learners, goals and unlocks (beyond the parameter limits' chunks).
    """
    writes = [w for w in writes if w.goals or w.unlocks]
    written_goals: dict[str, set[str]] = defaultdict(set)
    new_unlocks: dict[str, set[str]] = defaultdict(set)
    if not writes:
        return PassWritten({}, {})
    async with db.write() as conn:
        with_goals = sorted(w.user_id for w in writes if w.goals)
        for user_id in with_goals:  # in key order: two passes never wait for each other in a cycle
            await hold_for_transaction(conn, f"goals:{user_id}")
        if with_goals:
            g = goals_t
            wanted = {(w.user_id, gid): read_at for w in writes for gid, (read_at, _, _) in w.goals.items()}
            stored: dict[tuple[str, str], datetime | None] = {}
            for part in chunks(with_goals):
                rows = await conn.execute(
                    select(g.c.user_id, g.c.id, g.c.evaluated_at).where(
                        g.c.user_id.in_(part), g.c.id.in_(sorted({gid for _, gid in wanted}))
                    )
                )
                stored.update({(r.user_id, r.id): r.evaluated_at for r in rows})
            params: list[dict[str, Any]] = []
            snapshots: list[dict[str, Any]] = []
            for w in writes:
                for gid, (read_at, goal, shots) in sorted(w.goals.items()):
                    if (w.user_id, gid) in stored and stored[(w.user_id, gid)] == read_at:
                        written_goals[w.user_id].add(gid)
                        params.append(
                            {
                                "b_user_id": w.user_id,
                                "b_id": gid,
                                **goal_state_values(goal),
                                "updated_at": now,
                            }
                        )
                        snapshots += [snapshot_row(w.user_id, s) for s in shots]
            if params:
                # executemany: the SET clause takes the columns named by the parameters
                await conn.execute(
                    update(g).where(g.c.user_id == bindparam("b_user_id"), g.c.id == bindparam("b_id")),
                    params,
                )
            if snapshots:
                await conn.execute(goal_progress_t.insert(), snapshots)
        unlock_rows = [
            {"user_id": w.user_id, "achievement_id": a, "unlocked_at": unlocked_at}
            for w in writes
            for a in w.unlocks
        ]
        for batch in chunks(unlock_rows, _UNLOCKS_PER_STATEMENT):
            stmt = insert_for(conn, unlocks_t).values(list(batch)).on_conflict_do_nothing()
            inserted = await conn.execute(stmt.returning(unlocks_t.c.user_id, unlocks_t.c.achievement_id))
            for user_id, achievement_id in inserted:
                new_unlocks[user_id].add(achievement_id)
        insight_rows = [
            insight_row(w.user_id, i)
            for w in writes
            for gid in sorted(written_goals.get(w.user_id, ()))
            for i in w.goal_insights.get(gid, ())
        ] + [
            insight_row(w.user_id, w.unlocks[a])
            for w in writes
            for a in sorted(new_unlocks.get(w.user_id, ()))
        ]
        await upsert_rows(conn, insight_rows)
    return PassWritten(dict(written_goals), dict(new_unlocks))
